namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Corrects what the lexer alone gets wrong about constants, so the normalized text has a placeholder
/// wherever pg_stat_statements has one on some PostgreSQL version (12–18), and only there:
/// <list type="bullet">
/// <item>words the parser records as constants: <c>TRUE</c>, <c>FALSE</c> and <c>NULL</c> (not in <c>IS [NOT] TRUE</c>,
/// <c>IS [NOT] NULL</c>, <c>NOT NULL</c> or <c>IS [NOT] DISTINCT FROM NULL</c>, which are tests), the field of
/// <c>EXTRACT(field FROM …)</c>, the <c>ALL</c> of <c>LIMIT ALL</c>;</item>
/// <item>names PostgreSQL 17 made constants: savepoint names (<c>SAVEPOINT</c>, <c>RELEASE</c>, <c>ROLLBACK TO</c>) and
/// the statement name of <c>DEALLOCATE</c>;</item>
/// <item>values PostgreSQL 18 made constants: those of <c>SET name = …</c>, <c>SET ROLE</c>, <c>SET SESSION AUTHORIZATION</c>,
/// <c>SET SCHEMA</c>, <c>SET NAMES</c> and <c>ALTER DATABASE|ROLE|USER|FUNCTION|… SET name = …</c>;</item>
/// <item>the <c>UESCAPE '…'</c> clause of a <c>U&amp;'…'</c> string is part of its one constant (13+ keep it after the placeholder);</item>
/// <item>integers in the parentheses of a type (<c>varchar(20)</c>, <c>numeric(10,2)</c>, <c>interval day to second(3)</c>) are
/// type modifiers, not constants, and stay in the text; so do a type's array bounds (<c>int[3]</c>, see <see cref="SqlArrayBounds"/>).</item>
/// </list>
/// One pass over the tokens; every look-ahead either consumes what it read or stops at the first token
/// that does not fit, so the pass stays linear.
/// </summary>
internal static class SqlConstantRules
{
    public static void Apply(string sql, List<SqlToken> tokens, ref long work)
    {
        var statementStart = 0;
        var alterWithSettings = false;
        var inSettingValues = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            work++;
            var token = tokens[i];
            SqlArrayBounds.Keep(sql, tokens, i, ref work);
            if (token.IsPunctuation(';'))
            {
                statementStart = i + 1;
                alterWithSettings = false;
                inSettingValues = false;
            }
            else if (inSettingValues)
            {
                // SET search_path = "$user", public: each name in the list is a value; DEFAULT is not a constant.
                if (token.Kind == SqlTokenKind.QuotedIdentifier || (token.Kind == SqlTokenKind.Word && !token.IsWord(sql, "DEFAULT")))
                {
                    tokens[i] = token.As(SqlTokenKind.Literal);
                }
            }
            else if (token.IsPlaceholder)
            {
                if (Is(sql, tokens, i + 1, "UESCAPE") && KindAt(tokens, i + 2) == SqlTokenKind.Literal)
                {
                    tokens[i + 1] = tokens[i + 1].As(SqlTokenKind.Absorbed);
                    tokens[i + 2] = tokens[i + 2].As(SqlTokenKind.Absorbed);
                    i += 2;
                }
            }
            else if (token.Kind == SqlTokenKind.Word)
            {
                i = ApplyToWord(sql, tokens, i, i == statementStart, ref alterWithSettings, ref inSettingValues, ref work);
            }
        }
    }

    /// <summary>Applies the rules that start at the word at <paramref name="i"/>; returns the last token they covered.</summary>
    private static int ApplyToWord(string sql, List<SqlToken> tokens, int i, bool startsStatement, ref bool alterWithSettings, ref bool inSettingValues, ref long work)
    {
        var word = sql.AsSpan(tokens[i].Start, tokens[i].Length);

        // Integers after a type that takes modifiers; looked up only before a parenthesis, as this runs for every word.
        if (IsPunctuation(tokens, i + 1, '(')
            && (SqlKeywords.TakesTypeModifiers(word) || (word.Equals("SECOND", StringComparison.OrdinalIgnoreCase) && Is(sql, tokens, i - 1, "TO"))))
        {
            return KeepTypeModifiers(sql, tokens, i, ref work);
        }

        // Dispatch on the length first: most words are none of these.
        switch (word.Length)
        {
            case 3 when word.Equals("ALL", StringComparison.OrdinalIgnoreCase):
                if (Is(sql, tokens, i - 1, "LIMIT"))
                {
                    MarkConstant(tokens, i);
                }

                return i;
            case 3 when word.Equals("SET", StringComparison.OrdinalIgnoreCase):
                if (startsStatement)
                {
                    return SetStatement(sql, tokens, i, ref inSettingValues, ref work);
                }

                if (alterWithSettings && SettingValuesStart(sql, tokens, i + 1, ref work) is var values and > 0)
                {
                    inSettingValues = true;
                    return values - 1;
                }

                return i;
            case 4 when word.Equals("TRUE", StringComparison.OrdinalIgnoreCase):
            case 5 when word.Equals("FALSE", StringComparison.OrdinalIgnoreCase):
                if (!Is(sql, tokens, i - 1, "IS") && !(Is(sql, tokens, i - 1, "NOT") && Is(sql, tokens, i - 2, "IS")))
                {
                    MarkConstant(tokens, i);
                }

                return i;
            case 4 when word.Equals("NULL", StringComparison.OrdinalIgnoreCase):
                if (!IsNullTest(sql, tokens, i))
                {
                    MarkConstant(tokens, i);
                }

                return i;
            case 7 when word.Equals("EXTRACT", StringComparison.OrdinalIgnoreCase):
                if (IsPunctuation(tokens, i + 1, '(') && IsName(tokens, i + 2) && Is(sql, tokens, i + 3, "FROM"))
                {
                    MarkConstant(tokens, i + 2);
                    return i + 3;
                }

                return i;
            default:
                return startsStatement ? StatementName(sql, tokens, i, word, ref alterWithSettings) : i;
        }
    }

    /// <summary>Savepoint and prepared-statement names (constants since PostgreSQL 17), and whether an ALTER can hold SET name = value.</summary>
    private static int StatementName(string sql, List<SqlToken> tokens, int i, ReadOnlySpan<char> word, ref bool alterWithSettings)
    {
        var next = i + 1;
        if (word.Equals("SAVEPOINT", StringComparison.OrdinalIgnoreCase))
        {
            MarkName(tokens, next);
        }
        else if (word.Equals("RELEASE", StringComparison.OrdinalIgnoreCase))
        {
            MarkName(tokens, Is(sql, tokens, next, "SAVEPOINT") ? next + 1 : next);
        }
        else if (word.Equals("ROLLBACK", StringComparison.OrdinalIgnoreCase))
        {
            next = Is(sql, tokens, next, "WORK") || Is(sql, tokens, next, "TRANSACTION") ? next + 1 : next;
            if (Is(sql, tokens, next, "TO"))
            {
                MarkName(tokens, Is(sql, tokens, next + 1, "SAVEPOINT") ? next + 2 : next + 1);
            }
        }
        else if (word.Equals("DEALLOCATE", StringComparison.OrdinalIgnoreCase))
        {
            next = Is(sql, tokens, next, "PREPARE") ? next + 1 : next;
            if (!Is(sql, tokens, next, "ALL"))
            {
                MarkName(tokens, next);
            }
        }
        else if (word.Equals("ALTER", StringComparison.OrdinalIgnoreCase))
        {
            alterWithSettings = Is(sql, tokens, next, "DATABASE") || Is(sql, tokens, next, "ROLE") || Is(sql, tokens, next, "USER")
                || Is(sql, tokens, next, "FUNCTION") || Is(sql, tokens, next, "PROCEDURE") || Is(sql, tokens, next, "ROUTINE") || Is(sql, tokens, next, "SYSTEM");
        }

        return i;
    }

    /// <summary>A statement starting with SET: which of its words are values (PostgreSQL 18 normalizes them).</summary>
    private static int SetStatement(string sql, List<SqlToken> tokens, int i, ref bool inSettingValues, ref long work)
    {
        var next = i + 1;
        if (Is(sql, tokens, next, "LOCAL") || (Is(sql, tokens, next, "SESSION") && !Is(sql, tokens, next + 1, "AUTHORIZATION") && !Is(sql, tokens, next + 1, "CHARACTERISTICS")))
        {
            next++;
        }

        if (Is(sql, tokens, next, "ROLE") || Is(sql, tokens, next, "SCHEMA"))
        {
            MarkName(tokens, next + 1);
        }
        else if (Is(sql, tokens, next, "NAMES"))
        {
            if (!Is(sql, tokens, next + 1, "DEFAULT"))
            {
                MarkName(tokens, next + 1);
            }
        }
        else if (Is(sql, tokens, next, "SESSION") && Is(sql, tokens, next + 1, "AUTHORIZATION"))
        {
            if (!Is(sql, tokens, next + 2, "DEFAULT"))
            {
                MarkName(tokens, next + 2);
            }
        }
        else if (!Is(sql, tokens, next, "TIME") && !Is(sql, tokens, next, "TRANSACTION") && !Is(sql, tokens, next, "CONSTRAINTS")
            && !Is(sql, tokens, next, "SESSION") && !Is(sql, tokens, next, "XML") && SettingValuesStart(sql, tokens, next, ref work) is var values and > 0)
        {
            inSettingValues = true;
            return values - 1;
        }

        return i;
    }

    /// <summary>At <paramref name="i"/>: <c>name[.name]… = </c> or <c>… TO </c>; the index of the first value, or 0.</summary>
    private static int SettingValuesStart(string sql, List<SqlToken> tokens, int i, ref long work)
    {
        if (!IsName(tokens, i))
        {
            return 0;
        }

        var next = i + 1;
        while (IsPunctuation(tokens, next, '.') && IsName(tokens, next + 1))
        {
            next += 2;
        }

        work += next - i;
        return IsPunctuation(tokens, next, '=') || Is(sql, tokens, next, "TO") ? next + 1 : 0;
    }

    /// <summary>
    /// At a type that takes modifiers: <c>( integer-or-name [, …] )</c> keeps its integers. Returns the
    /// closing parenthesis, or <paramref name="i"/> when what follows is not a modifier list (a
    /// function call, or junk), whose tokens the main pass then reads as usual.
    /// </summary>
    private static int KeepTypeModifiers(string sql, List<SqlToken> tokens, int i, ref long work)
    {
        if (!IsPunctuation(tokens, i + 1, '('))
        {
            return i;
        }

        var close = i + 2;
        while (close < tokens.Count && (IsUnsignedInteger(sql, tokens[close]) || tokens[close].Kind == SqlTokenKind.Word || tokens[close].IsPunctuation(',')))
        {
            close++;
        }

        work += close - i;
        if (!IsPunctuation(tokens, close, ')'))
        {
            return i;
        }

        for (var t = i + 2; t < close; t++)
        {
            if (tokens[t].Kind == SqlTokenKind.Literal)
            {
                tokens[t] = tokens[t].As(SqlTokenKind.TypeModifier);
            }
        }

        return close;
    }

    /// <summary>NULL in a null test, which PostgreSQL does not record as a constant: IS [NOT] NULL, NOT NULL, and an undecorated NULL on either side of IS [NOT] DISTINCT FROM.</summary>
    private static bool IsNullTest(string sql, List<SqlToken> tokens, int i)
        => Is(sql, tokens, i - 1, "IS") || Is(sql, tokens, i - 1, "NOT")
            || (Is(sql, tokens, i - 1, "FROM") && Is(sql, tokens, i - 2, "DISTINCT") && !IsSymbol(sql, tokens, i + 1, "::"))
            || (Is(sql, tokens, i + 1, "IS") && (Is(sql, tokens, i + 2, "DISTINCT") || (Is(sql, tokens, i + 2, "NOT") && Is(sql, tokens, i + 3, "DISTINCT"))));

    private static bool IsUnsignedInteger(string sql, SqlToken token)
        => token.Kind == SqlTokenKind.Literal && !sql.AsSpan(token.Start, token.Length).ContainsAnyExceptInRange('0', '9');

    private static void MarkConstant(List<SqlToken> tokens, int i) => tokens[i] = tokens[i].As(SqlTokenKind.Literal);

    private static void MarkName(List<SqlToken> tokens, int i)
    {
        if (IsName(tokens, i))
        {
            MarkConstant(tokens, i);
        }
    }

    private static bool IsName(List<SqlToken> tokens, int i) => KindAt(tokens, i) is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier;

    private static SqlTokenKind? KindAt(List<SqlToken> tokens, int i) => i >= 0 && i < tokens.Count ? tokens[i].Kind : null;

    private static bool Is(string sql, List<SqlToken> tokens, int i, string keyword) => i >= 0 && i < tokens.Count && tokens[i].IsWord(sql, keyword);

    private static bool IsPunctuation(List<SqlToken> tokens, int i, char c) => i >= 0 && i < tokens.Count && tokens[i].IsPunctuation(c);

    private static bool IsSymbol(string sql, List<SqlToken> tokens, int i, string symbol) => i >= 0 && i < tokens.Count && tokens[i].IsSymbol(sql, symbol);
}
