using Florascope.Time;

namespace Florascope.Tests.Time;

public sealed class UtcOffsetsTests
{
    [Theory]
    [InlineData(0, "+00:00")]
    [InlineData(120, "+02:00")]
    [InlineData(-330, "-05:30")]
    [InlineData(345, "+05:45")]
    [InlineData(-840, "-14:00")]
    [InlineData(840, "+14:00")]
    public void OffsetsAreWrittenTheIso8601Way(int minutes, string iso) => Assert.Equal(iso, UtcOffsets.ToIso(minutes));

    [Theory]
    [InlineData(-841, false)]
    [InlineData(-840, true)]
    [InlineData(0, true)]
    [InlineData(840, true)]
    [InlineData(841, false)]
    [InlineData(int.MinValue, false)]
    public void OffsetsStayWithinFourteenHours(int minutes, bool valid) => Assert.Equal(valid, UtcOffsets.IsValid(minutes));

    [Fact]
    public void TheLocalTimeKeepsTheInstantAndCarriesTheOffset()
    {
        var utc = new DateTime(2026, 4, 12, 8, 30, 0, DateTimeKind.Utc);
        var local = UtcOffsets.ToLocal(utc, 120);
        Assert.Equal("2026-04-12T10:30:00+02:00", local.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(utc, local.UtcDateTime);
        // Unspecified kinds (as some providers read them back) are taken as UTC, never as the server's zone.
        Assert.Equal(utc, UtcOffsets.ToLocal(DateTime.SpecifyKind(utc, DateTimeKind.Unspecified), -300).UtcDateTime);
    }
}
