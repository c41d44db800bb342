using System.Collections.Generic;
using System.IO;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PgMetrics.Metadata.Parsing;

/// <summary>Reads YAML text into <see cref="YamlNode"/>s, reporting syntax errors instead of throwing.</summary>
internal static class YamlTreeReader
{
    // Deep nesting is never valid metadata; the cap keeps hostile input from exhausting the stack.
    private const int MaxDepth = 64;

    public static YamlNode? Read(string text, string filePath, out (string Message, SourceSpan Span)? error)
    {
        error = null;
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, filePath, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var extra = parser.Current!;
                error = ("only one YAML document is allowed", ToSpan(filePath, extra.Start, extra.End));
                return null;
            }

            return root;
        }
        catch (YamlException ex)
        {
            error = (ex.Message, ToSpan(filePath, ex.Start, ex.End));
            return null;
        }
        catch (System.Exception ex)
        {
            // YamlDotNet may fail on pathological input in ways it does not document; the generator
            // must still report rather than crash the compiler.
            error = (ex.Message, new SourceSpan(filePath, 0, 0, 0, 0));
            return null;
        }
    }

    private static YamlNode ReadNode(IParser parser, string filePath, int depth)
    {
        var start = parser.Current!;
        if (depth > MaxDepth)
        {
            throw new YamlException(start.Start, start.End, $"nesting deeper than {MaxDepth} levels");
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            return new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, ToSpan(filePath, scalar.Start, scalar.End));
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            throw new YamlException(alias.Start, alias.End, "aliases (*name) are not supported in metadata.yaml");
        }

        if (parser.TryConsume<MappingStart>(out var mappingStart))
        {
            var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, filePath, depth + 1);
                if (key is not YamlScalar keyScalar)
                {
                    throw new YamlException(Mark(key.Span, start: true), Mark(key.Span, start: false), "mapping keys must be plain text");
                }

                entries.Add(new KeyValuePair<YamlScalar, YamlNode>(keyScalar, ReadNode(parser, filePath, depth + 1)));
            }

            return new YamlMapping(entries, ToSpan(filePath, mappingStart.Start, mappingStart.End));
        }

        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = new List<YamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, filePath, depth + 1));
            }

            return new YamlSequence(items, ToSpan(filePath, sequenceStart.Start, sequenceStart.End));
        }

        throw new YamlException(start.Start, start.End, "unexpected " + start.GetType().Name);
    }

    private static Mark Mark(SourceSpan span, bool start)
        => start ? new Mark(0, span.StartLine + 1, span.StartColumn + 1) : new Mark(0, span.EndLine + 1, span.EndColumn + 1);

    // YamlDotNet counts lines and columns from 1; Roslyn from 0.
    private static SourceSpan ToSpan(string filePath, Mark start, Mark end)
        => new(filePath, (int)System.Math.Max(0, start.Line - 1), (int)System.Math.Max(0, start.Column - 1), (int)System.Math.Max(0, end.Line - 1), (int)System.Math.Max(0, end.Column - 1));
}
