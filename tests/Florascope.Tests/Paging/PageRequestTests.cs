using Florascope.Geography;
using Florascope.Paging;

namespace Florascope.Tests.Paging;

/// <summary>Page offsets in 64 bits (page=21474838 used to wrap to the first page) and coordinates that refuse NaN.</summary>
public sealed class PageRequestTests
{
    [Fact]
    public void APageIsASliceOfTheList()
    {
        var items = Enumerable.Range(0, 23).ToList();
        Assert.Equal([5, 6, 7, 8, 9], new PageRequest(2, 5).Of(items));
        Assert.Equal([20, 21, 22], new PageRequest(5, 5).Of(items));
        Assert.Empty(new PageRequest(6, 5).Of(items));
        Assert.Equal(0, new PageRequest(1, 1000).Offset);
    }

    [Theory]
    [InlineData(21474838, 100)]
    [InlineData(21474838, 1000)]
    [InlineData(int.MaxValue, 1000)]
    [InlineData(int.MaxValue, 2)]
    public void AHugePageIsPastTheEndNeverTheFirstPage(int page, int size)
    {
        var request = new PageRequest(page, size);
        Assert.Equal(((long)page - 1) * size, request.Offset);
        Assert.True(request.Offset > 0);
        Assert.True(request.IsPastAnyList);
        Assert.Empty(request.Of(Enumerable.Range(0, 10)));
    }

    [Fact]
    public void TheLargestOffsetThatFitsIsStillAPage()
    {
        var request = new PageRequest(int.MaxValue, 1);
        Assert.Equal(int.MaxValue - 1L, request.Offset);
        Assert.False(request.IsPastAnyList);
    }

    [Theory]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    [InlineData(double.NegativeInfinity, false)]
    [InlineData(-90.0, true)]
    [InlineData(90.0, true)]
    [InlineData(90.0001, false)]
    [InlineData(0.0, true)]
    public void ALatitudeIsAFiniteNumberOfDegrees(double value, bool valid) => Assert.Equal(valid, WgsDegrees.IsLatitude(value));

    [Theory]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    [InlineData(-180.0, true)]
    [InlineData(180.0, true)]
    [InlineData(-180.5, false)]
    public void ALongitudeIsAFiniteNumberOfDegrees(double value, bool valid) => Assert.Equal(valid, WgsDegrees.IsLongitude(value));
}
