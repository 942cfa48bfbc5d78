using Florascope.Species;
using Florascope.Taxonomy;

namespace Florascope.Tests.Species;

public sealed class SpeciesGalleryTests
{
    private static GalleryPhoto Observed(string organ, int id) =>
        new(organ, GalleryPhotoKind.Observation, $"/api/photos/{id}?size=s", $"/api/photos/{id}?size=m", "Alice", "cc-by", id, AuthorUserName: "alice");

    private static GalleryPhoto Reference(string organ, int n) =>
        new(organ, GalleryPhotoKind.Reference, $"/media/r{n}.jpg?size=s", $"/media/r{n}.jpg?size=m", "LeafSnap", "research use");

    [Theory]
    [InlineData("flower", "leaf", "flower")]
    [InlineData(null, "leaf", "leaf")]
    [InlineData(null, "auto", "other")]
    [InlineData(null, null, "other")]
    [InlineData("nonsense", "bark", "bark")]
    [InlineData(null, "habit", "habit")]
    public void TheVotedOrganWinsThenTheChosenOneElseOther(string? voted, string? chosen, string expected) =>
        Assert.Equal(expected, SpeciesGallery.OrganOf(voted, chosen));

    [Fact]
    public void OrgansComeInOrderWithObservationsBeforeReferences()
    {
        var photos = SpeciesGallery.Build([Observed("flower", 1), Observed("leaf", 2), Observed("auto", 3)], [Reference("leaf", 1), Reference("flower", 2)]);
        Assert.Equal(["leaf:Observation", "leaf:Reference", "flower:Observation", "flower:Reference", "other:Observation"],
            photos.Select(p => $"{p.Organ}:{p.Kind}"));
        Assert.Equal([2, null, 1, null, 3], photos.Select(p => p.ObservationId));
    }

    [Fact]
    public void EachOrganIsCappedAndObservationsKeepTheirPlaces()
    {
        var observed = Enumerable.Range(1, 3).Select(i => Observed("leaf", i));
        var references = Enumerable.Range(1, 5).Select(i => Reference("leaf", i));
        var photos = SpeciesGallery.Build(observed, references, perOrgan: 4);
        Assert.Equal([GalleryPhotoKind.Observation, GalleryPhotoKind.Observation, GalleryPhotoKind.Observation, GalleryPhotoKind.Reference],
            photos.Select(p => p.Kind));
        Assert.Equal(4, SpeciesGallery.Build([], references, perOrgan: 4).Count);
    }

    [Fact]
    public void APhotoIsShownOnceAndKindsStayInTheirLists()
    {
        // The same photo in two observations (stored once by its hash) is shown once; a reference passed
        // as an observation (or the reverse) is not taken for one.
        var photos = SpeciesGallery.Build([Observed("leaf", 1), Observed("leaf", 1), Reference("leaf", 9)], [Reference("leaf", 1), Observed("leaf", 7)]);
        Assert.Equal(["/api/photos/1?size=m", "/media/r1.jpg?size=m"], photos.Select(p => p.Medium));
    }

    [Fact]
    public void NoPhotosNoOrgans() => Assert.Empty(SpeciesGallery.Build([], []));

    [Fact]
    public void ReferencesAreShownUnderTheTaxonsDemoOrgan()
    {
        Assert.Equal("leaf", SpeciesGallery.ReferenceOrgan(new Taxon { ScientificNameWithoutAuthor = "Ginkgo biloba", DemoOrgan = "leaf" }));
        Assert.Equal("other", SpeciesGallery.ReferenceOrgan(new Taxon { ScientificNameWithoutAuthor = "Ginkgo biloba" }));
    }
}
