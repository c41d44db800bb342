using System.Globalization;
using System.Text;
using PgMetrics.Runtime.Queries;

namespace PgMetrics.Runtime.Tests.Queries;

/// <summary>
/// The fingerprinter's guarantees over generated input: it never throws, no literal of the input reaches
/// the output (also when the text is cut anywhere, as track_activity_query_size cuts it), normalizing
/// twice changes nothing, and the work it does grows linearly with the input, measured by its own step
/// count and by the bytes it allocates, never by the clock.
/// </summary>
public sealed class FingerprintPropertyTests
{
    // Secrets are unique per statement, start with a marker no template contains, and are compared
    // case-insensitively, since a word is shown in lower case.
    private const string SecretMarker = "qz";

    [Fact]
    public void Generated_statements_cut_anywhere_and_sprinkled_with_noise_never_leak_a_literal()
    {
        var random = new Random(20261125);
        for (var n = 0; n < 3_000; n++)
        {
            var secrets = new List<string>();
            var sql = GeneratedStatement(random, secrets);
            if (random.Next(4) == 0)
            {
                sql = sql[..random.Next(sql.Length + 1)];
            }

            var output = QueryFingerprinter.Fingerprint(sql, truncated: random.Next(2) == 0).NormalizedText;
            foreach (var secret in secrets)
            {
                // Any 6 characters of a literal that are still in the input must not be in the output.
                for (var start = 0; start + 6 <= secret.Length; start++)
                {
                    var piece = secret.Substring(start, 6);
                    Assert.False(
                        sql.Contains(piece, StringComparison.Ordinal) && output.Contains(piece, StringComparison.OrdinalIgnoreCase),
                        $"'{piece}' of a literal leaked from:\n{sql}\n→ {output}");
                }
            }
        }
    }

    [Fact]
    public void Normalizing_a_normalized_statement_changes_nothing()
    {
        var random = new Random(7_2026);
        for (var n = 0; n < 2_000; n++)
        {
            var normalized = QueryFingerprinter.Normalize(GeneratedStatement(random, []));
            Assert.Equal(normalized, QueryFingerprinter.Normalize(normalized));
        }
    }

    [Fact]
    public void Random_code_units_never_throw()
    {
        var random = new Random(7);
        const string alphabet = "'\"$-/*\\;()[],.:\n\t\u0000\u00ff\uffff€abEUNXuesc19.e&=<>+!@#?";
        for (var i = 0; i < 3_000; i++)
        {
            var chars = new char[random.Next(0, 300)];
            for (var c = 0; c < chars.Length; c++)
            {
                chars[c] = random.Next(3) == 0 ? (char)random.Next(0, 0xFFFF) : alphabet[random.Next(alphabet.Length)];
            }

            var input = new string(chars);
            _ = QueryFingerprinter.Fingerprint(input);
            _ = QueryFingerprinter.FingerprintActivity(input, 64);
        }
    }

