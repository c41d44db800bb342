using Microsoft.CodeAnalysis;

namespace PgMetrics.Generator.Parsing;

/// <summary>Every problem the generator reports; each id is documented in docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "PgMetrics.Metadata";

    public static DiagnosticDescriptor InvalidYaml { get; } = Error("PGM001", "metadata.yaml is not valid YAML", "metadata.yaml is not valid YAML: {0}");

    public static DiagnosticDescriptor UnknownKey { get; } = Error("PGM002", "Unknown key", "Unknown key '{0}' in {1}; expected one of: {2}");

    public static DiagnosticDescriptor UnknownMetricType { get; } = Error("PGM003", "Metric type is missing or unknown", "Metric '{0}' must have exactly one of 'sum', 'gauge' or 'histogram'");

    public static DiagnosticDescriptor MissingKey { get; } = Error("PGM004", "Required key is missing", "{0} has no '{1}'");

    public static DiagnosticDescriptor DuplicateName { get; } = Error("PGM005", "Duplicate name", "'{0}' is declared more than once in {1}");

    public static DiagnosticDescriptor MissingQuery { get; } = Error("PGM006", "Source names a query that does not exist", "Metric '{0}' takes its values from query '{1}', which is not declared under 'queries'");

    public static DiagnosticDescriptor MissingColumn { get; } = Error("PGM007", "Source names a column that does not exist", "Metric '{0}' takes its values from column '{1}', which query '{2}' does not declare");

    public static DiagnosticDescriptor ColumnTypeMismatch { get; } = Error("PGM008", "Column type does not fit the metric", "Column '{0}' of query '{1}' is of type '{2}', which cannot hold the {3} values of metric '{4}'");

    public static DiagnosticDescriptor UndeclaredEnumValue { get; } = Error("PGM009", "Enum value is not declared", "'{0}' is not a declared value of attribute '{1}'; declared: {2}");

    public static DiagnosticDescriptor InvalidName { get; } = Error("PGM010", "Invalid name", "'{0}' is not a valid {1} name: {2}");

    public static DiagnosticDescriptor InvalidValue { get; } = Error("PGM011", "Invalid value", "'{0}' is not a valid value for '{1}'; expected {2}");

    public static DiagnosticDescriptor UnknownAttribute { get; } = Error("PGM012", "Unknown attribute", "{0} refers to attribute '{1}', which is not declared under '{2}'");

    public static DiagnosticDescriptor WrongNodeKind { get; } = Error("PGM013", "Wrong kind of YAML node", "'{0}' must be {1}");

    public static DiagnosticDescriptor AttributeNotProvided { get; } = Error("PGM014", "Attribute has no value source", "Metric '{0}' has attribute '{1}', but its source in query '{2}' neither fixes its value nor reads it from a column");

    public static DiagnosticDescriptor HistogramSource { get; } = Error("PGM015", "Histogram has a source", "Metric '{0}' is a histogram, which a query column cannot fill; remove 'source' and record it from code with {1}(timeUnixNano, count, sum, explicitBounds, bucketCounts)");

    private static DiagnosticDescriptor Error(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: "https://github.com/pgmetrics/pgmetrics/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant());
}
