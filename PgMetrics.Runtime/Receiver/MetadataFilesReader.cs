using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// Reads the files listed under <paramref name="key"/> of a <c>postgresql</c> receiver's block: each missing file
/// and each mistake in one goes to the block's errors, all at once; the files without mistakes come back.
/// </summary>
/// <param name="block">The receiver's block.</param>
/// <param name="key">The key that lists the files, <c>metadata_files</c>.</param>
/// <param name="receiver">The receiver's config name, for messages about names that clash.</param>
internal delegate IReadOnlyList<IMetricSetFile> MetadataFilesReader(ConfigSection block, string key, string receiver);
