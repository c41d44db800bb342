using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace PgMetrics.Metadata.Model;

/// <summary>
/// An immutable array compared by its elements, so models that hold lists stay equatable and the
/// generator's incremental pipeline can tell an unchanged model from a changed one (the type
/// System.Text.Json's generator uses for the same purpose).
/// </summary>
/// <typeparam name="T">The element type, compared with its own <see cref="IEquatable{T}"/>.</typeparam>
public sealed class ImmutableEquatableArray<T> : IEquatable<ImmutableEquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    private readonly T[] _items;

    /// <summary>Copies <paramref name="items"/> into a new array.</summary>
    public ImmutableEquatableArray(IEnumerable<T> items) => _items = items.ToArray();

    /// <summary>The array with no elements.</summary>
    public static ImmutableEquatableArray<T> Empty { get; } = new(Array.Empty<T>());

    /// <summary>The number of elements.</summary>
    public int Count => _items.Length;

    /// <summary>The element at <paramref name="index"/>; throws <see cref="IndexOutOfRangeException"/> outside [0, <see cref="Count"/>).</summary>
    public T this[int index] => _items[index];

    /// <summary>Whether both arrays hold equal elements in the same order.</summary>
    public bool Equals(ImmutableEquatableArray<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._items.Length != _items.Length)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < _items.Length; i++)
        {
            if (!comparer.Equals(_items[i], other._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ImmutableEquatableArray<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = 17;
        foreach (var item in _items)
        {
            hash = unchecked((hash * 31) + (item is null ? 0 : item.GetHashCode()));
        }

        return hash;
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}

/// <summary>Creates <see cref="ImmutableEquatableArray{T}"/>s.</summary>
public static class ImmutableEquatableArray
{
    /// <summary>Copies <paramref name="items"/> into an equatable array.</summary>
    public static ImmutableEquatableArray<T> ToImmutableEquatableArray<T>(this IEnumerable<T> items)
        where T : IEquatable<T> => new(items);
}
