using Florascope.Web.OpenData;

namespace Florascope.Tests.OpenData;

public sealed class OpenDataOptionsTests
{
    [Fact]
    public void TheDefaultsAreValid() => new OpenDataOptions().Validate();

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(60)]
    [InlineData(OpenDataOptions.MaxRebuildMinutes)]
    public void RebuildPeriodsWithinBoundsAreValid(double minutes) => new OpenDataOptions { RebuildMinutes = minutes }.Validate();

    [Theory]
    [InlineData(-1)]
    [InlineData(0.001)]
    [InlineData(OpenDataOptions.MaxRebuildMinutes + 1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ABadRebuildPeriodIsAClearError(double minutes)
    {
        var e = Assert.Throws<ArgumentException>(() => new OpenDataOptions { RebuildMinutes = minutes }.Validate());
        Assert.Contains("Florascope:OpenData:RebuildMinutes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadMetadataIsAClearError()
    {
        Assert.Contains("Title", Assert.Throws<ArgumentException>(() => new OpenDataOptions { Title = " " }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("ContactEmail", Assert.Throws<ArgumentException>(() => new OpenDataOptions { ContactEmail = "not an address" }.Validate()).Message,
            StringComparison.Ordinal);
    }
}
