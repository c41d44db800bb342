using System.Text.Json;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Queries;

namespace PgMetrics.Runtime.Tests.Queries;

/// <summary>The events' values keep New Relic's limits, plans lose their literals, and deltas count as the receiver counts them.</summary>
public sealed class QueryEventsTests
{
    [Fact]
    public void A_query_sample_with_a_statement_over_the_limit_keeps_the_fingerprint_of_the_whole_statement()
    {
        var statement = "SELECT id FROM orders WHERE note IN (" + string.Join(", ", Enumerable.Range(0, 2_000).Select(i => $"'note-{i}'")) + ") AND id > " + new string('9', 3_000);
        var sample = new QuerySampleEvent("shop", "app", statement, "active", 42, "psql", "", -1, "", "", "", "", "", 12.5, "{}", "", 0, "", "", "", "");

        var record = sample.ToLogRecord(1_000);
        var attributes = record.Attributes.ToDictionary(a => a.Key);

        Assert.Equal(DbServerEvents.QuerySample, record.EventName);
        Assert.Equal(QueryFingerprinter.Fingerprint(statement).Hex, attributes["db.query.fingerprint"].StringValue);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(attributes["db.query.text"].StringValue) <= 4_095);
        Assert.DoesNotContain("note-1", attributes["db.query.text"].StringValue, StringComparison.Ordinal);
        Assert.All(record.Attributes.Where(a => a.Kind == AttributeValueKind.String), a => Assert.True(System.Text.Encoding.UTF8.GetByteCount(a.StringValue) <= 4_095, a.Key));
        Assert.Equal(
            (AttributeValueKind.Int, AttributeValueKind.Int, AttributeValueKind.Double, AttributeValueKind.Int),
            (attributes["postgresql.pid"].Kind, attributes["network.peer.port"].Kind, attributes["postgresql.total_exec_time"].Kind, attributes["postgresql.blocking.wait_duration"].Kind));
    }

    [Fact]
    public void A_top_query_reports_seconds_and_an_empty_plan_with_the_reason_when_there_is_none()
    {
        var delta = new StatementTotals(3, 6_008.6, 12, 3, 10, 2, 1, 0, 0, 0, 0);
        var record = new TopQueryEvent(new StatementKey("-4641257188670446815", "shop", "app"), "SELECT pg_sleep($1)", delta, PlanOutcome.Failed("42601: syntax error")).ToLogRecord(5);
        var attributes = record.Attributes.ToDictionary(a => a.Key);

        Assert.Equal(DbServerEvents.TopQuery, record.EventName);
        Assert.Equal(6.0086, attributes["postgresql.total_exec_time"].DoubleValue, 10);
        Assert.Equal(0.012, attributes["postgresql.total_plan_time"].DoubleValue, 10);
        Assert.Equal(("", "42601: syntax error"), (attributes["postgresql.query_plan"].StringValue, attributes[DbServerEvents.QueryPlanError].StringValue));
        Assert.Equal(("-4641257188670446815", "postgresql"), (attributes["postgresql.queryid"].StringValue, attributes["db.system.name"].StringValue));
        Assert.Equal(string.Empty, record.Body);
    }

    [Fact]
    public void A_plan_loses_every_literal_and_keeps_the_names_of_what_it_reads()
    {
        const string plan = """
            [{"Plan": {"Node Type": "Index Scan", "Relation Name": "orders", "Alias": "orders", "Index Name": "orders_pkey",
              "Index Cond": "(id = $1)", "Filter": "((note)::text <> 'classified-literal'::text)", "Startup Cost": 0.28, "Total Cost": 8.29,
              "Output": ["note", "'card-4111'::text"],
              "Plans": [{"Node Type": "Seq Scan", "Relation Name": "items", "Filter": "(price > 1299.99)"}]}}]
            """;

        var obfuscated = PlanObfuscator.Obfuscate(plan);

        Assert.DoesNotContain("classified-literal", obfuscated, StringComparison.Ordinal);
        Assert.DoesNotContain("card-4111", obfuscated, StringComparison.Ordinal);
        Assert.DoesNotContain("1299.99", obfuscated, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(obfuscated);
        var node = document.RootElement[0].GetProperty("Plan");
        Assert.Equal(("Index Scan", "orders", "orders_pkey", 8.29), (node.GetProperty("Node Type").GetString(), node.GetProperty("Relation Name").GetString(), node.GetProperty("Index Name").GetString(), node.GetProperty("Total Cost").GetDouble()));
        Assert.Contains("$1", node.GetProperty("Index Cond").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT 1", null)]
    [InlineData("/* app */ -- note\n  WITH x AS (SELECT 1) SELECT * FROM x", null)]
    [InlineData("update orders set note = $1 where id = $2;", null)]
    [InlineData("COMMIT", "only SELECT")]
    [InlineData("CREATE TABLE t (id int)", "only SELECT")]
    [InlineData("SELECT 1; DROP TABLE orders", "more than one statement")]
    public void Only_one_statement_that_has_a_plan_is_explained(string query, string? reason)
    {
        var why = QueryPlanner.WhyNotExplainable(query);

        if (reason is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.Contains(reason, why, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Deltas_count_from_zero_for_a_new_or_reset_statement_and_never_go_negative()
    {
        var deltas = new StatementDeltas();
        var key = new StatementKey("1", "shop", "app");
        static StatementTotals Totals(long calls, double ms) => new(calls, ms, 0, calls, 0, 0, 0, 0, 0, 0, 0);

        Assert.Equal(40, deltas.Next(key, Totals(40, 100)).Calls);
        deltas.EndReading();
        var next = deltas.Next(key, Totals(55, 99.9));
        deltas.EndReading();
        Assert.Equal((15, 0.0), (next.Calls, next.ExecutionTimeMilliseconds));
        Assert.Equal(5, deltas.Next(key, Totals(5, 1)).Calls);
    }

    [Fact]
    public void A_failed_plan_is_kept_as_a_failure_and_a_passing_one_not_at_all()
    {
        using var cache = new QueryPlanCache(10, TimeSpan.FromHours(1));
        cache.Add("shop", "1", PlanOutcome.Failed("42P01: relation \"t\" does not exist"));
        cache.Add("shop", "2", PlanOutcome.Failed("55P03: canceling statement due to lock timeout", passing: true));
        cache.Add("shop", "3", PlanOutcome.Explained("[]"));

        Assert.Equal((false, "42P01: relation \"t\" does not exist"), (cache.Find("shop", "1")!.Succeeded, cache.Find("shop", "1")!.Error));
        Assert.Null(cache.Find("shop", "2"));
        Assert.True(cache.Find("shop", "3")!.Succeeded);
        Assert.Null(cache.Find("billing", "3"));
    }
}
