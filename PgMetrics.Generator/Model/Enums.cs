namespace PgMetrics.Generator.Model;

internal enum MetricKind { Gauge, Sum, Histogram }

internal enum NumberType { Int, Double }

internal enum Temporality { Cumulative, Delta }

internal enum AttributeType { String, Int, Double, Bool }

internal enum QueryScope { Instance, PerDatabase }
