using System.IO.Hashing;
using System.Text;

namespace PgMetrics.Runtime.Targets;

/// <summary>
/// Rendezvous (highest random weight) hashing, Thaler and Ravishankar 1996: a target belongs to the shard that
/// gives it the highest weight, where the weight of a (target, shard) pair is a hash of both. Every replica
/// computes the same owner from the identity alone, with no coordination, so each target is scraped by
/// exactly one replica; growing from N to N+1 shards moves only the targets the new shard now wins, about
/// 1/(N+1) of them, and moves none between old shards. The hash is XxHash3 (System.IO.Hashing) of the
/// identity's UTF-8 bytes, seeded with the shard index: fast, well mixed, and the same on every platform.
/// </summary>
internal static class RendezvousHashing
{
    /// <summary>The shard (0 to <paramref name="shards"/> − 1) that owns the target <paramref name="identity"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shards"/> is less than 1.</exception>
    public static int Owner(string identity, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var bytes = Encoding.UTF8.GetBytes(identity);
        var owner = 0;
        var highest = 0UL;
        for (var shard = 0; shard < shards; shard++)
        {
            var weight = XxHash3.HashToUInt64(bytes, seed: shard);

            // Ties (vanishingly rare) go to the lower index, so every replica still agrees.
            if (shard == 0 || weight > highest)
            {
                owner = shard;
                highest = weight;
            }
        }

        return owner;
    }
}
