using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Tests;

/// <summary>The receiver's useOTelSemconv layout: one resource per server, the entity names on the points.</summary>
public sealed class SemconvResourceLayoutTests
{
    private static readonly MetricDescriptor Size = new("postgresql.table.size", "", "By", MetricKind.Sum, MetricValueType.Int, isMonotonic: false);
    private static readonly MetricDescriptor Commits = new("postgresql.commits", "", "1", MetricKind.Sum, MetricValueType.Int, isMonotonic: true);

    [Fact]
    public void Database_schema_table_and_index_resources_become_point_attributes_under_one_server_resource()
    {
        KeyValue[] server = [KeyValue.String("server.address", "db"), KeyValue.Int("server.port", 5432), KeyValue.String("service.instance.id", "id")];
        var legacy = new MetricsBuffer(7, server);
        legacy.BeginResource();
        legacy.AddResourceAttribute(KeyValue.String("postgresql.database.name", "shop"));
        legacy.EndResource();
        legacy.AddPoint(Commits, 1, 12L);
        legacy.BeginResource();
        legacy.AddResourceAttribute(KeyValue.String("postgresql.database.name", "shop"));
        legacy.AddResourceAttribute(KeyValue.String("postgresql.schema.name", "public"));
        legacy.AddResourceAttribute(KeyValue.String("postgresql.table.name", "orders"));
        legacy.AddResourceAttribute(KeyValue.String("postgresql.index.name", "orders_pkey"));
        legacy.EndResource();
        legacy.AddPoint(Size, 1, 8192L, [KeyValue.String("source", "heap")]);
        var semconv = new MetricsBuffer(0, server);

        SemconvResourceLayout.Rewrite(legacy, semconv);

        Assert.Equal(server, Assert.Single(semconv.Resources));
        Assert.Equal(7, semconv.StartTimeUnixNano);
        Assert.Equal([KeyValue.String("db.namespace", "shop")], semconv.GetAttributes(semconv.Points[0]).ToArray());
        Assert.Equal(
            [KeyValue.String("db.namespace", "shop|public"), KeyValue.String("db.collection.name", "orders"), KeyValue.String("postgresql.index.name", "orders_pkey"), KeyValue.String("source", "heap")],
            semconv.GetAttributes(semconv.Points[1]).ToArray());
        Assert.Equal((12L, 8192L), (semconv.Points[0].IntValue, semconv.Points[1].IntValue));
    }
}
