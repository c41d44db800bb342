namespace PgMetrics.Runtime.Queries;

internal enum CollapsedListKind : byte
{
    /// <summary><c>IN (…)</c>, <c>ARRAY[…]</c> or a nested <c>[…]</c> of constants: written as one placeholder and the marker, as PostgreSQL 18 squashes it.</summary>
    Constants,

    /// <summary>A run of <c>VALUES</c> rows of one shape: the first row is written, then the marker.</summary>
    Rows,
}

/// <summary>A list the normalized text collapses: tokens <see cref="Open"/> to <see cref="Close"/>; for rows, the first row ends at <see cref="FirstRowClose"/>.</summary>
internal readonly record struct CollapsedList(CollapsedListKind Kind, int Open, int Close, int FirstRowClose);

/// <summary>
/// Finds the lists the normalized text collapses, so a statement's fingerprint does not depend on how
/// many constants a list holds, nor on whether the server is PostgreSQL 18, which squashes lists of
/// constants itself (<c>IN ($1 /*, ... */)</c>, numbering every placeholder of such a statement by position).
/// <list type="bullet">
/// <item><c>IN (…)</c>, <c>ARRAY[…]</c> and the inner <c>[…]</c> of a multi-dimensional <c>ARRAY</c>, when every element is a
/// constant or parameter, optionally signed, typed (<c>DATE '…'</c>, <c>interval '1' day</c>) or cast (<c>'x'::varchar(3)</c>,
/// <c>CAST(1 AS int)</c>). This is wider than what PostgreSQL 18 squashes (it leaves <c>IN (1)</c> and <c>IN (-$1::int, 2)</c>),
/// which is safe: the statement as sent and every version's text of it are collapsed alike.</item>
/// <item>Multi-row <c>VALUES</c>: consecutive rows of the same shape (each item a constant, a parameter or <c>DEFAULT</c>, in
/// the same places) collapse to their first row; a row of another shape starts a new run.</item>
/// </list>
/// The scan is linear: a list that turns out not to collapse ends at the first token that does not
/// fit, and no list can start inside the tokens an element may hold.
/// </summary>
internal static class SqlListCollapser
{
    [ThreadStatic]
    private static List<CollapsedList>? _scratch;

    /// <summary>The collapsed lists in token order, in a list reused by the next call on this thread.</summary>
    public static List<CollapsedList> Find(string sql, List<SqlToken> tokens, int count, ref long work)
    {
        var lists = _scratch ??= new List<CollapsedList>(8);
        lists.Clear();
        for (var i = 0; i < count; i++)
        {
            work++;
            var token = tokens[i];
            if (token.Kind != SqlTokenKind.Word && !token.IsPunctuation('['))
            {
                continue;
            }

            int close;
            if ((token.IsWord(sql, "IN") && IsPunctuation(tokens, count, i + 1, '(') && (close = ConstantsEnd(sql, tokens, count, i + 1, ')', ref work)) > 0)
                || (token.IsWord(sql, "ARRAY") && IsPunctuation(tokens, count, i + 1, '[') && (close = ConstantsEnd(sql, tokens, count, i + 1, ']', ref work)) > 0))
            {
                lists.Add(new CollapsedList(CollapsedListKind.Constants, i + 1, close, close));
                i = close;
            }
            else if (token.IsPunctuation('[') && i > 0 && (tokens[i - 1].IsPunctuation('[') || tokens[i - 1].IsPunctuation(','))
                && (close = ConstantsEnd(sql, tokens, count, i, ']', ref work)) > 0)
            {
                // ARRAY[[1, 2], [3, 4]]: a bracket can follow another or a comma only inside an array constructor.
                lists.Add(new CollapsedList(CollapsedListKind.Constants, i, close, close));
                i = close;
            }
            else if (token.IsWord(sql, "VALUES"))
            {
                i = FindRows(sql, tokens, count, i + 1, lists, ref work) - 1;
            }
        }

        return lists;
    }

