using Florascope.Data.Privacy;

namespace Florascope.Tests.Privacy;

/// <summary>The public-position rule, worked by hand.</summary>
public sealed class PublicPositionTests
{
    private static readonly GeoPosition Point = new(45.123456, 6.654321, 12);

    private static (double, double) Fixed((int Row, int Column) _) => (0.25, 0.75);

    [Theory]
    [InlineData(Geoprivacy.Open, false, Geoprivacy.Open)]
    [InlineData(Geoprivacy.Open, true, Geoprivacy.Obscured)]
    [InlineData(Geoprivacy.Obscured, false, Geoprivacy.Obscured)]
    [InlineData(Geoprivacy.Obscured, true, Geoprivacy.Obscured)]
    [InlineData(Geoprivacy.Private, false, Geoprivacy.Private)]
    [InlineData(Geoprivacy.Private, true, Geoprivacy.Private)]
    public void AThreatenedTaxonObscuresAnOpenPositionAndNeverRevealsAPrivateOne(Geoprivacy chosen, bool threatened, Geoprivacy expected) =>
        Assert.Equal(expected, PublicPosition.Effective(chosen, threatened));

    [Fact]
    public void OpenIsTheTruePositionAndPrivateIsNone()
    {
        Assert.Equal(Point, PublicPosition.Of(Point, Geoprivacy.Open, Fixed));
        Assert.Null(PublicPosition.Of(Point, Geoprivacy.Private, Fixed));
        Assert.Null(PublicPosition.Of(null, Geoprivacy.Obscured, Fixed));
    }

    [Fact]
    public void ObscuredIsThePointOfItsCellAtTheKeyedOffset()
    {
        // 45.123456 is in the cell 45.0..45.2 (row (45 + 90) * 5 = 675); 6.654321 in 6.6..6.8 (column 933).
        Assert.Equal((675, 933), PublicPosition.CellOf(Point.Latitude, Point.Longitude));
        var p = PublicPosition.Of(Point, Geoprivacy.Obscured, Fixed)!.Value;
        Assert.Equal(45.05, p.Latitude, 9);
        Assert.Equal(6.75, p.Longitude, 9);
        // The cell's diagonal at 45 degrees (its southern, wider edge): sqrt(22264^2 + (22264 cos 45)^2) = 27267 m.
        Assert.Equal(27_268, p.UncertaintyMeters);
    }

    [Fact]
    public void EveryPointOfACellHasTheSamePublicPoint()
    {
        var key = new GeoprivacyKey(new byte[32]);
        var a = PublicPosition.Of(new GeoPosition(45.01, 6.61, 5), Geoprivacy.Obscured, key.CellOffset)!.Value;
        var b = PublicPosition.Of(new GeoPosition(45.19, 6.79, 5), Geoprivacy.Obscured, key.CellOffset)!.Value;
        var c = PublicPosition.Of(new GeoPosition(45.21, 6.79, 5), Geoprivacy.Obscured, key.CellOffset)!.Value;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.InRange(a.Latitude, 45.0, 45.2);
        Assert.InRange(a.Longitude, 6.6, 6.8);
    }

    [Fact]
    public void ALargerTrueUncertaintyIsKept()
    {
        var p = PublicPosition.Of(Point with { UncertaintyMeters = 50_000 }, Geoprivacy.Obscured, Fixed)!.Value;
        Assert.Equal(50_000, p.UncertaintyMeters);
    }

    [Theory]
    [InlineData(90, 180)]
    [InlineData(-90, -180)]
    [InlineData(89.99, 179.99)]
    [InlineData(0, 0)]
    public void TheEdgesOfTheWorldStayInside(double latitude, double longitude)
    {
        var p = PublicPosition.Of(new GeoPosition(latitude, longitude, null), Geoprivacy.Obscured, _ => (0.999999, 0.999999))!.Value;
        Assert.InRange(p.Latitude, -90, 90);
        Assert.InRange(p.Longitude, -180, 180);
        Assert.True(Math.Abs(p.Latitude - latitude) <= PublicPosition.CellDegrees && Math.Abs(p.Longitude - longitude) <= PublicPosition.CellDegrees);
    }

