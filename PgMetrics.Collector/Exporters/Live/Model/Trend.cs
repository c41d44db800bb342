namespace PgMetrics.Collector.Exporters.Live.Model;

/// <summary>The last few values of one figure, oldest first, for a sparkline.</summary>
internal sealed class Trend
{
    /// <summary>How many values a trend keeps.</summary>
    public const int Capacity = 24;

    private readonly Queue<double> _values = new(Capacity);

    /// <summary>The values, oldest first.</summary>
    public IReadOnlyCollection<double> Values => _values;

    /// <summary>Adds the newest value, forgetting the oldest beyond <see cref="Capacity"/>.</summary>
    public void Add(double value)
    {
        if (_values.Count == Capacity)
        {
            _values.Dequeue();
        }

        _values.Enqueue(value);
    }
}
