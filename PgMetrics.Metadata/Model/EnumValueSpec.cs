namespace PgMetrics.Metadata.Model;

/// <summary>One declared value of an enum attribute and the C# enum member that stands for it.</summary>
/// <param name="Value">The value as metadata.yaml declares it and OTLP carries it, e.g. <c>heap_read</c>.</param>
/// <param name="MemberName">The PascalCase C# enum member, e.g. <c>HeapRead</c>.</param>
public sealed record EnumValueSpec(string Value, string MemberName);