    public static TheoryData<string, string> Shapes => new()
    {
        { "IN list that fails at its end", "SELECT * FROM t WHERE a IN ({0}, x)" },
        { "nested CASTs never closed", "SELECT {1}" },
        { "unary minus chains", "SELECT {2} 1" },
        { "nested unterminated comments", "SELECT 1 {3}" },
        { "VALUES rows of alternating shape", "INSERT INTO t VALUES {4}" },
        { "type modifiers never closed", "SELECT x::numeric({0}" },
        { "SET value lists", "SET search_path = {5}" },
        { "nested ARRAY brackets", "SELECT ARRAY{6}" },
        { "string continuations", "SELECT {7}" },
        { "distinct parameters", "SELECT {8}" },
        { "UESCAPE clauses", "SELECT {9}" },
        { "dollar signs", "SELECT {10}" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Work_and_allocation_grow_linearly_with_the_input(string shape, string template)
    {
        var (smallWork, smallBytes, smallLength) = Measure(template, 500);
        var (largeWork, largeBytes, largeLength) = Measure(template, 4_000);
        var growth = (double)largeLength / smallLength;

        // Linear means the ratio of work follows the ratio of lengths; a quadratic pass would show ~growth².
        Assert.True(largeWork <= growth * smallWork * 1.25 + 1_000, $"{shape}: work {smallWork} → {largeWork} for length {smallLength} → {largeLength}");
        Assert.True(largeBytes <= growth * smallBytes * 1.5 + 64_000, $"{shape}: allocated {smallBytes} → {largeBytes} bytes for length {smallLength} → {largeLength}");
    }

    private static (long Work, long Bytes, int Length) Measure(string template, int repeat)
    {
        string Repeat(string unit, string separator = "") => string.Join(separator, Enumerable.Repeat(unit, repeat));
        var sql = string.Format(
            CultureInfo.InvariantCulture,
            template,
            string.Join(", ", Enumerable.Range(1, repeat)),
            Repeat("CAST(") + "1",
            Repeat("- "),
            Repeat("/* "),
            Repeat("(1), (1, DEFAULT)", ", "),
            Repeat("a", ", "),
            Repeat("["),
            Repeat("'a'\n"),
            string.Join(", ", Enumerable.Range(1, repeat).Select(i => "$" + i.ToString(CultureInfo.InvariantCulture))),
            Repeat("U&'a' UESCAPE '!' UESCAPE "),
            Repeat("$a $a$ $"));

        // A first call warms the per-thread scratch lists, so both measurements allocate alike.
        QueryFingerprinter.Normalize(sql, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        QueryFingerprinter.Normalize(sql, out var work);
        return (work, GC.GetAllocatedBytesForCurrentThread() - before, sql.Length);
    }

    /// <summary>A statement built from clauses that hold every kind of literal, with noise between tokens and keyword case varied.</summary>
    private static string GeneratedStatement(Random random, List<string> secrets)
    {
        string Secret()
        {
            var secret = SecretMarker + random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture) + "xsecret";
            secrets.Add(secret);
            return secret;
        }

        string Number()
        {
            var number = random.NextInt64(1_000_000_000, 9_000_000_000).ToString(CultureInfo.InvariantCulture);
            secrets.Add(number);
            return number;
        }

        string Literal() => random.Next(16) switch
        {
            0 => $"'{Secret()}'",
            1 => $"E'{Secret()}\\n\\''",
            2 => $"$${Secret()}$$",
            3 => $"$q${Secret()} $$ $q$",
            4 => $"U&'{Secret()}' UESCAPE '!'",
            5 => $"N'{Secret()}'",
            6 => $"'{Secret()}'\n  '{Secret()}'",
            7 => $"DATE '{Secret()}'",
            8 => $"'{Secret()}'::varchar(20)",
            9 => Number(),
            10 => "- " + Number(),
            11 => Number() + ".5e3",
            12 => $"X'{Number()}'",
            13 => $"CAST('{Secret()}' AS text)",
            14 => $"'it''s {Secret()}'",
            _ => $"interval '{Number()} days'",
        };

        string List() => string.Join(", ", Enumerable.Range(0, random.Next(1, 5)).Select(_ => Literal()));

        string[] clauses =
        [
            "SELECT * FROM t WHERE a = {0} AND b IN ( {1} ) OR c = ANY ( ARRAY[ {1} ] )",
            "UPDATE accounts SET note = {0} , flag = true WHERE id = $1 AND ts > now() - {0}",
            "INSERT INTO t (a, b) VALUES ( {0} , DEFAULT ) , ( {0} , {0} ) RETURNING id",
            "SELECT extract( year FROM ts ) , {0} /* {0} */ -- {0}\n FROM t LIMIT {0}",
            "SET application_name = {0}",
            "SELECT coalesce( a , {0} ) FROM t WHERE b IS NOT NULL AND c = {0} ::numeric(10,2)",
        ];

        // Noise and case changes only between the template's tokens, so every literal stays a literal as PostgreSQL lexes it.
        string[] noise = [" /* c */ ", "\n", "\t", " -- c\n", " ( ", " ) ", " , ", " :: ", " - ", " ; ", " UESCAPE ", " IN ", " ARRAY [ ", " [ "];
        var text = new StringBuilder();
        foreach (var part in clauses[random.Next(clauses.Length)].Split(' '))
        {
            text.Append(random.Next(8) == 0 ? noise[random.Next(noise.Length)] : " ");
            text.Append(part switch
            {
                "{0}" => Literal(),
                "{1}" => List(),
                _ when part.Contains('{', StringComparison.Ordinal) => string.Format(CultureInfo.InvariantCulture, part, Literal()),
                _ => random.Next(2) == 0 ? part.ToUpperInvariant() : part,
            });
        }

        return text.ToString();
    }
}
