using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// Collects every chaos scenario's figures during a test run and, at its end, writes them to
/// <c>bench/results/chaos-&lt;date&gt;-pg&lt;version&gt;.md</c>, so the figures of the last run of the day are in the repository.
/// </summary>
public sealed class ChaosReport : IAsyncDisposable
{
    private readonly ConcurrentQueue<ChaosFigures> _figures = new();

    public void Add(ChaosFigures figures) => _figures.Enqueue(figures);

    public ValueTask DisposeAsync()
    {
        if (_figures.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var now = DateTime.UtcNow;
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Chaos suite, {now:yyyy-MM-dd HH:mm} UTC")
            .AppendLine()
            .AppendLine("Written by the chaos tests (`tests/PgMetrics.IntegrationTests/Chaos/`, see `docs/chaos.md`), run with")
            .AppendLine("`dotnet test tests/PgMetrics.IntegrationTests/PgMetrics.IntegrationTests.csproj -c Release --no-build --filter \"FullyQualifiedName~Chaos\"`.")
            .AppendLine("Points: scraped by the scrapes; sent and dropped by the exporter's own counters (dropped includes refused);")
            .AppendLine("received as decoded by the New Relic stand-in (duplicates of a retried request apart); lost = scraped − dropped − distinct received.")
            .AppendLine()
            .AppendLine("| scenario | PostgreSQL | scraped | sent | received (duplicates) | dropped | lost | notes |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var f in _figures.OrderBy(f => f.Scenario, StringComparer.Ordinal).ThenBy(f => f.PostgresMajor))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {f.Scenario} | {f.PostgresMajor} | {f.Scraped:N0} | {f.Sent:N0} | {f.Received:N0} ({f.Duplicates:N0}) | {f.Dropped:N0} | {f.Lost:N0} | {f.Notes} |");
        }

        var folder = Path.Combine(RepositoryPaths.Root, "bench", "results");
        Directory.CreateDirectory(folder);
        var versions = string.Join('-', _figures.Select(f => f.PostgresMajor).Distinct().Order().Select(major => "pg" + major.ToString(CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(folder, $"chaos-{now:yyyy-MM-dd}-{versions}.md"), text.ToString());
        return ValueTask.CompletedTask;
    }
}
