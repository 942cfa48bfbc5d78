namespace Florascope.Paging;

/// <summary>
/// A page of a list, numbered from 1. The offset is computed in 64 bits: page 21474838 of 100
/// lies past any list, it must not wrap around to the first page.
/// </summary>
public readonly record struct PageRequest(int Number, int Size)
{
    /// <summary>Rows before this page.</summary>
    public long Offset => ((long)Number - 1) * Size;

    /// <summary>
    /// Whether the page starts beyond anything a list can hold (Skip and SQL OFFSET take an int): such
    /// a request is refused (400) rather than wrapped or silently emptied.
    /// </summary>
    public bool IsPastAnyList => Offset > int.MaxValue;

    /// <summary>The message of that refusal.</summary>
    public const string PastAnyListMessage = "page x pageSize is beyond any list (it must stay under 2^31 rows).";

    /// <summary>This page of an in-memory list.</summary>
    public IEnumerable<T> Of<T>(IEnumerable<T> items) => IsPastAnyList ? [] : items.Skip((int)Offset).Take(Size);
}
