using System.Globalization;
using System.Text;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Normalizes PostgreSQL SQL text the way pg_stat_statements shows it, and fingerprints it: every
/// literal (strings, E'', dollar-quoted, bit and hex strings, numbers, the string of a typed literal
/// such as <c>DATE '…'</c>) becomes <c>$n</c>, numbered in order with any <c>$n</c> parameters; placeholder lists in <c>IN (…)</c> and multi-row
/// <c>VALUES</c> collapse; comments go; whitespace and keyword case are normalized; quoted
/// identifiers stay as written. Two linear passes over the text, and it never throws: unterminated
/// quotes and junk turn into placeholders, so no literal of the input can reach the output.
/// </summary>
public static class QueryFingerprinter
{
    private const string CollapsedList = " /*, ... */";

    /// <summary>Normalizes <paramref name="sql"/> and returns it with its 64-bit fingerprint.</summary>
    public static QueryFingerprint Fingerprint(string? sql)
    {
        var normalized = Normalize(sql);
        return new QueryFingerprint(Hash(normalized), normalized);
    }

    /// <summary>The normalized text alone.</summary>
    public static string Normalize(string? sql)
    {
        if (string.IsNullOrEmpty(sql))
        {
            return string.Empty;
        }

        var tokens = SqlTokenizer.Tokenize(sql);
        var writer = new NormalizedWriter(sql.Length);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == SqlTokenKind.Word && IsKeyword(sql, token, "IN") && TryCollapseList(tokens, i + 1, out var listEnd))
            {
                writer.Word("IN");
                writer.Punctuation("(");
                writer.Placeholder();
                writer.Raw(CollapsedList);
                writer.Punctuation(")");
                i = listEnd;
                continue;
            }

            if (token.Kind == SqlTokenKind.Word && IsKeyword(sql, token, "VALUES") && TryCollapseRows(tokens, i + 1, out var rowWidth, out var rowsEnd))
            {
                writer.Word("VALUES");
                writer.Punctuation("(");
                for (var column = 0; column < rowWidth; column++)
                {
                    if (column > 0)
                    {
                        writer.Punctuation(",");
                    }

                    writer.Placeholder();
                }

                writer.Punctuation(")");
                writer.Raw(CollapsedList);
                i = rowsEnd;
                continue;
            }

            switch (token.Kind)
            {
                case SqlTokenKind.Literal or SqlTokenKind.Parameter:
                    // Parameters are renumbered with the literals, in order, so a fingerprint does
                    // not depend on how many came before a collapsed list.
                    writer.Placeholder();
                    break;
                case SqlTokenKind.QuotedIdentifier:
                    writer.Word(sql.AsSpan(token.Start, token.Length), WordCase.AsWritten, isIdentifier: true);
                    break;
                case SqlTokenKind.Word:
                    var word = sql.AsSpan(token.Start, token.Length);
                    var keyword = SqlKeywords.Contains(word);
                    writer.Word(word, keyword ? WordCase.Upper : WordCase.Lower, isIdentifier: !keyword);
                    break;
                default:
                    writer.Punctuation(sql.AsSpan(token.Start, token.Length));
                    break;
            }
        }

        return writer.ToString();
    }

    /// <summary>A stable FNV-1a hash of the normalized text: the same in every process and version.</summary>
    public static ulong Hash(string normalized)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in normalized)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>At <paramref name="start"/>: <c>( literal-or-param [, literal-or-param]* )</c> with at least one item.</summary>
    private static bool TryCollapseList(List<SqlToken> tokens, int start, out int end)
    {
        end = start;
        if (start >= tokens.Count || !tokens[start].IsPunctuation('('))
        {
            return false;
        }

        var i = start + 1;
        var items = 0;
        while (i < tokens.Count && tokens[i].Kind is SqlTokenKind.Literal or SqlTokenKind.Parameter)
        {
            items++;
            i++;
            if (i < tokens.Count && tokens[i].IsPunctuation(','))
            {
                i++;
                continue;
            }

            break;
        }

        if (items == 0 || i >= tokens.Count || !tokens[i].IsPunctuation(')'))
        {
            return false;
        }

        end = i;
        return true;
    }

    /// <summary>At <paramref name="start"/>: one or more <c>(placeholders)</c> rows of one width, separated by commas.</summary>
    private static bool TryCollapseRows(List<SqlToken> tokens, int start, out int width, out int end)
    {
        width = 0;
        end = start;
        var i = start;
        var rows = 0;
        while (TryCollapseList(tokens, i, out var rowEnd))
        {
            var rowWidth = 0;
            for (var t = i + 1; t < rowEnd; t++)
            {
                rowWidth += tokens[t].Kind is SqlTokenKind.Literal or SqlTokenKind.Parameter ? 1 : 0;
            }

            if (rows > 0 && rowWidth != width)
            {
                break;
            }

            width = rowWidth;
            rows++;
            end = rowEnd;
            if (rowEnd + 2 < tokens.Count && tokens[rowEnd + 1].IsPunctuation(',') && tokens[rowEnd + 2].IsPunctuation('('))
            {
                i = rowEnd + 2;
                continue;
            }

            break;
        }

        return rows > 0;
    }

    private static bool IsKeyword(string sql, SqlToken token, string keyword)
        => token.Length == keyword.Length && string.Compare(sql, token.Start, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) == 0;

    private enum WordCase
    {
        AsWritten,
        Upper,
        Lower,
    }

    /// <summary>Builds the normalized text: one space between tokens, none around <c>( ) , . ; ::</c> and brackets.</summary>
    private sealed class NormalizedWriter(int capacity)
    {
        private readonly StringBuilder _text = new(capacity);
        private int _nextPlaceholder = 1;
        private bool _noSpaceBeforeNext = true;
        private bool _afterIdentifier;

        public void Placeholder()
        {
            Space();
            _text.Append('$').Append(_nextPlaceholder++);
            _noSpaceBeforeNext = false;
            _afterIdentifier = false;
        }

        public void Word(string word) => Word(word.AsSpan(), WordCase.AsWritten, isIdentifier: false);

        public void Word(ReadOnlySpan<char> word, WordCase wordCase, bool isIdentifier)
        {
            Space();
            foreach (var c in word)
            {
                _text.Append(wordCase switch
                {
                    WordCase.Upper => char.ToUpperInvariant(c),
                    WordCase.Lower => char.ToLowerInvariant(c),
                    _ => c,
                });
            }

            _noSpaceBeforeNext = false;
            _afterIdentifier = isIdentifier;
        }

        public void Punctuation(string symbol) => Punctuation(symbol.AsSpan());

        public void Punctuation(ReadOnlySpan<char> symbol)
        {
            // A parenthesis right after a name is a call or a column list: now(), orders(customer).
            var tight = symbol is "," or ")" or ";" or "." or "::" or "]" or "[" || (symbol is "(" && _afterIdentifier);
            _afterIdentifier = false;
            if (!tight)
            {
                Space();
            }

            _text.Append(symbol);
            _noSpaceBeforeNext = symbol is "(" or "." or "::" or "[";
        }

        public void Raw(string text)
        {
            _text.Append(text);
            _afterIdentifier = false;
        }

        public override string ToString() => _text.ToString();

        private void Space()
        {
            if (!_noSpaceBeforeNext)
            {
                _text.Append(' ');
            }
        }
    }
}
