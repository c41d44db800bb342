using System.Diagnostics.Metrics;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// The physical connections Npgsql's pools hold now, idle and used, from Npgsql's own metrics (meter <c>Npgsql</c>,
/// <c>db.client.connection.count</c>), for the pools whose name (their connection string without the password) holds
/// <paramref name="poolNamePart"/>, e.g. an application name of the test's own.
/// </summary>
public sealed class NpgsqlPoolCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _poolNamePart;
    private readonly Lock _gate = new();
    private long _held;

    public NpgsqlPoolCounter(string poolNamePart)
    {
        _poolNamePart = poolNamePart;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.connection.count")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Add(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        _listener.Start();
    }

    /// <summary>The connections the matching pools hold at this moment, idle and used.</summary>
    public long Held()
    {
        lock (_gate)
        {
            _held = 0;
            _listener.RecordObservableInstruments();
            return _held;
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "db.client.connection.pool.name" && tag.Value is string pool && pool.Contains(_poolNamePart, StringComparison.OrdinalIgnoreCase))
            {
                _held += value;
                return;
            }
        }
    }
}
