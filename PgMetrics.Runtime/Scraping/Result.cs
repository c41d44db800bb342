namespace PgMetrics.Runtime.Scraping;

/// <summary>Either a value or the <see cref="ScrapeError"/> that prevented it; expected failures are not exceptions.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, ScrapeError? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>Whether there is a value.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The failure, when there is no value.</summary>
    public ScrapeError? Error { get; }

    /// <summary>The value; throws when the result is a failure.</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException("The result is a failure: " + Error);

    /// <summary>A successful result.</summary>
    public static Result<T> Success(T value) => new(value, null);

    /// <summary>A failed result.</summary>
    public static Result<T> Failure(ScrapeError error) => new(default, error);

    /// <summary>Makes a value a successful result.</summary>
    public static implicit operator Result<T>(T value) => Success(value);

    /// <summary>Makes an error a failed result.</summary>
    public static implicit operator Result<T>(ScrapeError error) => Failure(error);
}
