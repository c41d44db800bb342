using System.Diagnostics.Metrics;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Telemetry;

/// <summary>
/// Listens to the <c>PgMetrics</c> meter and writes its instruments as <c>pgmetrics.*</c> metrics
/// into a buffer, under the resource <c>service.name=pgmetrics</c> (with <c>service.version</c>, OpenTelemetry's
/// service resource convention, from <see cref="PgMetricsVersion"/>), so the collector's health is
/// exported next to the PostgreSQL metrics. Counters become cumulative sums, the scrape duration a
/// histogram, observable instruments gauges.
/// </summary>
internal sealed class SelfMetricsCollector : IDisposable
{
    private static readonly double[] DurationBounds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private readonly Dictionary<Instrument, MetricDescriptor> _descriptors = [];
    private readonly Dictionary<(Instrument Instrument, string Tags), Series> _series = [];
    private readonly string _serviceInstance;

    /// <summary>Starts listening; instruments created later are picked up too.</summary>
    public SelfMetricsCollector(string serviceInstance)
    {
        _serviceInstance = serviceInstance;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PgMetricsMeter.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Writes the current value of every instrument series into <paramref name="buffer"/>.</summary>
    public void AppendTo(MetricsBuffer buffer, long timestamp)
    {
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            buffer.BeginResource();
            buffer.AddResourceAttribute(KeyValue.String("service.name", "pgmetrics"));
            buffer.AddResourceAttribute(KeyValue.String("service.version", PgMetricsVersion.Version));
            buffer.AddResourceAttribute(KeyValue.String("service.instance.id", _serviceInstance));
            buffer.EndResource();
            foreach (var ((instrument, _), series) in _series)
            {
                var descriptor = Descriptor(instrument);
                if (descriptor.Kind == MetricKind.Histogram)
                {
                    buffer.AddHistogramPoint(descriptor, timestamp, series.Count, series.Sum, DurationBounds, series.Buckets, series.Tags);
                }
                else
                {
                    buffer.AddPoint(descriptor, timestamp, (long)series.Sum, series.Tags);
                }
            }
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var attributes = new KeyValue[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            attributes[i] = KeyValue.String(tags[i].Key, tags[i].Value?.ToString() ?? string.Empty);
        }

        var key = (instrument, string.Join('\u001f', attributes.Select(a => a.Key + "=" + a.StringValue)));
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                series = new Series(attributes, instrument is Histogram<double> ? new long[DurationBounds.Length + 1] : []);
                _series[key] = series;
            }

            if (instrument is ObservableGauge<long>)
            {
                series.Sum = value;
                return;
            }

            series.Sum += value;
            series.Count++;
            if (series.Buckets.Length > 0)
            {
                var bucket = Array.FindIndex(DurationBounds, bound => value <= bound);
                series.Buckets[bucket < 0 ? DurationBounds.Length : bucket]++;
            }
        }
    }

    /// <summary>
    /// Drops every series of the receiver named <paramref name="receiver"/> (its tag <c>receiver</c>), once it
    /// has stopped: a target removed from a fleet takes its scrape counters with it instead of being reported
    /// for the life of the process.
    /// </summary>
    public void ForgetReceiver(string receiver)
    {
        lock (_gate)
        {
            foreach (var key in _series.Where(s => s.Value.Tags.Any(t => t.Key == "receiver" && t.StringValue == receiver)).Select(s => s.Key).ToList())
            {
                _series.Remove(key);
            }
        }
    }

    /// <summary>Series held now, one per instrument and tag set.</summary>
    public int SeriesCount
    {
        get
        {
            lock (_gate)
            {
                return _series.Count;
            }
        }
    }

    private MetricDescriptor Descriptor(Instrument instrument)
    {
        if (!_descriptors.TryGetValue(instrument, out var descriptor))
        {
            descriptor = instrument switch
            {
                Histogram<double> => new MetricDescriptor(instrument.Name, instrument.Description ?? string.Empty, instrument.Unit ?? "1", MetricKind.Histogram, MetricValueType.Double, isMonotonic: false),
                Counter<long> => new MetricDescriptor(instrument.Name, instrument.Description ?? string.Empty, instrument.Unit ?? "1", MetricKind.Sum, MetricValueType.Int, isMonotonic: true),
                _ => new MetricDescriptor(instrument.Name, instrument.Description ?? string.Empty, instrument.Unit ?? "1", MetricKind.Gauge, MetricValueType.Int, isMonotonic: false),
            };
            _descriptors[instrument] = descriptor;
        }

        return descriptor;
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private sealed class Series(KeyValue[] tags, long[] buckets)
    {
        public KeyValue[] Tags { get; } = tags;

        public long[] Buckets { get; } = buckets;

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}