    [Fact]
    public void TheDiagonalIsWidestAtTheEquator()
    {
        Assert.Equal(31_486, Math.Round(PublicPosition.CellDiagonalMeters(PublicPosition.CellOf(0.1, 0).Row)));
        Assert.True(PublicPosition.CellDiagonalMeters(PublicPosition.CellOf(60.1, 0).Row) < PublicPosition.CellDiagonalMeters(PublicPosition.CellOf(-30.1, 0).Row));
    }

    [Fact]
    public void KeyedOffsetsAreFixedFractionsThatDependOnTheKey()
    {
        var one = new GeoprivacyKey([.. Enumerable.Range(0, 32).Select(i => (byte)i)]);
        var other = new GeoprivacyKey([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
        Assert.Equal(one.CellOffset((675, 933)), one.CellOffset((675, 933)));
        Assert.NotEqual(one.CellOffset((675, 933)), other.CellOffset((675, 933)));
        Assert.NotEqual(one.CellOffset((675, 933)), one.CellOffset((675, 934)));
        for (var row = 0; row < 50; row++)
        {
            var (u, v) = one.CellOffset((row, row * 7));
            Assert.InRange(u, 0, 0.9999999999);
            Assert.InRange(v, 0, 0.9999999999);
        }
        Assert.Throws<ArgumentException>(() => new GeoprivacyKey(new byte[8]));
    }

    [Theory]
    [InlineData("CR", true)]
    [InlineData("en", true)]
    [InlineData("VU", true)]
    [InlineData("NT", true)]
    [InlineData("EW", true)]
    [InlineData("EX", true)]
    [InlineData("LC", false)]
    [InlineData("DD", false)]
    [InlineData("NE", false)]
    public void NearThreatenedAndWorseObscure(string code, bool obscures)
    {
        Assert.Equal(obscures, IucnCategories.Obscures(IucnCategories.Parse(code)!.Value));
        Assert.Equal(obscures, IucnCategories.ObscuringCodes.Contains(code.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("VUL")]
    public void UnknownCategoriesAreRefused(string? code) => Assert.Null(IucnCategories.Parse(code));

    [Theory]
    [InlineData("open", Geoprivacy.Open)]
    [InlineData("Obscured", Geoprivacy.Obscured)]
    [InlineData("PRIVATE", Geoprivacy.Private)]
    [InlineData("1", null)]
    [InlineData("hidden", null)]
    [InlineData("open,private", null)]
    [InlineData(" private ", Geoprivacy.Private)]
    [InlineData("", null)]
    public void GeoprivacyTravelsAsItsName(string text, Geoprivacy? expected) => Assert.Equal(expected, GeoprivacyText.Parse(text));

    [Fact]
    public void AThreatStatusFileIsReadLineByLine()
    {
        var entries = ThreatStatusStore.ParseTsv(new StringReader(
            "# comment\nscientificName\tcategory\tsource\nFritillaria_meleagris \tvu\tdemo\n\nAcer  campestre\tLC\n"));
        Assert.Equal([new("Fritillaria meleagris", IucnCategory.VU, "demo"), new("Acer campestre", IucnCategory.LC, null)], entries);
        var bad = Assert.Throws<ThreatStatusException>(() => ThreatStatusStore.ParseTsv(new StringReader("scientificName\tcategory\nRosa\tZZ\n")));
        Assert.StartsWith("Line 2:", bad.Message);
        Assert.Throws<ThreatStatusException>(() => ThreatStatusStore.ParseTsv(new StringReader("Rosa\n")));
        Assert.Throws<ThreatStatusException>(() => ThreatStatusStore.NormalizeName("  _ "));
    }

    [Fact]
    public void TheShippedDemoFileParses()
    {
        using var reader = new StreamReader(Path.Combine(TestSupport.RepoPaths.Data, "threat-statuses.tsv"));
        var entries = ThreatStatusStore.ParseTsv(reader);
        Assert.Contains(entries, e => e.ScientificName == "Fritillaria meleagris" && IucnCategories.Obscures(e.Category));
    }
}
