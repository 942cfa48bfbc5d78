using Florascope.Data.Observations;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Observatory;

/// <summary>GET /api/stats and /api/stats/taxa/{name}: public JSON, and every bad parameter refused with the error body.</summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class StatsApiTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTime Utc(int y, int m, int d) => new(y, m, d, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task StatisticsArePublicAndCountPublicPositions()
    {
        using var author = await fixture.NewUserAsync("stats");
        await fixture.WithDbAsync(async db =>
        {
            db.Observations.AddRange(
                new Observation { AuthorId = author.UserId, ObservedUtc = Utc(2040, 4, 2), TaxonName = "Ranunculus acris", IsValid = true, Project = "weurope",
                    Latitude = 48.1, Longitude = 2.1, PublicLatitude = 48.1, PublicLongitude = 2.1, CreatedUtc = Utc(2040, 4, 2), UpdatedUtc = Utc(2040, 4, 2) },
                new Observation { AuthorId = author.UserId, ObservedUtc = Utc(2040, 5, 2), TaxonName = "Ranunculus acris", Project = "weurope",
                    Latitude = 48.1, Longitude = 2.1, PublicLatitude = 49.5, PublicLongitude = 3.5, CreatedUtc = Utc(2040, 5, 2), UpdatedUtc = Utc(2040, 5, 2) });
            return await db.SaveChangesAsync(Ct);
        });

        var anonymous = fixture.NewClient().Http;
        var overview = await anonymous.GetJsonAsync("api/stats?from=2040-01-01&to=2040-12-31&project=weurope&top=5");
        Assert.Equal("weurope", overview["project"]!.GetValue<string>());
        Assert.Equal([4, 5], overview["monthly"]!.AsArray().Select(m => m!["month"]!.GetValue<int>()));
        Assert.Equal([1, 1], overview["monthly"]!.AsArray().Select(m => m!["contributors"]!.GetValue<int>()));
        Assert.Equal("Ranunculus acris", overview["topTaxa"]![0]!["taxonName"]!.GetValue<string>());
        Assert.Equal(1, overview["topTaxa"]![0]!["valid"]!.GetValue<int>());
        Assert.Equal(2, overview["projects"]![0]!["observations"]!.GetValue<int>());

        var taxon = await anonymous.GetJsonAsync("api/stats/taxa/ranunculus%20acris?from=2040-01-01&to=2040-12-31&cell=1");
        Assert.Equal("Ranunculus acris", taxon["taxonName"]!.GetValue<string>());
        var cells = taxon["distribution"]!.AsArray().Select(c => (c!["south"]!.GetValue<double>(), c["west"]!.GetValue<double>())).Order().ToList();
        // The obscured observation is counted at its public point (49.5, 3.5), never at its true one (48.1, 2.1).
        Assert.Equal([(48.0, 2.0), (49.0, 3.0)], cells);
        Assert.Equal(12, taxon["phenology"]!.AsArray().Count);
        Assert.Equal(1, taxon["phenology"]![3]!["observations"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("api/stats?from=2026-02-30", 400)]
    [InlineData("api/stats?from=yesterday", 400)]
    [InlineData("api/stats?from=2026-03-01&to=2026-02-01", 400)]
    [InlineData("api/stats?top=0", 400)]
    [InlineData("api/stats?top=101", 400)]
    [InlineData("api/stats?top=ten", 400)]
    [InlineData("api/stats?project=atlantis", 404)]
    [InlineData("api/stats/taxa/Nonexistus%20plantus", 404)]
    [InlineData("api/stats/taxa/Ranunculus%20acris?cell=0.01", 400)]
    [InlineData("api/stats/taxa/Ranunculus%20acris?cell=20", 400)]
    [InlineData("api/stats/taxa/Ranunculus%20acris?cell=NaN", 400)]
    [InlineData("api/stats/taxa/Ranunculus%20acris?cell=abc", 400)]
    [InlineData("api/stats/taxa/Ranunculus%20acris?to=2026-1-1", 400)]
    [InlineData("api/stats/taxa/Ranunculus%20acris?project=atlantis", 404)]
    public async Task BadParametersAreRefusedWithTheErrorBody(string url, int status)
    {
        using var response = await fixture.NewClient().Http.GetAsync(url, Ct);
        await response.ErrorAsync(status);
    }
}
