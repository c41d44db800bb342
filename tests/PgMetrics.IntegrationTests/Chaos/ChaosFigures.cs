using PgMetrics.TestOtlp;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// What one chaos scenario did to the data, counted at each end: points the scrapes recorded, points the
/// exporter's own counters say were accepted (sent) and given up (dropped or refused), and points the
/// New Relic stand-in decoded (received; duplicates from a retried request counted apart). Lost is what
/// was scraped and neither arrived nor was counted as given up, and must be zero.
/// </summary>
public sealed record ChaosFigures(string Scenario, int PostgresMajor, long Scraped, long Sent, long Received, long Duplicates, long Dropped, string Notes)
{
    /// <summary>Scraped points that neither arrived nor were counted as dropped or refused.</summary>
    public long Lost => Scraped - Dropped - (Received - Duplicates);

    /// <summary>The points in what the stand-in accepted, and how many of them it had seen already (a retried request answered twice).</summary>
    public static (long Received, long Duplicates) Count(NewRelicStandIn standIn, Func<OtlpDecoder.Point, bool>? include = null)
    {
        List<byte[]> bodies;
        lock (standIn.Accepted)
        {
            bodies = [.. standIn.Accepted];
        }

        var points = bodies.SelectMany(OtlpDecoder.Decode).Where(include ?? (_ => true)).ToList();
        var distinct = points.Select(Key).Distinct(StringComparer.Ordinal).Count();
        return (points.Count, points.Count - distinct);
    }

    /// <summary>A point's identity: metric, time, resource and attributes.</summary>
    public static string Key(OtlpDecoder.Point point)
        => string.Join('|', point.Metric, point.Time, Flatten(point.Resource), Flatten(point.Attributes));

    private static string Flatten(Dictionary<string, string> attributes)
        => string.Join(',', attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value));

    /// <summary>Asserts nothing was lost and the figures add up, naming them on failure.</summary>
    public void AssertNothingLost()
    {
        Assert.True(Scraped > 0, $"{Scenario}: nothing was scraped, so the scenario proved nothing");
        Assert.True(Lost == 0, $"{Scenario}: {Lost} points lost ({this})");
        Assert.True(Sent == Received - Duplicates || Sent == Received, $"{Scenario}: the exporter counted {Sent} points accepted, the stand-in decoded {Received} ({Duplicates} duplicates)");
    }
}
