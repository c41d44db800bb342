using System.Collections.Generic;

namespace PgMetrics.Metadata.Diagnostics;

/// <summary>
/// Every mistake <see cref="Parsing.MetadataParser"/> reports, one descriptor per kind; each id is
/// documented in docs/diagnostics.md. The same mistake gets the same id whoever reads the file.
/// </summary>
public static class MetadataDiagnostics
{
    /// <summary>The text is not YAML the parser accepts: a syntax error, a second document, an alias, or nesting too deep.</summary>
    public static DiagnosticDescriptor InvalidYaml { get; } = Error("PGM001", "metadata.yaml is not valid YAML", "metadata.yaml is not valid YAML: {0}");

    /// <summary>A key the schema does not define at that place.</summary>
    public static DiagnosticDescriptor UnknownKey { get; } = Error("PGM002", "Unknown key", "Unknown key '{0}' in {1}; expected one of: {2}");

    /// <summary>A metric without exactly one of <c>sum</c>, <c>gauge</c> or <c>histogram</c>.</summary>
    public static DiagnosticDescriptor UnknownMetricType { get; } = Error("PGM003", "Metric type is missing or unknown", "Metric '{0}' must have exactly one of 'sum', 'gauge' or 'histogram'");

    /// <summary>A required key is absent.</summary>
    public static DiagnosticDescriptor MissingKey { get; } = Error("PGM004", "Required key is missing", "{0} has no '{1}'");

    /// <summary>A name declared twice in one place, or two metric names that become the same C# name.</summary>
    public static DiagnosticDescriptor DuplicateName { get; } = Error("PGM005", "Duplicate name", "'{0}' is declared more than once in {1}");

    /// <summary>A metric's source names a query that is not declared.</summary>
    public static DiagnosticDescriptor MissingQuery { get; } = Error("PGM006", "Source names a query that does not exist", "Metric '{0}' takes its values from query '{1}', which is not declared under 'queries'");

    /// <summary>A metric's source names a column its query does not declare.</summary>
    public static DiagnosticDescriptor MissingColumn { get; } = Error("PGM007", "Source names a column that does not exist", "Metric '{0}' takes its values from column '{1}', which query '{2}' does not declare");

    /// <summary>A source column whose type cannot hold the metric's values.</summary>
    public static DiagnosticDescriptor ColumnTypeMismatch { get; } = Error("PGM008", "Column type does not fit the metric", "Column '{0}' of query '{1}' is of type '{2}', which cannot hold the {3} values of metric '{4}'");

    /// <summary>A fixed attribute value that is not one of the attribute's declared enum values.</summary>
    public static DiagnosticDescriptor UndeclaredEnumValue { get; } = Error("PGM009", "Enum value is not declared", "'{0}' is not a declared value of attribute '{1}'; declared: {2}");

    /// <summary>A metric, attribute, query, column, setting or component name that breaks its naming rule.</summary>
    public static DiagnosticDescriptor InvalidName { get; } = Error("PGM010", "Invalid name", "'{0}' is not a valid {1} name: {2}");

    /// <summary>A value of the wrong kind for its key.</summary>
    public static DiagnosticDescriptor InvalidValue { get; } = Error("PGM011", "Invalid value", "'{0}' is not a valid value for '{1}'; expected {2}");

    /// <summary>A reference to an attribute that is not declared (or not one of the metric's attributes).</summary>
    public static DiagnosticDescriptor UnknownAttribute { get; } = Error("PGM012", "Unknown attribute", "{0} refers to attribute '{1}', which is not declared under '{2}'");

    /// <summary>A mapping, list or single value where another kind of YAML node belongs.</summary>
    public static DiagnosticDescriptor WrongNodeKind { get; } = Error("PGM013", "Wrong kind of YAML node", "'{0}' must be {1}");

    /// <summary>A metric attribute that its source neither fixes nor reads from a column.</summary>
    public static DiagnosticDescriptor AttributeNotProvided { get; } = Error("PGM014", "Attribute has no value source", "Metric '{0}' has attribute '{1}', but its source in query '{2}' neither fixes its value nor reads it from a column");

    /// <summary>A histogram with a source: histograms are recorded from code.</summary>
    public static DiagnosticDescriptor HistogramSource { get; } = Error("PGM015", "Histogram has a source", "Metric '{0}' is a histogram, which a query column cannot fill; remove 'source' and record it from code with {1}(timeUnixNano, count, sum, explicitBounds, bucketCounts)");

    /// <summary>A column that sets an attribute or resource attribute with values of another type (an int column may set a double attribute).</summary>
    public static DiagnosticDescriptor ColumnAttributeTypeMismatch { get; } = Error("PGM016", "Column type does not fit the attribute", "Column '{0}' of query '{1}' is of type '{2}', which cannot hold the {3} values of attribute '{4}'");

    /// <summary>Every descriptor, in id order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
    [
        InvalidYaml, UnknownKey, UnknownMetricType, MissingKey, DuplicateName, MissingQuery, MissingColumn, ColumnTypeMismatch,
        UndeclaredEnumValue, InvalidName, InvalidValue, UnknownAttribute, WrongNodeKind, AttributeNotProvided, HistogramSource,
        ColumnAttributeTypeMismatch,
    ];

    private static DiagnosticDescriptor Error(string id, string title, string message) => new(id, title, message);
}
