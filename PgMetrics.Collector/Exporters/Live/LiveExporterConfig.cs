using PgMetrics.Runtime.Components;

namespace PgMetrics.Collector.Exporters.Live;

/// <summary>
/// A <c>live[/name]</c> block: a view of the servers that updates in place every scrape, for a person at a
/// terminal (what <c>pgmetrics top</c> shows). It takes the scraped metrics through a delta processor of its
/// own, so its rates never see a counter reset as negative.
/// </summary>
internal sealed record LiveExporterConfig : ExporterConfig
{
    /// <summary>The most statements the top queries pane lists (<c>top_queries</c>). Default 10.</summary>
    public int TopQueries { get; init; } = 10;

    /// <summary>
    /// <c>display</c>: <c>auto</c> (the default) fills the terminal when standard output is one and prints
    /// one summary line per scrape otherwise (CI, a pipe, a log file); <c>screen</c> and <c>lines</c> choose.
    /// </summary>
    public LiveDisplayMode Display { get; init; } = LiveDisplayMode.Auto;
}

/// <summary>How the live exporter shows what it gets.</summary>
internal enum LiveDisplayMode
{
    /// <summary>The whole terminal when standard output is one, else lines.</summary>
    Auto,

    /// <summary>The whole terminal (the alternate screen where the terminal has one), redrawn in place.</summary>
    Screen,

    /// <summary>One compact <c>key=value</c> summary line per server and scrape.</summary>
    Lines,
}
