namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Splits PostgreSQL SQL into tokens in one pass, and decides what one constant is the way PostgreSQL's
/// lexer and parser do, so a constant here is the span pg_stat_statements replaces: a minus sign before
/// a number is part of it, even with a space between (but not in <c>-5::int</c>, which PostgreSQL reads
/// as <c>-(5::int)</c>); string continuations across a newline are one constant; <c>=-</c> is two
/// operators. Comments (including nested block comments) are dropped. Anything unterminated runs to the
/// end of the text as one token of its kind, so malformed or truncated input still tokenizes and an
/// unterminated string stays a literal.
/// </summary>
internal static class SqlTokenizer
{
    // Reused per thread: fingerprinting runs on every sampled statement, and the list is scratch space.
    [ThreadStatic]
    private static List<SqlToken>? _scratch;

    /// <summary>The tokens of <paramref name="sql"/>, in a list reused by the next call on this thread.</summary>
    /// <param name="sql">The SQL text.</param>
    /// <param name="work">Increased by the characters looked at ahead without being consumed (the linear-time test counts them).</param>
    public static List<SqlToken> Tokenize(string sql, ref long work)
    {
        var tokens = _scratch ??= new List<SqlToken>(256);
        tokens.Clear();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (IsSpace(c))
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
                i = Add(tokens, SqlTokenKind.Literal, i, StringEnd(sql, i, backslashEscapes: false, ref work), c);
            }
            else if ((c is 'E' or 'e') && Peek(sql, i + 1) == '\'')
            {
                i = Add(tokens, SqlTokenKind.Literal, i, StringEnd(sql, i + 1, backslashEscapes: true, ref work), c);
            }
            else if ((c is 'B' or 'b' or 'X' or 'x' or 'N' or 'n') && Peek(sql, i + 1) == '\'')
            {
                i = Add(tokens, SqlTokenKind.Literal, i, StringEnd(sql, i + 1, backslashEscapes: false, ref work), c);
            }
            else if ((c is 'U' or 'u') && Peek(sql, i + 1) == '&' && Peek(sql, i + 2) == '\'')
            {
                i = Add(tokens, SqlTokenKind.Literal, i, StringEnd(sql, i + 2, backslashEscapes: false, ref work), c);
            }
            else if ((c is 'U' or 'u') && Peek(sql, i + 1) == '&' && Peek(sql, i + 2) == '"')
            {
                var end = QuotedEnd(sql, i + 2, '"', backslashEscapes: false);
                i = Add(tokens, IsClosed(sql, i + 2, end, '"') ? SqlTokenKind.QuotedIdentifier : SqlTokenKind.Literal, i, end, c);
            }
            else if (c == '"')
            {
                // An unterminated quoted identifier may have swallowed literals after it: it is not shown.
                var end = QuotedEnd(sql, i, '"', backslashEscapes: false);
                i = Add(tokens, IsClosed(sql, i, end, '"') ? SqlTokenKind.QuotedIdentifier : SqlTokenKind.Literal, i, end, c);
            }
            else if (c == '$' && IsDigit(Peek(sql, i + 1)))
            {
                i = Add(tokens, SqlTokenKind.Parameter, i, DigitsEnd(sql, i + 1), c);
            }
            else if (c == '$' && DollarTagEnd(sql, i, ref work) is var tagEnd && tagEnd > 0)
            {
                i = Add(tokens, SqlTokenKind.Literal, i, DollarQuotedEnd(sql, i, tagEnd), c);
            }
            else if (IsDigit(c) || (c == '.' && IsDigit(Peek(sql, i + 1))))
            {
                i = Add(tokens, SqlTokenKind.Literal, i, NumberEnd(sql, i), c);
            }
            else if (c == '-' && IsUnaryPosition(sql, tokens) && SignedNumberEnd(sql, i, ref work) is var signedEnd && signedEnd > 0)
            {
                i = Add(tokens, SqlTokenKind.Literal, i, signedEnd, c);
            }
            else if (IsWordStart(c))
            {
                var end = i + 1;
                while (end < sql.Length && IsWordPart(sql[end]))
                {
                    end++;
                }

                // pg_stat_statements writes N'…' as N$1: the N is the parser's NCHAR cast, the string its constant.
                var nationalPlaceholder = c is 'N' or 'n' && end - i > 2 && sql[i + 1] == '$' && DigitsEnd(sql, i + 2) == end;
                i = Add(tokens, nationalPlaceholder ? SqlTokenKind.Literal : SqlTokenKind.Word, i, end, c);
            }
            else if (c == ':' && Peek(sql, i + 1) is ':' or '=')
            {
                // :: and := are tokens of their own; a colon is no operator character (PostgreSQL lexes -:: as - and ::).
                i = Add(tokens, SqlTokenKind.Symbol, i, i + 2, c);
            }
            else if (IsOperatorChar(c))
            {
                i = Add(tokens, SqlTokenKind.Symbol, i, OperatorEnd(sql, i), c);
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

    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || char.IsControl(c);

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_' || c > 127 && !char.IsControl(c) && !char.IsWhiteSpace(c);

    private static bool IsWordPart(char c) => IsWordStart(c) || IsDigit(c) || c == '$';

    private static bool IsOperatorChar(char c) => c is '+' or '-' or '*' or '/' or '<' or '>' or '=' or '~' or '!' or '@' or '#' or '%' or '^' or '&' or '|' or '`' or '?';

    private static bool IsClosed(string sql, int open, int end, char quote) => end - open >= 2 && sql[end - 1] == quote;

    private static int DigitsEnd(string sql, int i)
    {
        while (i < sql.Length && IsDigit(sql[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// An operator, as PostgreSQL's lexer cuts it: it stops before a comment, and a trailing <c>+</c> or
    /// <c>-</c> is not part of it unless it holds a character SQL operators do not (so <c>=-5</c> is
    /// <c>=</c> and <c>-5</c>, but <c>@-</c> is one operator).
    /// </summary>
    private static int OperatorEnd(string sql, int i)
    {
        var end = i + 1;
        while (end < sql.Length && IsOperatorChar(sql[end]) && !(sql[end] == '-' && Peek(sql, end + 1) == '-') && !(sql[end] == '/' && Peek(sql, end + 1) == '*'))
        {
            end++;
        }

        if (end - i > 1 && sql[end - 1] is '+' or '-' && sql.AsSpan(i, end - i).IndexOfAny("~!@#%^&|`?") < 0)
        {
            while (end - i > 1 && sql[end - 1] is '+' or '-')
            {
                end--;
            }
        }

        return end;
    }

    /// <summary>
    /// Where PostgreSQL's grammar reads a minus as the sign of the number after it: at the start, after an
    /// operator, a comma or an opening bracket, or after a keyword that an operand follows; not after a value.
    /// </summary>
    private static bool IsUnaryPosition(string sql, List<SqlToken> tokens)
    {
        if (tokens.Count == 0)
        {
            return true;
        }

        var previous = tokens[^1];
        return previous.Kind switch
        {
            SqlTokenKind.Symbol => !(previous.First is ')' or ']'),
            SqlTokenKind.Word => SqlKeywords.PrecedesOperand(sql.AsSpan(previous.Start, previous.Length)),
            _ => false,
        };
    }

    /// <summary>
    /// The end of a number signed by the minus at <paramref name="i"/>, with whitespace or comments between
    /// allowed, or 0 when PostgreSQL would not fold the sign into the constant: no number follows, or the
    /// number is cast or subscripted (<c>-5::int</c> is <c>-(5::int)</c>).
    /// </summary>
    private static int SignedNumberEnd(string sql, int i, ref long work)
    {
        var digits = SkipSpaceAndComments(sql, i + 1);
        work += digits - i;
        if (!IsDigit(Peek(sql, digits)) && !(Peek(sql, digits) == '.' && IsDigit(Peek(sql, digits + 1))))
        {
            return 0;
        }

        var end = NumberEnd(sql, digits);
        var after = SkipSpaceAndComments(sql, end);
        work += after - end;
        return (Peek(sql, after) == ':' && Peek(sql, after + 1) == ':') || Peek(sql, after) == '[' ? 0 : end;
    }

    private static int SkipSpaceAndComments(string sql, int i)
    {
        while (i < sql.Length)
        {
            if (IsSpace(sql[i]))
            {
                i++;
            }
            else if (sql[i] == '-' && Peek(sql, i + 1) == '-')
            {
                i = LineEnd(sql, i);
            }
            else if (sql[i] == '/' && Peek(sql, i + 1) == '*')
            {
                i = BlockCommentEnd(sql, i);
            }
            else
            {
                break;
            }
        }

        return i;
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

    /// <summary>
    /// The end of a string constant whose quote is at <paramref name="open"/>, with its continuations:
    /// PostgreSQL joins <c>'a'</c> and <c>'b'</c> separated by whitespace that holds a newline into one constant.
    /// </summary>
    private static int StringEnd(string sql, int open, bool backslashEscapes, ref long work)
    {
        var end = QuotedEnd(sql, open, '\'', backslashEscapes);
        while (end < sql.Length)
        {
            var next = end;
            var newline = false;
            while (next < sql.Length && IsSpace(sql[next]))
            {
                newline |= sql[next] is '\n' or '\r';
                next++;
            }

            work += next - end;
            if (!newline || Peek(sql, next) != '\'')
            {
                break;
            }

            end = QuotedEnd(sql, next, '\'', backslashEscapes);
        }

        return end;
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
    private static int DollarTagEnd(string sql, int i, ref long work)
    {
        var end = i + 1;
        while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
        {
            end++;
        }

        work += end - i;
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
