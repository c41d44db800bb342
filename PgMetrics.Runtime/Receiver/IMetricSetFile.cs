using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// One file of a receiver's <c>metadata_files</c>, read and checked: custom metrics in the metadata.yaml schema,
/// scraped beside the catalogue. The collector implements it with the metadata.yaml parser and interpreter, which
/// reference this assembly and so cannot be referenced from it.
/// </summary>
internal interface IMetricSetFile
{
    /// <summary>The file's full path; a change to it reloads the collector's config.</summary>
    string Path { get; }

    /// <summary>Whether the file declares the metric <paramref name="name"/>, so a <c>metrics</c> switch may name it.</summary>
    bool DeclaresMetric(string name);

    /// <summary>Whether the file declares the resource attribute <paramref name="key"/>, so a <c>resource_attributes</c> switch may name it.</summary>
    bool DeclaresResourceAttribute(string key);

    /// <summary>A fresh metric set of the file's metrics and queries (its switches are mutable, so one per receiver).</summary>
    MetricSet CreateMetricSet();
}
