using System.Text.Json.Nodes;
using Florascope.Data.Observations;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Species;

/// <summary>GET /api/taxa/{name} for the species page: synonyms, links, photos by organ with credits, similar species; bad input refused.</summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class SpeciesApiTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATaxonWithoutObservationsHasTheModelsReferencesAndLookAlikes()
    {
        var taxon = await fixture.NewClient().Http.GetJsonAsync("api/taxa/Ostrya%20virginiana?lang=fr");
        Assert.Equal("https://www.gbif.org/species/search?q=Ostrya%20virginiana", taxon["links"]!["gbif"]!.GetValue<string>());
        Assert.Equal("https://powo.science.kew.org/results?q=Ostrya%20virginiana", taxon["links"]!["powo"]!.GetValue<string>());
        Assert.NotNull(taxon["synonyms"]!.AsArray());
        var photos = taxon["photos"]!.AsArray();
        Assert.InRange(photos.Count, 1, Florascope.Species.SpeciesGallery.DefaultPerOrgan);
        Assert.All(photos, p =>
        {
            Assert.Equal("reference", p!["kind"]!.GetValue<string>());
            Assert.Equal("leaf", p["organ"]!.GetValue<string>());
            Assert.Equal("N. Kumar et al. (LeafSnap)", p["author"]!.GetValue<string>());
            Assert.Equal("research use (LeafSnap data set)", p["license"]!.GetValue<string>());
            Assert.StartsWith("/media/demo-flora/train/Ostrya_virginiana/", p["small"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.EndsWith("?size=s", p["small"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.EndsWith("?size=m", p["medium"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Null(p["observationId"]);
        });
        var similar = taxon["similar"]!.AsArray();
        Assert.Equal(Florascope.Species.SimilarTaxa.DefaultCount, similar.Count);
        Assert.All(similar, s =>
        {
            Assert.NotEqual("Ostrya virginiana", s!["name"]!.GetValue<string>());
            Assert.NotNull(s["similarity"]);
        });
        // Their names in the language asked for.
        var holly = similar.FirstOrDefault(s => s!["name"]!.GetValue<string>() == "Ilex opaca");
        if (holly is not null) Assert.Equal(["houx d'Amérique"], holly["commonNames"]!.AsArray().Select(n => n!.GetValue<string>()));

        // A served reference photo is one of the model's.
        using var media = await fixture.NewClient().Http.GetAsync(photos[0]!["small"]!.GetValue<string>().TrimStart('/'), Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, media.StatusCode);
    }

    [Fact]
    public async Task ValidObservationsPhotosComeFirstAndVotesNameLookAlikes()
    {
        using var author = await fixture.NewUserAsync("species");
        using var voter = await fixture.NewUserAsync("species");
        using var created = await author.CreateAsync([Photos.Plant("Halesia_tetraptera", 0), Photos.Plant("Halesia_tetraptera", 1), Photos.Plant("Halesia_tetraptera", 2)],
            ["leaf", "auto", "leaf"], [new("taxon", "Halesia tetraptera"), new("license", "cc-by-sa")]);
        var detail = await created.JsonAsync(System.Net.HttpStatusCode.Created);
        var id = detail["id"]!.GetValue<int>();
        var excluded = detail["photos"]![2]!["sha256"]!.GetValue<string>();
        using (var proposed = await voter.IdentifyAsync(id, "Morus rubra")) Assert.True(proposed.IsSuccessStatusCode);

        // Not valid (yet, or any more): only the model's references.
        await fixture.WithDbAsync(db => db.Observations.Where(o => o.Id == id).ExecuteUpdateAsync(s => s.SetProperty(o => o.IsValid, false).SetProperty(o => o.Status, "needs-votes"), Ct));
        var before = await fixture.NewClient().Http.GetJsonAsync("api/taxa/Halesia%20tetraptera");
        Assert.All(before["photos"]!.AsArray(), p => Assert.Equal("reference", p!["kind"]!.GetValue<string>()));

        await fixture.WithDbAsync(async db =>
        {
            await db.ObservationPhotos.Where(p => p.ObservationId == id && p.Sha256 == excluded).ExecuteUpdateAsync(s => s.SetProperty(p => p.ExcludedBecause, "poor-quality"), Ct);
            return await db.Observations.Where(o => o.Id == id).ExecuteUpdateAsync(s => s.SetProperty(o => o.TaxonName, "Halesia tetraptera")
                .SetProperty(o => o.IsValid, true).SetProperty(o => o.Status, "valid"), Ct);
        });
        var taxon = await fixture.NewClient().Http.GetJsonAsync("api/taxa/halesia_tetraptera?lang=de");
        Assert.Equal("Halesia tetraptera", taxon["name"]!.GetValue<string>());
        var photos = taxon["photos"]!.AsArray();
        var first = photos[0]!;
        Assert.Equal(("leaf", "observation", id), (first["organ"]!.GetValue<string>(), first["kind"]!.GetValue<string>(), first["observationId"]!.GetValue<int>()));
        Assert.Equal("cc-by-sa", first["license"]!.GetValue<string>());
        Assert.Equal(author.UserId, await UserIdOfAsync(first["authorUserName"]!.GetValue<string>()));
        Assert.Equal("reference", photos[1]!["kind"]!.GetValue<string>());
        // The photo of no stated organ is under "other"; the excluded one nowhere.
        var other = photos.Where(p => p!["organ"]!.GetValue<string>() == "other").ToList();
        Assert.Single(other);
        Assert.Equal("observation", other[0]!["kind"]!.GetValue<string>());
        Assert.DoesNotContain(photos, p => p!["medium"]!.GetValue<string>().Contains(excluded, StringComparison.Ordinal));
        Assert.Equal(["leaf", "other"], photos.Select(p => p!["organ"]!.GetValue<string>()).Distinct());

        var similar = taxon["similar"]!.AsArray();
        Assert.Equal("Morus rubra", similar[0]!["name"]!.GetValue<string>());
        Assert.Equal(1, similar[0]!["namedTogether"]!.GetValue<int>());
        Assert.Equal(["Rote Maulbeere"], similar[0]!["commonNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    private Task<int> UserIdOfAsync(string userName) => fixture.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync(Ct));

    [Theory]
    [InlineData("api/taxa/Nonexistus%20plantus", 404)]
    [InlineData("api/taxa/..%2F..%2Fetc%2Fpasswd", 404)]
    [InlineData("api/taxa/Ginkgo%20biloba?lang=xx", 400)]
    [InlineData("api/taxa/Ginkgo%20biloba?lang=%00", 400)]
    public async Task BadRequestsGetTheErrorBody(string url, int status)
    {
        var before = await fixture.CountsAsync();
        using var response = await fixture.NewClient().Http.GetAsync(url, Ct);
        await response.ErrorAsync(status);
        Assert.Equal(before, await fixture.CountsAsync());
    }
}
