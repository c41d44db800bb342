using System.Globalization;
using System.Text;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Targets;

namespace PgMetrics.Collector.Tests;

/// <summary>
/// Rendezvous hashing over 1,000 simulated targets read from a real targets file: every target is owned by
/// exactly one replica, the shares are even, and a resize moves only about 1/(N+1) of the targets.
/// </summary>
public sealed class ShardingTests : IDisposable
{
    private const int TargetCount = 1_000;

    private readonly TargetsFolder _folder = new();
    private readonly string _targets;

    public ShardingTests()
    {
        var text = new StringBuilder();
        for (var i = 0; i < TargetCount; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"- endpoint: pg-{i:0000}.db.svc.cluster.local:5432\n");
        }

        _targets = _folder.Write("targets.yaml", text.ToString());
    }

    public void Dispose() => _folder.Dispose();

    private CollectorConfig Replica(int index, int count, Func<string, string?>? environment = null)
    {
        var sharding = index < 0 ? $"{{count: {count}}}" : $"{{index: {index}, count: {count}}}";
        var result = ConfigLoader.Parse($"receivers:\n  postgresql/fleet:\n    targets_file: {_targets}\nservice:\n  sharding: {sharding}\n", "pgmetrics.yaml", environment ?? (_ => null));
        Assert.Empty(result.Errors);
        return result.Config!;
    }

    private Dictionary<string, int> Owners(int count)
    {
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < count; index++)
        {
            foreach (var target in Replica(index, count).OwnedTargets())
            {
                // Add throws if a second replica claims a target.
                owners.Add(target.Identity, index);
            }
        }

        return owners;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(13)]
    public void Every_target_is_owned_by_exactly_one_replica_and_the_shares_are_even(int replicas)
    {
        var owners = Owners(replicas);

        Assert.Equal(TargetCount, owners.Count);
        var fair = TargetCount / (double)replicas;
        foreach (var (replica, owned) in owners.GroupBy(o => o.Value).Select(g => (g.Key, g.Count())))
        {
            // Binomial spread: within ±5 standard deviations of the fair share, never empty.
            var spread = 5 * Math.Sqrt(fair * (1 - 1.0 / replicas));
            Assert.InRange(owned, fair - spread, fair + spread + 0.5);
            Assert.InRange(replica, 0, replicas - 1);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(12)]
    public void Growing_from_N_to_N_plus_1_replicas_moves_only_the_targets_the_new_replica_takes(int replicas)
    {
        var before = Owners(replicas);
        var after = Owners(replicas + 1);

        var moved = before.Where(b => after[b.Key] != b.Value).ToList();
        Assert.All(moved, m => Assert.Equal(replicas, after[m.Key]));
        var expected = TargetCount / (double)(replicas + 1);
        var spread = 5 * Math.Sqrt(expected * (1 - 1.0 / (replicas + 1)));
        Assert.InRange(moved.Count, expected - spread, expected + spread);

        // Shrinking back moves exactly those targets home again, and nothing else.
        Assert.Equal(before, Owners(replicas));
    }

    [Fact]
    public void Without_an_index_the_replica_takes_the_ordinal_of_its_StatefulSet_pod_name()
    {
        var fromHostname = Replica(-1, 3, name => name == "HOSTNAME" ? "pgmetrics-2" : null);
        var fromPodName = Replica(-1, 3, name => name switch { "POD_NAME" => "collector-fleet-1", "HOSTNAME" => "node-7", _ => null });

        Assert.Equal((2, 3), (fromHostname.Service.Sharding.Index, fromHostname.Service.Sharding.Count));
        Assert.Equal(1, fromPodName.Service.Sharding.Index);
        Assert.Equal(Replica(2, 3).OwnedTargets().Select(t => t.Name), fromHostname.OwnedTargets().Select(t => t.Name));
    }

    [Theory]
    [InlineData("{count: 3}", "my-laptop", 13, "service.sharding.index", "pod name 'my-laptop' does not end in -<ordinal>")]
    [InlineData("{index: 3, count: 3}", null, 21, "service.sharding.index", "index 3 is not below count 3")]
    [InlineData("{index: 1}", null, 13, "service.sharding.count", "sharding needs count")]
    [InlineData("{count: 0}", "pgmetrics-0", 21, "service.sharding.count", "is not a whole number of at least 1")]
    public void A_sharding_mistake_is_named_with_its_place(string sharding, string? hostname, int column, string key, string message)
    {
        var result = ConfigLoader.Parse($"receivers:\n  postgresql: {{}}\nservice:\n  sharding: {sharding}\n", "pgmetrics.yaml", name => name == "HOSTNAME" ? hostname : null);

        var error = Assert.Single(result.Errors);
        Assert.Equal((4, column, key), (error.Line, error.Column, error.Key));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
