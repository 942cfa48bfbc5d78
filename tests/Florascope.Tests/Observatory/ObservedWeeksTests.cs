using Florascope.Data.Observations;

namespace Florascope.Tests.Observatory;

/// <summary>The week numbers the map's date ranges are merged by on PostgreSQL (ObservationQueries.ObservedWeeks).</summary>
public sealed class ObservedWeeksTests
{
    private static DateTime Utc(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void WeeksAreCountedFromMonday3January2000()
    {
        Assert.Equal([0], ObservationQueries.ObservedWeeks(Utc(2000, 1, 3), Utc(2000, 1, 9, 23)));
        Assert.Equal([0, 1], ObservationQueries.ObservedWeeks(Utc(2000, 1, 9), Utc(2000, 1, 10)));
        // Before the anchor, truncated toward zero as PostgreSQL's integer division: the 6 days before share week 0.
        Assert.Equal([-1, 0], ObservationQueries.ObservedWeeks(Utc(1999, 12, 27), Utc(2000, 1, 3)));
        Assert.Equal([-2, -1], ObservationQueries.ObservedWeeks(Utc(1999, 12, 19), Utc(1999, 12, 26)));
    }

    [Fact]
    public void AMonthIsFiveOrSixWeeksInOrderAndADayIsOne()
    {
        var may = ObservationQueries.ObservedWeeks(Utc(2025, 5, 1), Utc(2025, 6, 1))!;
        Assert.InRange(may.Count, 5, 6);
        Assert.Equal(Enumerable.Range(may[0], may.Count), may);
        Assert.Single(ObservationQueries.ObservedWeeks(Utc(2025, 5, 1, 8), Utc(2025, 5, 1, 9))!);
    }

    [Fact]
    public void AnEmptyOrTooLongRangeIsNotMerged()
    {
        Assert.Null(ObservationQueries.ObservedWeeks(Utc(2025, 5, 2), Utc(2025, 5, 1)));
        Assert.Null(ObservationQueries.ObservedWeeks(Utc(2024, 1, 1), Utc(2025, 1, 1)));
        Assert.Null(ObservationQueries.ObservedWeeks(DateTime.MinValue, DateTime.MaxValue));
        var longest = ObservationQueries.ObservedWeeks(Utc(2025, 1, 6), Utc(2025, 1, 6).AddDays(7 * ObservationQueries.MaxMergedWeeks - 1))!;
        Assert.Equal(ObservationQueries.MaxMergedWeeks, longest.Count);
    }
}