    /// <summary>Whether any list of constants collapses (VALUES rows do not count): then placeholders are numbered by position.</summary>
    public static bool HasConstantList(List<CollapsedList> lists)
    {
        foreach (var list in lists)
        {
            if (list.Kind == CollapsedListKind.Constants)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>At <paramref name="open"/>: elements separated by commas up to <paramref name="closing"/>; the closing token, or 0.</summary>
    private static int ConstantsEnd(string sql, List<SqlToken> tokens, int count, int open, char closing, ref long work)
    {
        var i = open + 1;
        while (true)
        {
            var end = ElementEnd(sql, tokens, count, i, ref work);
            if (end < 0)
            {
                return 0;
            }

            if (IsPunctuation(tokens, count, end, closing))
            {
                return end;
            }

            if (!IsPunctuation(tokens, count, end, ','))
            {
                return 0;
            }

            i = end + 1;
        }
    }

    /// <summary>
    /// At <paramref name="i"/>: <c>{CAST (} [-] [type] placeholder [interval fields] {::type} {AS type ) {::type}}</c>;
    /// the token after it, or -1. CASTs are counted, not recursed into, so deep nesting cannot exhaust the stack.
    /// </summary>
    private static int ElementEnd(string sql, List<SqlToken> tokens, int count, int i, ref long work)
    {
        // The common case first: a bare constant or parameter, then a comma or the closing bracket.
        if (i + 1 < count && tokens[i].IsPlaceholder && tokens[i + 1].Kind == SqlTokenKind.Symbol && tokens[i + 1].First is ',' or ')' or ']' && tokens[i + 1].Length == 1)
        {
            work++;
            return i + 1;
        }

        var start = i;
        var casts = 0;
        while (Is(sql, tokens, count, i, "CAST") && IsPunctuation(tokens, count, i + 1, '('))
        {
            casts++;
            i += 2;
        }

        work += i - start + 1;

        if (i < count && tokens[i].IsSymbol(sql, "-"))
        {
            i++;
        }

        if (i < count && !tokens[i].IsPlaceholder)
        {
            // A typed constant: DATE '2024-01-01', timestamp with time zone '…', numeric(10,2) '1.5'.
            i = TypeEnd(sql, tokens, count, i, ref work);
            if (i < 0)
            {
                return -1;
            }
        }

        if (i >= count || !tokens[i].IsPlaceholder)
        {
            return -1;
        }

        i++;
        while (i < count && (tokens[i].Kind == SqlTokenKind.Absorbed || IsIntervalField(sql, tokens[i])))
        {
            i++;
            work++;
        }

        i = CastsEnd(sql, tokens, count, i, ref work);
        for (; casts > 0 && i >= 0; casts--)
        {
            if (!Is(sql, tokens, count, i, "AS"))
            {
                return -1;
            }

            i = TypeEnd(sql, tokens, count, i + 1, ref work);
            if (i < 0 || !IsPunctuation(tokens, count, i, ')'))
            {
                return -1;
            }

            i = CastsEnd(sql, tokens, count, i + 1, ref work);
        }

        return i;
    }

    /// <summary>After a value: any number of <c>::type</c>; the token after them, or -1.</summary>
    private static int CastsEnd(string sql, List<SqlToken> tokens, int count, int i, ref long work)
    {
        while (i >= 0 && i < count && tokens[i].IsSymbol(sql, "::"))
        {
            i = TypeEnd(sql, tokens, count, i + 1, ref work);
        }

        return i;
    }

    /// <summary>
    /// At <paramref name="i"/>: a type name: words (<c>double precision</c>, <c>pg_catalog.int4</c>, <c>"MyType"</c>), type
    /// modifiers in parentheses and array brackets. The token after it, or -1 when there is no type here.
    /// </summary>
    private static int TypeEnd(string sql, List<SqlToken> tokens, int count, int i, ref long work)
    {
        if (!IsTypeName(sql, tokens, count, i))
        {
            return -1;
        }

        i++;
        while (i < count)
        {
            work++;
            var token = tokens[i];
            if (token.IsPunctuation('.') && IsTypeName(sql, tokens, count, i + 1))
            {
                i += 2;
            }
            else if (IsTypeName(sql, tokens, count, i))
            {
                i++;
            }
            else if (token.IsPunctuation('(') && i + 1 < count && tokens[i + 1].Kind is SqlTokenKind.TypeModifier or SqlTokenKind.Word)
            {
                var close = i + 1;
                while (close < count && (tokens[close].Kind is SqlTokenKind.TypeModifier or SqlTokenKind.Word || tokens[close].IsPunctuation(',')))
                {
                    close++;
                    work++;
                }

                if (!IsPunctuation(tokens, count, close, ')'))
                {
                    return -1;
                }

                i = close + 1;
            }
            else if (token.IsPunctuation('[') && IsPunctuation(tokens, count, i + 1, ']'))
            {
                i += 2;
            }
            else if (token.IsPunctuation('[') && i + 1 < count && tokens[i + 1].Kind is SqlTokenKind.Literal or SqlTokenKind.TypeModifier && IsPunctuation(tokens, count, i + 2, ']'))
            {
                i += 3;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static bool IsTypeName(string sql, List<SqlToken> tokens, int count, int i)
        => i < count && (tokens[i].Kind == SqlTokenKind.QuotedIdentifier
            || (tokens[i].Kind == SqlTokenKind.Word && SqlKeywords.CanBeTypeName(sql.AsSpan(tokens[i].Start, tokens[i].Length))));

    private static bool IsIntervalField(string sql, SqlToken token)
        => token.IsWord(sql, "YEAR") || token.IsWord(sql, "MONTH") || token.IsWord(sql, "DAY") || token.IsWord(sql, "HOUR")
            || token.IsWord(sql, "MINUTE") || token.IsWord(sql, "SECOND") || token.IsWord(sql, "TO");

    /// <summary>After VALUES at <paramref name="i"/>: records runs of same-shape rows; returns the token after the last row read.</summary>
    private static int FindRows(string sql, List<SqlToken> tokens, int count, int i, List<CollapsedList> lists, ref long work)
    {
        var runOpen = -1;
        var runFirstClose = -1;
        var runClose = -1;
        while (IsPunctuation(tokens, count, i, '(') && RowEnd(sql, tokens, count, i, ref work) is var close && close > 0)
        {
            if (runOpen >= 0 && !SameShape(sql, tokens, runOpen, runFirstClose, i, close, ref work))
            {
                lists.Add(new CollapsedList(CollapsedListKind.Rows, runOpen, runClose, runFirstClose));
                runOpen = -1;
            }

            if (runOpen < 0)
            {
                runOpen = i;
                runFirstClose = close;
            }

            runClose = close;
            if (!IsPunctuation(tokens, count, close + 1, ',') || !IsPunctuation(tokens, count, close + 2, '('))
            {
                i = close + 1;
                break;
            }

            i = close + 2;
        }

        if (runOpen >= 0)
        {
            lists.Add(new CollapsedList(CollapsedListKind.Rows, runOpen, runClose, runFirstClose));
        }

        return i;
    }

    /// <summary>At <paramref name="open"/>: <c>( item [, item]* )</c>, each item a constant, parameter or DEFAULT; the closing parenthesis, or 0.</summary>
    private static int RowEnd(string sql, List<SqlToken> tokens, int count, int open, ref long work)
    {
        var i = open + 1;
        while (i < count && (tokens[i].IsPlaceholder || tokens[i].IsWord(sql, "DEFAULT")))
        {
            i++;
            while (i < count && tokens[i].Kind == SqlTokenKind.Absorbed)
            {
                i++;
            }

            work += 2;
            if (IsPunctuation(tokens, count, i, ')'))
            {
                return i;
            }

            if (!IsPunctuation(tokens, count, i, ','))
            {
                return 0;
            }

            i++;
        }

        return 0;
    }

    /// <summary>Whether two rows have their constants and DEFAULTs in the same places (an absorbed UESCAPE clause does not count: PostgreSQL 12 drops it).</summary>
    private static bool SameShape(string sql, List<SqlToken> tokens, int firstOpen, int firstClose, int open, int close, ref long work)
    {
        var a = firstOpen + 1;
        var b = open + 1;
        while (true)
        {
            while (a < firstClose && tokens[a].Kind == SqlTokenKind.Absorbed)
            {
                a++;
            }

            while (b < close && tokens[b].Kind == SqlTokenKind.Absorbed)
            {
                b++;
            }

            work++;
            if (a >= firstClose || b >= close)
            {
                return a >= firstClose && b >= close;
            }

            if (tokens[a].IsPlaceholder != tokens[b].IsPlaceholder || tokens[a].IsWord(sql, "DEFAULT") != tokens[b].IsWord(sql, "DEFAULT"))
            {
                return false;
            }

            a++;
            b++;
        }
    }

    private static bool Is(string sql, List<SqlToken> tokens, int count, int i, string keyword) => i >= 0 && i < count && tokens[i].IsWord(sql, keyword);

    private static bool IsPunctuation(List<SqlToken> tokens, int count, int i, char c) => i >= 0 && i < count && tokens[i].IsPunctuation(c);
}
