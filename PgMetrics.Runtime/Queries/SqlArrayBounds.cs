namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Array bounds of a type name (<c>int[3]</c>, <c>text[2][2]</c>, <c>int ARRAY[4]</c>) are part of the type, not constants:
/// PostgreSQL's grammar reads them as integers of the type name (<c>opt_array_bounds</c>), and pg_stat_statements keeps
/// them as written. They are told apart from subscripts (<c>arr[1]</c>, whose constant it replaces) by where the type
/// name stands: after <c>::</c>, <c>AS</c> (<c>CAST(… AS int[3])</c>, <c>CREATE DOMAIN … AS</c>), <c>TYPE</c> and
/// <c>RETURNS [SETOF]</c>, and as the type of a column or parameter definition (<c>(a int[3], b text[2])</c>,
/// <c>ADD [COLUMN] [IF NOT EXISTS] c int[3]</c>). Where
/// that is not sure the integer stays a placeholder: a number mistaken for a bound would show a constant.
/// </summary>
internal static class SqlArrayBounds
{
    // Words that start an operand inside parentheses or after a comma, where a column definition would have its name:
    // count(DISTINCT a[1]), f(VARIADIC a[1]), trim(BOTH a[1] FROM b), xmlparse(DOCUMENT a[1]).
    private static readonly HashSet<string> OperandPrefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "BOTH", "CONTENT", "DOCUMENT", "LEADING", "TRAILING", "VARIADIC",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> OperandPrefixesLookup = OperandPrefixes.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// At <paramref name="i"/>: when a type name starts at the next token (after <c>::</c>, <c>AS</c>, <c>TYPE</c>, <c>RETURNS</c>)
    /// or a definition's name and type do (after <c>(</c>, <c>,</c>, <c>ADD</c> or <c>COLUMN</c>), marks the integers of the array bounds after the type
    /// as type modifiers. Tokens are only marked, never skipped: the caller goes on at <paramref name="i"/>.
    /// </summary>
    public static void Keep(string sql, List<SqlToken> tokens, int i, ref long work)
    {
        var token = tokens[i];
        int type;
        if (token.Kind is not (SqlTokenKind.Symbol or SqlTokenKind.Word))
        {
            return;
        }

        if (token.IsSymbol(sql, "::") || token.IsWord(sql, "AS") || token.IsWord(sql, "TYPE"))
        {
            type = i + 1;
        }
        else if (token.IsWord(sql, "RETURNS"))
        {
            type = Is(sql, tokens, i + 1, "SETOF") ? i + 2 : i + 1;
        }
        else if ((token.IsPunctuation('(') || token.IsPunctuation(',')) && IsDefinitionName(sql, tokens, i + 1))
        {
            type = i + 2;
        }
        else if (token.IsWord(sql, "ADD") || token.IsWord(sql, "COLUMN"))
        {
            // ALTER TABLE … ADD [COLUMN] [IF NOT EXISTS] name type.
            var name = Is(sql, tokens, i + 1, "IF") && Is(sql, tokens, i + 2, "NOT") && Is(sql, tokens, i + 3, "EXISTS") ? i + 4 : i + 1;
            if (!IsDefinitionName(sql, tokens, name))
            {
                return;
            }

            type = name + 1;
        }
        else
        {
            return;
        }

        var bounds = TypeNameEnd(sql, tokens, type, ref work);
        if (bounds > 0)
        {
            MarkBounds(sql, tokens, bounds, ref work);
        }
    }

    /// <summary>A column or parameter name: a quoted identifier, or a word that is neither a keyword nor starts an operand.</summary>
    private static bool IsDefinitionName(string sql, List<SqlToken> tokens, int i)
    {
        if (i >= tokens.Count)
        {
            return false;
        }

        var word = sql.AsSpan(tokens[i].Start, tokens[i].Length);
        return tokens[i].Kind == SqlTokenKind.QuotedIdentifier
            || (tokens[i].Kind == SqlTokenKind.Word && !SqlKeywords.Contains(word) && !OperandPrefixesLookup.Contains(word));
    }

