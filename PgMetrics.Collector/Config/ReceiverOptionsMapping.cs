using Npgsql;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Collector.Config;

/// <summary>Turns a validated receiver block into the runtime's options.</summary>
public static class ReceiverOptionsMapping
{
    public static ScraperOptions ToScraperOptions(ReceiverConfig receiver)
    {
        var separator = receiver.Endpoint.LastIndexOf(':');
        var builder = new NpgsqlConnectionStringBuilder
        {
            // With the unix transport the host part is the socket directory, as libpq and the OTel receiver read it.
            Host = receiver.Endpoint[..separator],
            Port = int.Parse(receiver.Endpoint[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture),
            Username = receiver.Username,
            Password = receiver.Password,
            Database = "postgres",
            SslMode = receiver.Transport == "unix" || receiver.Tls.Insecure ? SslMode.Disable
                : receiver.Tls.InsecureSkipVerify ? SslMode.Require
                : receiver.Tls.CaFile is not null ? SslMode.VerifyFull : SslMode.Require,
        };
        if (receiver.Tls.CaFile is { } ca)
        {
            builder.RootCertificate = ca;
        }

        if (receiver.Tls.CertFile is { } cert)
        {
            builder.SslCertificate = cert;
            builder.SslKey = receiver.Tls.KeyFile;
        }

        return new ScraperOptions
        {
            ConnectionString = builder.ConnectionString,
            Databases = receiver.Databases,
            ExcludeDatabases = receiver.ExcludeDatabases,
            QueryMonitoring = receiver.QueryMonitoring,
            MaxRelationsPerDatabase = receiver.MaxRelationsPerDatabase,
            MaxConcurrentDatabases = receiver.MaxConcurrentDatabases,
        };
    }

    public static ScraperControllerOptions ToControllerOptions(ReceiverConfig receiver)
        => new() { CollectionInterval = receiver.CollectionInterval, InitialDelay = receiver.InitialDelay, Timeout = receiver.Timeout };

    /// <summary>The metric set with the receiver's metric and resource attribute switches applied.</summary>
    public static PostgresqlMetricSet ToMetricSet(ReceiverConfig receiver)
    {
        var set = new PostgresqlMetricSet();
        foreach (var (name, enabled) in receiver.Metrics)
        {
            set.FindMetric(name)!.Enabled = enabled;
        }

        foreach (var (name, enabled) in receiver.ResourceAttributes)
        {
            set.FindResourceAttribute(name)!.Enabled = enabled;
        }

        return set;
    }
}
