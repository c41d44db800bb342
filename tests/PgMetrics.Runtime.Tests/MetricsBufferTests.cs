using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Tests;

public sealed class MetricsBufferTests
{
    private static readonly MetricDescriptor Histogram = new("test.duration", "Durations.", "ms", MetricKind.Histogram, MetricValueType.Double, isMonotonic: false, AggregationTemporality.Cumulative);

    [Fact]
    public void Points_recorded_under_equal_resources_share_one_resource()
    {
        var buffer = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);

        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(1, 10);
        builder.SetResource(postgresqlDatabaseName: "billing");
        builder.RecordPostgresqlCommitsDataPoint(1, 20);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlRollbacksDataPoint(1, 3);

        Assert.Equal(2, buffer.Resources.Count);
        Assert.Equal(buffer.Points[0].ResourceIndex, buffer.Points[2].ResourceIndex);
        Assert.Equal("billing", buffer.Resources[buffer.Points[1].ResourceIndex].Single().StringValue);
    }

    [Fact]
    public void Appending_a_buffer_keeps_its_points_resources_and_attributes_and_merges_equal_resources()
    {
        var target = new MetricsBuffer();
        var targetBuilder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), target);
        targetBuilder.SetResource(postgresqlDatabaseName: "shop");
        targetBuilder.RecordPostgresqlCommitsDataPoint(1, 10);
        var source = new MetricsBuffer();
        var sourceBuilder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), source);
        sourceBuilder.SetResource(postgresqlDatabaseName: "billing", postgresqlSchemaName: "public", postgresqlTableName: "invoices");
        sourceBuilder.RecordPostgresqlOperationsDataPoint(2, 7, AttributeOperation.Ins);
        sourceBuilder.SetResource(postgresqlDatabaseName: "shop");
        sourceBuilder.RecordPostgresqlRollbacksDataPoint(2, 3);

        target.Append(source);

        Assert.Equal(3, target.Count);
        Assert.Equal(2, target.Resources.Count);
        var operations = target.Points[1];
        Assert.Equal(7, operations.IntValue);
        Assert.Equal("operation=ins", Assert.Single(target.GetAttributes(operations).ToArray()).ToString());
        Assert.Equal("invoices", target.Resources[operations.ResourceIndex].Single(a => a.Key == "postgresql.table.name").StringValue);
        Assert.Equal(target.Points[0].ResourceIndex, target.Points[2].ResourceIndex);
    }

    [Fact]
    public void Common_resource_attributes_lead_every_new_resource_and_keep_two_servers_apart()
    {
        var primary = new MetricsBuffer(commonResourceAttributes: [KeyValue.String("server.address", "primary"), KeyValue.Int("server.port", 5432)]);
        var replica = new MetricsBuffer(commonResourceAttributes: [KeyValue.String("server.address", "replica"), KeyValue.Int("server.port", 5432)]);
        new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), primary).SetResource(postgresqlDatabaseName: "shop");
        primary.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 10L);
        new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), replica).SetResource(postgresqlDatabaseName: "shop");
        replica.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 20L);
        var buffer = new MetricsBuffer();
        buffer.Append(primary);
        buffer.Append(replica);
        var copy = new MetricsBuffer();
        copy.Append(buffer);

        Assert.Equal(2, buffer.Resources.Count);
        Assert.Equal("server.address=primary, server.port=5432, postgresql.database.name=shop", string.Join(", ", buffer.Resources[0].Select(a => a.ToString())));
        Assert.Equal(buffer.Resources.Select(r => string.Join(", ", r.Select(a => a.ToString()))), copy.Resources.Select(r => string.Join(", ", r.Select(a => a.ToString()))));
    }

    [Fact]
    public void Thousands_of_table_resources_are_each_found_again_by_content()
    {
        var buffer = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        for (var round = 0; round < 2; round++)
        {
            for (var table = 0; table < 5000; table++)
            {
                builder.SetResource(postgresqlDatabaseName: "shop", postgresqlSchemaName: "public", postgresqlTableName: "t" + table);
                builder.RecordPostgresqlTableSizeDataPoint(round, table);
            }
        }

        Assert.Equal(5000, buffer.Resources.Count);
        Assert.All(Enumerable.Range(0, 5000), table => Assert.Equal(buffer.Points[table].ResourceIndex, buffer.Points[5000 + table].ResourceIndex));
    }

    [Fact]
    public void A_disabled_metric_records_nothing()
    {
        var config = new PostgresqlMetricsConfig();
        config.PostgresqlDbSize.Enabled = false;
        var buffer = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(config, buffer);

        builder.RecordPostgresqlDbSizeDataPoint(1, 4096);
        builder.RecordPostgresqlBackendsDataPoint(1, 2);

        Assert.Equal(PostgresqlMetricDescriptors.PostgresqlBackends, Assert.Single(buffer.Points.ToArray()).Metric);
    }

    [Fact]
    public void A_disabled_resource_attribute_is_left_out()
    {
        var config = new PostgresqlMetricsConfig();
        config.ResourceAttributes.PostgresqlDatabaseName.Enabled = false;
        var buffer = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(config, buffer);

        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(1, 10);

        Assert.Empty(buffer.Resources[buffer.Points[0].ResourceIndex]);
    }

    [Fact]
    public void Rolling_back_drops_the_points_since_the_checkpoint_and_keeps_the_rest()
    {
        var buffer = new MetricsBuffer();
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 5L, [KeyValue.String("a", "1")]);
        var checkpoint = buffer.Checkpoint();
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlRollbacks, 1, 6L, [KeyValue.String("b", "2")]);

        buffer.RollbackTo(checkpoint);
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlBackends, 1, 7L, [KeyValue.Int("c", 3)]);

        Assert.Equal([5L, 7L], buffer.Points.ToArray().Select(p => p.IntValue));
        Assert.Equal("c=3", buffer.GetAttributes(buffer.Points[1]).ToArray().Single().ToString());
    }

    [Fact]
    public void Histogram_points_keep_their_bounds_and_bucket_counts_apart()
    {
        var buffer = new MetricsBuffer();

        buffer.AddHistogramPoint(Histogram, 1, count: 6, sum: 42.5, [1, 10], [1, 2, 3]);
        buffer.AddHistogramPoint(Histogram, 2, count: 4, sum: 8, [5], [3, 1]);

        var first = buffer.Points[0];
        var second = buffer.Points[1];
        Assert.Equal([1d, 10d], buffer.GetExplicitBounds(first).ToArray());
        Assert.Equal([1L, 2L, 3L], buffer.GetBucketCounts(first).ToArray());
        Assert.Equal([5d], buffer.GetExplicitBounds(second).ToArray());
        Assert.Equal([3L, 1L], buffer.GetBucketCounts(second).ToArray());
        Assert.Equal((6L, 42.5), (first.IntValue, first.DoubleValue));
    }

    [Fact]
    public void A_histogram_with_the_wrong_number_of_buckets_is_refused()
    {
        var buffer = new MetricsBuffer();

        var error = Assert.Throws<ArgumentException>(() => buffer.AddHistogramPoint(Histogram, 1, 1, 1, [1, 2], [1]));

        Assert.Contains("test.duration", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void Clearing_keeps_nothing_of_the_previous_scrape()
    {
        var buffer = new MetricsBuffer();
        for (var i = 0; i < 1000; i++)
        {
            buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, i, (long)i, [KeyValue.Bool("x", true)]);
        }

        buffer.Clear();
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 1L);

        Assert.Equal(1, buffer.Count);
        Assert.Empty(buffer.GetAttributes(buffer.Points[0]).ToArray());
    }

    [Fact]
    public void A_refilled_buffer_takes_the_previous_scrapes_array_for_an_unchanged_resource_and_a_new_one_for_a_changed_one()
    {
        var buffer = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        builder.SetResource(postgresqlDatabaseName: "shop", postgresqlSchemaName: "public", postgresqlTableName: "orders");
        builder.RecordPostgresqlTableSizeDataPoint(1, 8192);
        builder.SetResource(postgresqlDatabaseName: "shop", postgresqlSchemaName: "public", postgresqlTableName: "invoices");
        builder.RecordPostgresqlTableSizeDataPoint(1, 16384);
        var orders = buffer.Resources[0];

        buffer.Clear();
        builder.SetResource(postgresqlDatabaseName: "shop", postgresqlSchemaName: "public", postgresqlTableName: "invoices_2027");
        builder.RecordPostgresqlTableSizeDataPoint(2, 0);
        builder.SetResource(postgresqlDatabaseName: "shop", postgresqlSchemaName: "public", postgresqlTableName: new string("orders".AsSpan()));
        builder.RecordPostgresqlTableSizeDataPoint(2, 8192);

        Assert.Equal(2, buffer.Resources.Count);
        Assert.Equal("invoices_2027", buffer.Resources[0].Single(a => a.Key == "postgresql.table.name").StringValue);
        Assert.Same(orders, buffer.Resources[1]);
        Assert.Equal(buffer.Resources[1], buffer.Resources[buffer.Points[1].ResourceIndex]);
    }

    [Fact]
    public void A_copy_never_shares_a_resource_array_with_its_source_so_truncating_the_copy_leaves_the_source_whole()
    {
        var source = new MetricsBuffer();
        var longName = new string('t', 300);
        new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), source).SetResource(postgresqlDatabaseName: "shop", postgresqlSchemaName: "public", postgresqlTableName: longName);
        source.AddPoint(PostgresqlMetricDescriptors.PostgresqlTableSize, 1, 8192L);
        var copy = new MetricsBuffer();

        for (var scrape = 0; scrape < 2; scrape++)
        {
            copy.CopyFrom(source);
            Assert.NotSame(source.Resources[0], copy.Resources[0]);
            Assert.Equal(1, copy.TruncateAttributeValues(10));
            Assert.Equal(longName, source.Resources[0].Single(a => a.Key == "postgresql.table.name").StringValue);
        }
    }

    [Fact]
    public void After_forgetting_the_current_resource_points_go_under_the_common_attributes_as_in_a_fresh_buffer()
    {
        KeyValue[] server = [KeyValue.String("server.address", "primary"), KeyValue.Int("server.port", 5432)];
        var buffer = new MetricsBuffer(commonResourceAttributes: server);
        new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer).SetResource(postgresqlDatabaseName: "shop");
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 10L);

        buffer.ForgetCurrentResource();
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlConnectionMax, 1, 100L);

        Assert.Equal(server, buffer.Resources[buffer.Points[1].ResourceIndex]);
        Assert.Equal("shop", buffer.Resources[buffer.Points[0].ResourceIndex].Single(a => a.Key == "postgresql.database.name").StringValue);
    }
}