    /// <summary>
    /// At <paramref name="i"/>: a type name (<c>int</c>, <c>pg_catalog.int4</c>, <c>"MyType"</c>, <c>varchar(10)</c>, <c>double precision</c>,
    /// <c>timestamp(3) with time zone</c>, <c>interval day to second(3)</c>). The token after it, or 0 when there is none. Only the words
    /// that continue a type name are read on, so a cast followed by an operator word (<c>ts::timestamp AT TIME ZONE zones[1]</c>) ends there.
    /// </summary>
    private static int TypeNameEnd(string sql, List<SqlToken> tokens, int i, ref long work)
    {
        if (i >= tokens.Count || !(tokens[i].Kind == SqlTokenKind.QuotedIdentifier
            || (tokens[i].Kind == SqlTokenKind.Word && SqlKeywords.CanBeTypeName(sql.AsSpan(tokens[i].Start, tokens[i].Length)))))
        {
            return 0;
        }

        var start = i++;
        var interval = tokens[start].IsWord(sql, "INTERVAL");
        while (i < tokens.Count)
        {
            var token = tokens[i];
            if (token.IsPunctuation('.') && i + 1 < tokens.Count && tokens[i + 1].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            {
                i += 2;
            }
            else if (token.IsWord(sql, "PRECISION") || token.IsWord(sql, "VARYING") || (interval && IsIntervalField(sql, token)))
            {
                i++;
            }
            else if ((token.IsWord(sql, "WITH") || token.IsWord(sql, "WITHOUT")) && Is(sql, tokens, i + 1, "TIME") && Is(sql, tokens, i + 2, "ZONE"))
            {
                i += 3;
            }
            else if (token.IsPunctuation('(') && ModifiersEnd(tokens, i) is var close and > 0)
            {
                i = close + 1;
            }
            else
            {
                break;
            }
        }

        work += i - start;
        return i;
    }

    /// <summary>At the parenthesis <paramref name="open"/>: <c>( modifier [, modifier]* )</c> of integers or words; the closing parenthesis, or 0.</summary>
    private static int ModifiersEnd(List<SqlToken> tokens, int open)
    {
        var close = open + 1;
        while (close < tokens.Count && (tokens[close].Kind is SqlTokenKind.Literal or SqlTokenKind.TypeModifier or SqlTokenKind.Word || tokens[close].IsPunctuation(',')))
        {
            close++;
        }

        return close > open + 1 && close < tokens.Count && tokens[close].IsPunctuation(')') ? close : 0;
    }

    /// <summary>At <paramref name="i"/>, right after a type name: <c>[n]</c>, <c>[]</c>, <c>ARRAY</c> and <c>ARRAY[n]</c>, any number of them; marks each n.</summary>
    private static void MarkBounds(string sql, List<SqlToken> tokens, int i, ref long work)
    {
        var start = i;
        while (i < tokens.Count)
        {
            var open = tokens[i].IsWord(sql, "ARRAY") ? i + 1 : i;
            if (IsPunctuation(tokens, open, '[') && IsPunctuation(tokens, open + 1, ']'))
            {
                i = open + 2;
            }
            else if (IsPunctuation(tokens, open, '[') && open + 2 < tokens.Count && IsUnsignedInteger(sql, tokens[open + 1]) && tokens[open + 2].IsPunctuation(']'))
            {
                tokens[open + 1] = tokens[open + 1].As(SqlTokenKind.TypeModifier);
                i = open + 3;
            }
            else if (open > i)
            {
                // ARRAY alone: int ARRAY is int[].
                i = open;
            }
            else
            {
                break;
            }
        }

        work += i - start;
    }

    private static bool IsIntervalField(string sql, SqlToken token)
        => token.IsWord(sql, "YEAR") || token.IsWord(sql, "MONTH") || token.IsWord(sql, "DAY") || token.IsWord(sql, "HOUR")
            || token.IsWord(sql, "MINUTE") || token.IsWord(sql, "SECOND") || token.IsWord(sql, "TO");

    private static bool IsUnsignedInteger(string sql, SqlToken token)
        => token.Kind is SqlTokenKind.Literal or SqlTokenKind.TypeModifier && !sql.AsSpan(token.Start, token.Length).ContainsAnyExceptInRange('0', '9');

    private static bool Is(string sql, List<SqlToken> tokens, int i, string keyword) => i >= 0 && i < tokens.Count && tokens[i].IsWord(sql, keyword);

    private static bool IsPunctuation(List<SqlToken> tokens, int i, char c) => i >= 0 && i < tokens.Count && tokens[i].IsPunctuation(c);
}
