using System.Text;
using BenchmarkDotNet.Attributes;
using PgMetrics.Runtime.Queries;

namespace PgMetrics.Benchmarks;

/// <summary>
/// Fingerprinting throughput on a mix of short statements and 10 KB ones (a long IN list, a wide
/// multi-row INSERT). MB/s = total input bytes / mean time; allocation is per call of the whole mix.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class FingerprintBenchmarks
{
    private string[] _statements = [];

    [GlobalSetup]
    public void Setup()
    {
        var shortOnes = new[]
        {
            "SELECT * FROM orders WHERE id = 42",
            "UPDATE accounts SET balance = balance - 100.50 WHERE id = 7 AND owner = 'alice'",
            "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer WHERE o.placed > now() - interval '1 day' ORDER BY o.id LIMIT 50",
            "INSERT INTO audit (at, who, what) VALUES (now(), 'bob', E'login\\nok')",
        };
        var inList = new StringBuilder("SELECT * FROM items WHERE id IN (");
        for (var i = 0; inList.Length < 10_000; i++)
        {
            inList.Append(i).Append(", ");
        }

        inList.Append("0)");
        var insert = new StringBuilder("INSERT INTO events (id, kind, payload) VALUES ");
        for (var i = 0; insert.Length < 10_000; i++)
        {
            insert.Append('(').Append(i).Append(", 'click', '{\"x\": ").Append(i).Append("}'), ");
        }

        insert.Append("(0, 'end', '{}')");
        _statements = [.. shortOnes, .. shortOnes, inList.ToString(), insert.ToString()];
        var bytes = _statements.Sum(s => Encoding.UTF8.GetByteCount(s));
        Console.WriteLine($"// input per operation: {_statements.Length} statements, {bytes} bytes");
    }

    [Benchmark(Description = "fingerprint 8 short + 2 x 10 KB statements")]
    public ulong FingerprintMix()
    {
        ulong combined = 0;
        foreach (var statement in _statements)
        {
            combined ^= QueryFingerprinter.Fingerprint(statement).Value;
        }

        return combined;
    }
}
