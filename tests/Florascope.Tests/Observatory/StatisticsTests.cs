using Florascope.Data.Observations;
using Florascope.Data.Statistics;

namespace Florascope.Tests.Observatory;

/// <summary>The pure parts of the statistics: the grid and the filters' checks.</summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(1, 45.5, 4.5, 135, 184)]
    [InlineData(1, -0.5, -0.5, 89, 179)]
    [InlineData(1, -90, -180, 0, 0)]
    [InlineData(1, 90, 180, 179, 359)]
    [InlineData(0.2, 90, 180, 899, 1799)]
    [InlineData(7, 90, 180, 25, 51)]
    public void CellsAreAnchoredAtTheSouthWestCorner(double size, double lat, double lon, int row, int column)
    {
        var grid = StatisticsGrid.Of(size);
        Assert.Equal(row, grid.Row(lat));
        Assert.Equal(column, grid.Column(lon));
        Assert.True(grid.SouthOf(row) <= lat && grid.WestOf(column) <= lon);
    }

    [Fact]
    public void CornersAreRoundNumbers()
    {
        var grid = StatisticsGrid.Of(0.2);
        Assert.Equal(48.8, grid.SouthOf(grid.Row(48.9)));
        Assert.Equal(2.2, grid.WestOf(grid.Column(2.35)));
        Assert.Equal(-0.2, grid.WestOf(grid.Column(-0.1)));
    }

    [Fact]
    public void TheDefaultCellIsOneDegree() => Assert.Equal(1, StatisticsGrid.Of(null).Size);

    [Theory]
    [InlineData(0.1)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ACellOutOfBoundsIsRefused(double size) =>
        Assert.Equal(ObservationError.Invalid, Assert.Throws<ObservationException>(() => StatisticsGrid.Of(size)).Kind);

    [Fact]
    public void FiltersCheckDatesAndFlora()
    {
        var checklist = StorageFixture.Checklist;
        var f = StatisticsFilter.Of(checklist, "weurope", "2026-01-01", "2026-01-31");
        Assert.Equal(new StatisticsFilter("weurope", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc)), f);
        Assert.Null(StatisticsFilter.Of(checklist, "all", null, null).Project);
        Assert.Equal(ObservationError.NotFound, Assert.Throws<ObservationException>(() => StatisticsFilter.Of(checklist, "atlantis", null, null)).Kind);
        Assert.Equal(ObservationError.Invalid, Assert.Throws<ObservationException>(() => StatisticsFilter.Of(checklist, null, "2026-13-01", null)).Kind);
        Assert.Equal(ObservationError.Invalid, Assert.Throws<ObservationException>(() => StatisticsFilter.Of(checklist, null, null, "yesterday")).Kind);
        Assert.Equal(ObservationError.Invalid, Assert.Throws<ObservationException>(() => StatisticsFilter.Of(checklist, null, "2026-02-01", "2026-01-31")).Kind);
        Assert.Equal(ObservationError.NotFound, Assert.Throws<ObservationException>(() => ObservatoryStatistics.TaxonOf(checklist, "Nonexistus plantus")).Kind);
        Assert.Equal("Taraxacum officinale", ObservatoryStatistics.TaxonOf(checklist, "taraxacum OFFICINALE"));
    }
}
