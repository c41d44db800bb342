using System.Diagnostics;
using System.Net.Sockets;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// Reads one PgBouncer's admin console: logs in, sends the SHOW commands whose metrics are enabled (SHOW
/// POOLS always, for the health check) and records their rows through the generated
/// <see cref="PgbouncerMetricsBuilder"/>. Only SHOW commands are sent, so a <c>stats_users</c> login is
/// enough. A refused login is an <see cref="ScrapeErrorKind.Authentication"/> error and records nothing;
/// a refused command loses only its own metrics; pools with waiting clients and no server connection are
/// <see cref="ScrapeErrorKind.Connection"/> problems beside their metrics (see <see cref="PgbouncerHealth"/>).
/// </summary>
public sealed class PgbouncerScraper : IScraper
{
    private readonly AdminConsoleOptions _console;
    private readonly PgbouncerMetricSet _metricSet;
    private readonly MetricsBuffer _buffer;
    private readonly PgbouncerMetricsBuilder _builder;

    /// <summary>Creates the scraper; no connection is made until the first scrape.</summary>
    /// <param name="console">Where the admin console is and how to log in.</param>
    /// <param name="metricSet">Which PgBouncer metrics and resource attributes are collected.</param>
    public PgbouncerScraper(AdminConsoleOptions console, PgbouncerMetricSet metricSet)
    {
        _console = console;
        _metricSet = metricSet;
        var server = new List<KeyValue>(2);
        if (metricSet.Config.ResourceAttributes.ServerAddress.Enabled)
        {
            server.Add(KeyValue.String(PgbouncerAttributeNames.ServerAddress, console.Host));
        }

        if (metricSet.Config.ResourceAttributes.ServerPort.Enabled)
        {
            server.Add(KeyValue.Int(PgbouncerAttributeNames.ServerPort, console.Port));
        }

        _buffer = new MetricsBuffer(UnixTime.NowNanoseconds(), [.. server]);
        _builder = new PgbouncerMetricsBuilder(metricSet.Config, _buffer);
    }

    /// <inheritdoc/>
    public string Name => "pgbouncer";

    /// <inheritdoc/>
    public async Task<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        _buffer.Clear();
        var errors = new List<ScrapeError>();
        var queriesRun = 0;
        var version = 0;
        var timeUnixNano = UnixTime.NowNanoseconds();
        string? running = null;
        var checkpoint = _buffer.Checkpoint();
        try
        {
            await using var console = await AdminConsoleConnection.OpenAsync(_console, cancellationToken).ConfigureAwait(false);
            version = console.VersionNum;
            foreach (var command in PgbouncerShowCommands.All.Where(c => c.IsNeeded(_metricSet.Config)))
            {
                running = command.Text;
                queriesRun++;
                checkpoint = _buffer.Checkpoint();
                try
                {
                    var result = await console.ShowAsync(command.Text, cancellationToken).ConfigureAwait(false);
                    command.Record(result, _builder, timeUnixNano);
                    if (ReferenceEquals(command, PgbouncerShowCommands.Pools))
                    {
                        errors.AddRange(PgbouncerHealth.PoolsWithoutServers(result));
                    }
                }
                catch (AdminConsoleException ex)
                {
                    // The console refused this command (an older PgBouncer without it, say); the others go on.
                    _buffer.RollbackTo(checkpoint);
                    errors.Add(new ScrapeError(ScrapeErrorKind.Query, command.Text, null, Redact(ex.Message)));
                }
            }

            running = null;
        }
        catch (Exception ex) when (ex is AdminConsoleException or AuthenticationFailedException or SocketException or IOException or OperationCanceledException)
        {
            // What the broken command had recorded goes; what earlier commands recorded stays.
            _buffer.RollbackTo(checkpoint);
            errors.Add(Classify(ex, running));
        }

        return new ScrapeResult(version, [], _buffer.Count, queriesRun, errors, stopwatch.Elapsed) { Metrics = _buffer };
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ScrapeError Classify(Exception exception, string? command)
    {
        var kind = exception switch
        {
            AdminConsoleException { DuringLogin: true } or AuthenticationFailedException => ScrapeErrorKind.Authentication,
            AdminConsoleException => ScrapeErrorKind.Query,
            OperationCanceledException => ScrapeErrorKind.Timeout,
            _ => ScrapeErrorKind.Connection,
        };
        var message = exception switch
        {
            AdminConsoleException { DuringLogin: true } refused => $"PgBouncer refused the admin console login of '{_console.Username}' ({refused.Message}); the user must be in stats_users or admin_users and its password in auth_file",
            OperationCanceledException => "the scrape ran out of time" + (command is null ? " while connecting" : " in " + command),
            _ => exception.Message,
        };
        return new ScrapeError(kind, command, null, Redact(message) + $" [{_console}]");
    }

    private string Redact(string message) => ScrapeErrorClassifier.Redact(message, _console.Password);
}
