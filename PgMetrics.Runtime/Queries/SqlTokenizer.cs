namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Splits PostgreSQL SQL into tokens in one pass. Comments (including nested block comments) are
/// dropped. Anything unterminated runs to the end of the text as one token of its kind, so malformed
/// or truncated input still tokenizes, and an unterminated string stays a literal.
/// </summary>
internal static class SqlTokenizer
{
    // Reused per thread: fingerprinting runs on every sampled statement, and the list is scratch space.
    [ThreadStatic]
    private static List<SqlToken>? _scratch;

    /// <summary>The tokens of <paramref name="sql"/>, in a list reused by the next call on this thread.</summary>
    public static List<SqlToken> Tokenize(string sql)
    {
        var tokens = _scratch ??= new List<SqlToken>(256);
        tokens.Clear();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                i++;
            }
            else if (c == '-' && Peek(sql, i + 1) == '-')
            {
                i = LineEnd(sql, i);
            }
            else if (c == '/' && Peek(sql, i + 1) == '*')
            {
                i = BlockCommentEnd(sql, i);
            }
            else if (c == '\'')
            {
                i = Add(tokens, SqlTokenKind.Literal, i, QuotedEnd(sql, i, '\'', backslashEscapes: false), c);
            }
            else if ((c is 'E' or 'e') && Peek(sql, i + 1) == '\'')
            {
                i = Add(tokens, SqlTokenKind.Literal, i, QuotedEnd(sql, i + 1, '\'', backslashEscapes: true), c);
            }
            else if ((c is 'B' or 'b' or 'X' or 'x' or 'N' or 'n') && Peek(sql, i + 1) == '\'')
            {
                i = Add(tokens, SqlTokenKind.Literal, i, QuotedEnd(sql, i + 1, '\'', backslashEscapes: false), c);
            }
            else if ((c is 'U' or 'u') && Peek(sql, i + 1) == '&' && Peek(sql, i + 2) is '\'' or '"')
            {
                var end = QuotedEnd(sql, i + 2, sql[i + 2], backslashEscapes: false);
                var kind = sql[i + 2] == '"' && sql[end - 1] == '"' && end - i > 3 ? SqlTokenKind.QuotedIdentifier : SqlTokenKind.Literal;
                i = Add(tokens, kind, i, end, c);
            }
            else if (c == '"')
            {
                // An unterminated quoted identifier may have swallowed literals after it: it is not shown.
                var end = QuotedEnd(sql, i, '"', backslashEscapes: false);
                var terminated = end > i + 1 && sql[end - 1] == '"' && end - i >= 2;
                i = Add(tokens, terminated ? SqlTokenKind.QuotedIdentifier : SqlTokenKind.Literal, i, end, c);
            }
            else if (c == '$' && IsDigit(Peek(sql, i + 1)))
            {
                var end = i + 1;
                while (end < sql.Length && IsDigit(sql[end]))
                {
                    end++;
                }

                i = Add(tokens, SqlTokenKind.Parameter, i, end, c);
            }
            else if (c == '$' && DollarTagEnd(sql, i) is var tagEnd && tagEnd > 0)
            {
                i = Add(tokens, SqlTokenKind.Literal, i, DollarQuotedEnd(sql, i, tagEnd), c);
            }
            else if (IsDigit(c) || (c == '.' && IsDigit(Peek(sql, i + 1))) || (c == '-' && StartsNegativeNumber(sql, i, tokens)))
            {
                i = Add(tokens, SqlTokenKind.Literal, i, NumberEnd(sql, c == '-' ? i + 1 : i), c);
            }
            else if (IsWordStart(c))
            {
                var end = i + 1;
                while (end < sql.Length && IsWordPart(sql[end]))
                {
                    end++;
                }

                i = Add(tokens, SqlTokenKind.Word, i, end, c);
            }
            else if (c == ':' && Peek(sql, i + 1) == ':')
            {
                i = Add(tokens, SqlTokenKind.Symbol, i, i + 2, c);
            }
            else if (IsOperatorChar(c))
            {
                var end = i + 1;
                while (end < sql.Length && IsOperatorChar(sql[end]) && !(sql[end] == '-' && Peek(sql, end + 1) == '-') && !(sql[end] == '/' && Peek(sql, end + 1) == '*'))
                {
                    end++;
                }

                i = Add(tokens, SqlTokenKind.Symbol, i, end, c);
            }
            else
            {
                // ( ) , ; [ ] . and anything else, one character each.
                i = Add(tokens, SqlTokenKind.Symbol, i, i + 1, c);
            }
        }

        return tokens;
    }

    private static int Add(List<SqlToken> tokens, SqlTokenKind kind, int start, int end, char first)
    {
        tokens.Add(new SqlToken(kind, start, end - start, first));
        return end;
    }

    private static char Peek(string sql, int index) => index < sql.Length ? sql[index] : '\0';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_' || c > 127 && !char.IsControl(c) && !char.IsWhiteSpace(c);

    private static bool IsWordPart(char c) => IsWordStart(c) || IsDigit(c) || c == '$';

    private static bool IsOperatorChar(char c) => c is '+' or '-' or '*' or '/' or '<' or '>' or '=' or '~' or '!' or '@' or '#' or '%' or '^' or '&' or '|' or '`' or '?' or ':';

    /// <summary>A minus that belongs to a number: after an operator, a comma, an opening bracket or a keyword, not after a value.</summary>
    private static bool StartsNegativeNumber(string sql, int i, List<SqlToken> tokens)
    {
        if (!IsDigit(Peek(sql, i + 1)) && !(Peek(sql, i + 1) == '.' && IsDigit(Peek(sql, i + 2))))
        {
            return false;
        }

        if (tokens.Count == 0)
        {
            return true;
        }

        var previous = tokens[^1];
        return previous.Kind switch
        {
            SqlTokenKind.Symbol => !(previous.First is ')' or ']'),
            SqlTokenKind.Word => SqlKeywords.Contains(sql.AsSpan(previous.Start, previous.Length)),
            _ => false,
        };
    }

    private static int NumberEnd(string sql, int i)
    {
        if (Peek(sql, i) == '0' && Peek(sql, i + 1) is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            i += 2;
            while (i < sql.Length && (char.IsAsciiHexDigit(sql[i]) || sql[i] == '_'))
            {
                i++;
            }

            return i;
        }

        while (i < sql.Length && (IsDigit(sql[i]) || sql[i] == '_'))
        {
            i++;
        }

        if (Peek(sql, i) == '.' && Peek(sql, i + 1) != '.')
        {
            i++;
            while (i < sql.Length && (IsDigit(sql[i]) || sql[i] == '_'))
            {
                i++;
            }
        }

        if (Peek(sql, i) is 'e' or 'E' && (IsDigit(Peek(sql, i + 1)) || (Peek(sql, i + 1) is '+' or '-' && IsDigit(Peek(sql, i + 2)))))
        {
            i += 2;
            while (i < sql.Length && IsDigit(sql[i]))
            {
                i++;
            }
        }

        return i;
    }

    /// <summary>The end of a quoted token starting at <paramref name="open"/>; a doubled quote is an escaped one.</summary>
    private static int QuotedEnd(string sql, int open, char quote, bool backslashEscapes)
    {
        var i = open + 1;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (Peek(sql, i + 1) == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return sql.Length;
    }

    /// <summary>The end of a <c>$tag$</c> opener at <paramref name="i"/>, or 0 when there is none.</summary>
    private static int DollarTagEnd(string sql, int i)
    {
        var end = i + 1;
        while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
        {
            end++;
        }

        return end < sql.Length && sql[end] == '$' ? end + 1 : 0;
    }

    private static int DollarQuotedEnd(string sql, int start, int tagEnd)
    {
        var tag = sql.AsSpan(start, tagEnd - start);
        var close = sql.AsSpan(tagEnd).IndexOf(tag, StringComparison.Ordinal);
        return close < 0 ? sql.Length : tagEnd + close + tag.Length;
    }

    private static int LineEnd(string sql, int i)
    {
        var newline = sql.IndexOf('\n', i);
        return newline < 0 ? sql.Length : newline + 1;
    }

    /// <summary>PostgreSQL block comments nest.</summary>
    private static int BlockCommentEnd(string sql, int i)
    {
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && Peek(sql, i + 1) == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && Peek(sql, i + 1) == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }
}
