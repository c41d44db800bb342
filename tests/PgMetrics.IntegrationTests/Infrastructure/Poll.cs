namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// Waits for a condition on what a server reports rather than for a time: replication, statistics and
/// feedback arrive asynchronously. The deadline is generous and only bounds a test that would otherwise
/// hang; nothing is asserted about how long it took.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Runs <paramref name="probe"/> until <paramref name="accept"/> holds for its result, and returns that result.</summary>
    /// <exception cref="TimeoutException">The condition did not hold before the deadline; the message names it and shows the last result.</exception>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> accept, string condition, CancellationToken cancellationToken, Func<T, string>? describe = null)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var result = await probe();
            if (accept(result))
            {
                return result;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {Deadline.TotalSeconds} s for: {condition}; last seen: {(describe ?? (r => r?.ToString() ?? "null"))(result)}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }
}
