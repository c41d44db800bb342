using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Collector.Exporters.Live.Model;

/// <summary>
/// Everything the live view shows, built from the buffers the exporter takes: one <see cref="ServerActivity"/>
/// per server, told apart by the <c>server.address</c> and <c>server.port</c> resource attributes. Not
/// thread-safe: the exporter takes buffers and builds views under one lock.
/// </summary>
internal sealed class LiveModel
{
    private readonly Dictionary<string, ServerActivity> _servers = new(StringComparer.Ordinal);

    /// <summary>The servers, in the order they first appeared.</summary>
    public IReadOnlyCollection<ServerActivity> Servers => _servers.Values;

    /// <summary>Log records taken (query samples, top-query events), whether or not the view shows them.</summary>
    public long LogRecords { get; private set; }

    /// <summary>Takes one buffer; returns the servers whose catalogue scrape it held.</summary>
    public IReadOnlyList<ServerActivity> Apply(MetricsBuffer buffer)
    {
        var resources = buffer.Resources.Select(Describe).ToArray();
        var catalogue = new HashSet<ServerActivity>();
        var queries = new HashSet<ServerActivity>();
        var (statements, waits) = (false, false);
        foreach (ref readonly var point in buffer.Points)
        {
            if (ServerOf(resources[point.ResourceIndex], point.Metric.Name) is { } server)
            {
                var isQuery = LiveMetricNames.QueryPerformance.Contains(point.Metric.Name);
                (isQuery ? queries : catalogue).Add(server);
                waits |= point.Metric.Name == LiveMetricNames.WaitEvents;
                statements |= isQuery && point.Metric.Name != LiveMetricNames.WaitEvents;
            }
        }

        foreach (var server in catalogue)
        {
            server.BeginCatalogue();
        }

        foreach (var server in queries)
        {
            server.BeginQueries(statements, waits);
        }

        foreach (ref readonly var point in buffer.Points)
        {
            if (ServerOf(resources[point.ResourceIndex], point.Metric.Name) is not { } server)
            {
                continue;
            }

            var database = resources[point.ResourceIndex].Database;

            var view = new PointView(point, buffer.GetAttributes(point));
            if (LiveMetricNames.QueryPerformance.Contains(point.Metric.Name))
            {
                server.ApplyQueries(view, database);
            }
            else
            {
                server.ApplyCatalogue(view, database);
            }
        }

        foreach (var server in catalogue)
        {
            server.EndCatalogue();
        }

        foreach (var server in queries)
        {
            server.EndQueries();
        }

        return [.. catalogue];
    }

    /// <summary>
    /// Takes a batch of log records. Query sample events (<c>db.server.query_sample</c>) name blocked sessions
    /// in their <c>postgresql.blocking.*</c> attributes; every other record (top-query events, plain samples)
    /// is counted and left to the metrics, which carry the same statements.
    /// </summary>
    public void Apply(LogBatch logs)
    {
        LogRecords += logs.Records.Count;
        var samples = logs.Records.Where(r => r.EventName == LiveMetricNames.QuerySampleEvent).ToList();
        if (samples.Count == 0 || Describe(logs.Resource.ToArray()).Server is not { } name)
        {
            return;
        }

        var server = GetOrAdd(name);

        server.ReplaceBlockedFromSamples([.. samples.SelectMany(QuerySample.BlockedSessions)], samples.Max(s => s.TimeUnixNano));
    }

    // Only PostgreSQL's metrics make a server: the collector's own (service.name=pgmetrics) and a pgbouncer
    // receiver's belong to none. The health line reads the meter itself.
    private ServerActivity? ServerOf((string? Server, string? Database) resource, string metric)
        => resource.Server is { } name && metric.StartsWith("postgresql.", StringComparison.Ordinal) ? GetOrAdd(name) : null;

    private ServerActivity GetOrAdd(string name)
    {
        if (!_servers.TryGetValue(name, out var server))
        {
            server = new ServerActivity(name);
            _servers[name] = server;
        }

        return server;
    }

    /// <summary>The server (<c>host:port</c>) and database a resource names; no server for the collector's own resource.</summary>
    private static (string? Server, string? Database) Describe(KeyValue[] resource)
    {
        string? address = null, port = null, database = null;
        foreach (var attribute in resource)
        {
            switch (attribute.Key)
            {
                case LiveMetricNames.ServiceName when attribute.StringValue == "pgmetrics":
                    return (null, null);
                case LiveMetricNames.ServerAddress:
                    address = attribute.FormatValue();
                    break;
                case LiveMetricNames.ServerPort:
                    port = attribute.FormatValue();
                    break;
                case LiveMetricNames.Database:
                    database = attribute.FormatValue();
                    break;
            }
        }

        return address is null && database is null
            ? (null, null)
            : ((address ?? "server") + (port is null ? string.Empty : ":" + port), database);
    }
}
