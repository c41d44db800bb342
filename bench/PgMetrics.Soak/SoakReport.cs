using System.Globalization;
using System.Text;

namespace PgMetrics.Soak;

/// <summary>One reading: seconds since start, resident MiB, CPU % of one core since the last reading, 1-minute load, OTLP requests so far.</summary>
internal readonly record struct Sample(double Seconds, double ResidentMegabytes, double CpuPercent, double Load, long Requests)
{
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Seconds,7:0} s  {ResidentMegabytes,7:0.0} MiB  {CpuPercent,6:0.0} % cpu  load {Load,5:0.00}  {Requests} requests");
}

/// <summary>Counts the collector's warning and error lines, keeping the first few.</summary>
internal sealed class ProblemCounter
{
    private readonly List<string> _first = [];

    public int Warnings { get; private set; }

    public int Errors { get; private set; }

    public IReadOnlyList<string> First => _first;

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_first)
        {
            var warning = line.Contains("warn:", StringComparison.Ordinal);
            var error = line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal);
            Warnings += warning ? 1 : 0;
            Errors += error ? 1 : 0;
            if ((warning || error) && _first.Count < 10)
            {
                _first.Add(line);
            }
        }
    }
}

/// <summary>The soak's Markdown report: the settings, the RSS series and its fitted slope after warm-up.</summary>
internal static class SoakReport
{
    public static string Write(SoakOptions options, IReadOnlyList<Sample> samples, ProblemCounter problems, string readiness, OtlpSink sink)
    {
        var text = new StringBuilder();
        var warmUp = Math.Max(60, options.Duration.TotalSeconds * 0.2);
        var steady = samples.Where(s => s.Seconds >= warmUp).ToList();
        var (slope, _) = Fit(steady);
        text.AppendLine(CultureInfo.InvariantCulture, $"## Soak: {options.Targets} targets, {options.Servers} servers (PostgreSQL {options.Major}), {options.Tables} tables per server, every {options.Interval.TotalSeconds:0.#} s, {options.Duration.TotalMinutes:0.#} min");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"collector: `{Path.GetFileName(options.Collector)}`, layout: {options.Layout}, memory_limiter: {(options.MemoryLimitMib > 0 ? $"limit_mib {options.MemoryLimitMib}" : "off")}, {Environment.ProcessorCount} cores, run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        if (samples.Count == 0)
        {
            text.AppendLine("No samples: the collector exited early.");
            return text.ToString();
        }

        text.AppendLine("| | value |");
        text.AppendLine("|---|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| RSS first sample / max / last | {samples[0].ResidentMegabytes:0.0} / {samples.Max(s => s.ResidentMegabytes):0.0} / {samples[^1].ResidentMegabytes:0.0} MiB |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| RSS slope after {warmUp:0} s warm-up (least squares) | {slope * 3600:+0.0;-0.0;0.0} MiB/hour |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| CPU, mean of samples | {samples.Average(s => s.CpuPercent):0.0} % of one core ({samples.Average(s => s.CpuPercent) * 10 / options.Targets:0.00} millicores per target) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| machine load (1 min), min / mean / max | {samples.Min(s => s.Load):0.0} / {samples.Average(s => s.Load):0.0} / {samples.Max(s => s.Load):0.0} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| OTLP requests / compressed MiB received | {sink.Requests} / {sink.Bytes / 1048576.0:0.0} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| collector warnings / errors logged | {problems.Warnings} / {problems.Errors} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| /readyz at the end | {readiness.Split('\n')[0]} |");
        text.AppendLine();
        text.AppendLine("| seconds | RSS MiB | CPU % | load |");
        text.AppendLine("|---:|---:|---:|---:|");
        var step = Math.Max(1, samples.Count / 30);
        for (var i = 0; i < samples.Count; i += step)
        {
            var s = samples[i];
            text.AppendLine(CultureInfo.InvariantCulture, $"| {s.Seconds:0} | {s.ResidentMegabytes:0.0} | {s.CpuPercent:0.0} | {s.Load:0.0} |");
        }

        if (problems.First.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("First problems logged:");
            text.AppendLine();
            foreach (var line in problems.First)
            {
                text.AppendLine("    " + line);
            }
        }

        return text.ToString();
    }

    /// <summary>Least-squares line through (seconds, MiB): slope in MiB per second, and intercept.</summary>
    private static (double Slope, double Intercept) Fit(IReadOnlyList<Sample> samples)
    {
        if (samples.Count < 2)
        {
            return (0, samples.Count == 1 ? samples[0].ResidentMegabytes : 0);
        }

        var meanX = samples.Average(s => s.Seconds);
        var meanY = samples.Average(s => s.ResidentMegabytes);
        var covariance = samples.Sum(s => (s.Seconds - meanX) * (s.ResidentMegabytes - meanY));
        var variance = samples.Sum(s => (s.Seconds - meanX) * (s.Seconds - meanX));
        var slope = variance == 0 ? 0 : covariance / variance;
        return (slope, meanY - slope * meanX);
    }
}
