using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// Reads a <c>postgresql</c> receiver's <c>targets_file</c> (a YAML file, or a folder of them) as it is now.
/// Target lists are a feature of the pgmetrics collector (it watches the file, follows discovery and shards the
/// targets), so the collector hands its reader to <see cref="PostgresqlReceiverFactory"/>, as it does the
/// <see cref="MetadataFilesReader"/>.
/// </summary>
/// <param name="factory">The factory reading the list: each item is read with <see cref="PostgresqlReceiverFactory.ReadTarget"/>, the list's keys as defaults.</param>
/// <param name="list">The receiver block with <c>targets_file</c>.</param>
/// <param name="environment">Where <c>${env:}</c> references are looked up.</param>
/// <returns>The targets, each named <c>block[endpoint]</c>, and every problem found, with its file, line and column.</returns>
internal delegate (IReadOnlyList<PostgresqlReceiverConfig> Targets, IReadOnlyList<ConfigError> Errors) PostgresqlTargetsFileReader(
    PostgresqlReceiverFactory factory, PostgresqlReceiverConfig list, Func<string, string?> environment);
