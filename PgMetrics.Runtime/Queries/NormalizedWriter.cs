using System.Text;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Builds the normalized text: one space between tokens, none around <c>( ) , . ; ::</c> and brackets,
/// keywords in upper case and other words in lower case. Placeholders are numbered in order of first
/// appearance: each constant takes the next number, and a parameter keeps one number for all its
/// occurrences (<c>a = $1 OR b = $1</c> stays so), unless <paramref name="positional"/>: then every
/// placeholder takes the next number, as PostgreSQL 18 numbers a statement with a squashed list.
/// Numbering by appearance makes the text independent of how the server numbered what it replaced.
/// </summary>
internal sealed class NormalizedWriter(int capacity, bool positional)
{
    // Parameter number -> placeholder number; reused per thread, like the token list.
    [ThreadStatic]
    private static Dictionary<int, int>? _parameterNumbers;

    private readonly StringBuilder _text = new(capacity);
    private readonly Dictionary<int, int> _parameters = ResetParameterNumbers();
    private int _nextPlaceholder = 1;
    private bool _noSpaceBeforeNext = true;
    private bool _afterIdentifier;

    private enum WordCase
    {
        AsWritten,
        Upper,
        Lower,
    }

    /// <summary>Writes <paramref name="token"/> as the normalized text shows it.</summary>
    public void Token(string sql, SqlToken token)
    {
        switch (token.Kind)
        {
            case SqlTokenKind.Literal:
                Placeholder(_nextPlaceholder++);
                break;
            case SqlTokenKind.Parameter:
                Placeholder(ParameterPlaceholder(sql, token));
                break;
            case SqlTokenKind.Absorbed:
                break;
            case SqlTokenKind.QuotedIdentifier:
                Word(sql.AsSpan(token.Start, token.Length), WordCase.AsWritten, isIdentifier: true);
                break;
            case SqlTokenKind.TypeModifier:
                Word(sql.AsSpan(token.Start, token.Length), WordCase.AsWritten, isIdentifier: false);
                break;
            case SqlTokenKind.Word:
                var word = sql.AsSpan(token.Start, token.Length);
                var keyword = SqlKeywords.Contains(word);
                Word(word, keyword ? WordCase.Upper : WordCase.Lower, isIdentifier: !keyword);
                break;
            default:
                Punctuation(sql.AsSpan(token.Start, token.Length));
                break;
        }
    }

    /// <summary>A collapsed list of constants: its brackets around one placeholder and the marker.</summary>
    public void CollapsedConstants(char open, char close)
    {
        Punctuation(open == '(' ? "(" : "[");
        Placeholder(_nextPlaceholder++);
        Raw(QueryFingerprinter.CollapsedListMarker);
        Punctuation(close == ')' ? ")" : "]");
    }

    public void Raw(string text)
    {
        _text.Append(text);
        _afterIdentifier = false;
    }

    public override string ToString() => _text.ToString();

    private static Dictionary<int, int> ResetParameterNumbers()
    {
        var numbers = _parameterNumbers ??= [];
        numbers.Clear();
        return numbers;
    }

    private int ParameterPlaceholder(string sql, SqlToken token)
    {
        // $0, or a number too long to be a real parameter, is only ever one occurrence.
        if (positional || token.Length > 10 || !int.TryParse(sql.AsSpan(token.Start + 1, token.Length - 1), out var number) || number == 0)
        {
            return _nextPlaceholder++;
        }

        if (!_parameters.TryGetValue(number, out var placeholder))
        {
            placeholder = _nextPlaceholder++;
            _parameters[number] = placeholder;
        }

        return placeholder;
    }

    private void Placeholder(int number)
    {
        Space();
        _text.Append('$').Append(number);
        _noSpaceBeforeNext = false;
        _afterIdentifier = false;
    }

    private void Word(ReadOnlySpan<char> word, WordCase wordCase, bool isIdentifier)
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

    private void Punctuation(ReadOnlySpan<char> symbol)
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

    private void Space()
    {
        if (!_noSpaceBeforeNext)
        {
            _text.Append(' ');
        }
    }
}
