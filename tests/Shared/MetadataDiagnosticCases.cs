namespace PgMetrics.Tests.Shared;

/// <summary>
/// A metadata.yaml for every kind of mistake, with where it must be reported. The generator's tests check
/// that dotnet build and the library report each alike; the collector's, that metadata_files does too.
/// </summary>
public static class MetadataDiagnosticCases
{
    public const string ValidQuery = """
        queries:
          q:
            sql: SELECT 1 AS n, 'x' AS label
            columns:
              n: {type: int}
              label: {type: string}
        """;

    /// <summary>A file, the id of its mistake, and the 1-based line and column where it is reported, as an editor shows them.</summary>
    public static TheoryData<string, string, int, int> All => new()
    {
        { "type: x\nmetrics:\n  a: b: c\n", "PGM001", 3, 7 },
        { "type: x\ncolour: blue\n", "PGM002", 2, 1 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n", "PGM003", 3, 3 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: true\n    unit: \"1\"\n    gauge: {value_type: int}\n", "PGM004", 4, 5 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n  a.b:\n    enabled: true\n", "PGM005", 8, 3 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n    source: {query: nope, column: n}\n", "PGM006", 8, 21 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n    source: {query: q, column: nope}\n" + ValidQuery, "PGM007", 8, 32 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n    source: {query: q, column: label}\n" + ValidQuery, "PGM008", 8, 32 },
        { "type: x\nattributes:\n  s: {description: d, type: string, enum: [on, off]}\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n    attributes: [s]\n    source: {query: q, column: n, attributes: {s: maybe}}\n" + ValidQuery, "PGM009", 11, 51 },
        { "type: x\nmetrics:\n  9lives:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n", "PGM010", 3, 3 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: yes please\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n", "PGM011", 4, 14 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n    attributes: [ghost]\n", "PGM012", 8, 17 },
        { "type: x\nmetrics: 42\n", "PGM013", 2, 10 },
        { "type: x\nqueries:\n  q:\n    sql: SELECT 1 AS n\n    variants: {sql: SELECT 2 AS n}\n    columns:\n      n: {type: int}\n", "PGM013", 5, 15 },
        { "type: x\nattributes:\n  s: {description: d, type: string}\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n    attributes: [s]\n    source: {query: q, column: n, attributes: {s: [x, y]}}\n" + ValidQuery, "PGM013", 11, 51 },
        { "type: x\nqueries:\n  q:\n    requires: {extensions: [vector], setting: {track_functions: [all]}}\n    sql: SELECT 1 AS n\n    columns:\n      n: {type: int}\n", "PGM002", 4, 38 },
        { "type: x\nqueries:\n  q:\n    requires: {settings: {Track-Functions: [all]}}\n    sql: SELECT 1 AS n\n    columns:\n      n: {type: int}\n", "PGM010", 4, 27 },
        { "type: x\nattributes:\n  s: {description: d, type: string}\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: \"1\"\n    gauge: {value_type: int}\n    attributes: [s]\n    source: {query: q, column: n}\n" + ValidQuery, "PGM014", 11, 13 },
        { "type: x\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: s\n    histogram: {value_type: double}\n    source: {query: q, column: n}\n" + ValidQuery, "PGM015", 8, 13 },
        { "type: x\nattributes:\n  s: {description: d, type: string}\nqueries:\n  q:\n    sql: SELECT 1 AS n\n    columns:\n      n: {type: int, attribute: s}\n", "PGM016", 8, 33 },
        { "type: x\nresource_attributes:\n  r: {description: d, type: int, enabled: true}\nqueries:\n  q:\n    sql: SELECT 1.5 AS n\n    columns:\n      n: {type: double, resource_attribute: r}\n", "PGM016", 8, 45 },
    };
}
