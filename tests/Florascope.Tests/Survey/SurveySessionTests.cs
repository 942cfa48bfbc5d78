using Florascope.Bundles;
using Florascope.Identification;
using Florascope.Survey;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Survey;

/// <summary>The survey run chunk by chunk, its genus, family and organ levels, and project best, on the real network and demo model.</summary>
public sealed class SurveySessionTests(BackboneFixture fixture)
{
    private static readonly Lazy<ModelBundle> Bundle = new(() => ModelBundle.Load(RepoPaths.ModelBundle));

    private IdentificationEngine Engine => new(Bundle.Value, fixture.Embedder);

    [Fact]
    public void ASessionRunChunkByChunkGivesWhatRunGivesWithGeneraFamiliesAndOrgans()
    {
        var engine = Engine;
        var request = new SurveyRequest(SurveyPlots.Mosaic(600));
        using var session = SurveySession.Start(engine, request);
        Assert.Equal((1200, 1200), (session.Width, session.Height));
        Assert.Equal(SurveyTiling.Tiles(1200, 1200, new TilingSettings()), session.Tiles);
        Assert.Equal(SurveyCost.Units(session.Tiles.Count), session.Units);
        Assert.Throws<InvalidOperationException>(() => session.Finish());
        for (var i = session.Chunks - 1; i >= 0; i--) session.RunChunk(i);
        var chunked = session.Finish();
        var whole = SurveyEngine.Run(engine, request);

        Assert.Equal(Describe(whole.Species), Describe(chunked.Species));
        Assert.Equal(Describe(whole.Genus), Describe(chunked.Genus));
        Assert.Equal(Describe(whole.Family), Describe(chunked.Family));
        Assert.Equal("all", chunked.Project);

        var checklist = Bundle.Value.Checklist;
        var kept = chunked.Species.Labels.Where(l => l.Reject is null).ToList();
        Assert.NotEmpty(kept);
        // Each kept species's genus and family are found too, in at least as many windows (a group sums its species).
        foreach (var species in kept)
        {
            var taxon = checklist.Taxa[checklist.IndexOf(species.Name)];
            Assert.True(chunked.Genus.Labels.Single(g => g.Name == taxon.Genus).Count >= species.Count, taxon.Genus);
            Assert.True(chunked.Family.Labels.Single(f => f.Name == taxon.Family).Count >= species.Count, taxon.Family);
        }
        Assert.All(chunked.Genus.Labels, g => Assert.Contains(checklist.Taxa, t => t.Genus == g.Name));
        Assert.All(chunked.Family.Labels, f => Assert.Contains(checklist.Taxa, t => t.Family == f.Name));
        // Every location names the organ the model sees in its window.
        Assert.All(chunked.Species.Labels.SelectMany(l => l.Locations), l => Assert.Contains(l.Organ, Bundle.Value.Manifest.OrganLabels));
    }

    [Fact]
    public void WindowScoresCarryTheTopGeneraAndFamiliesSummedOverTheProject()
    {
        var engine = Engine;
        var photo = Florascope.Imaging.ImageDecoder.Prepare(File.ReadAllBytes(RepoPaths.ValPhotosOf("Helianthus_annuus")[0]));
        var all = engine.ScoreWindows([photo], "all", top: 200).Single();
        var top3 = engine.ScoreWindows([photo], "all", top: 3).Single();
        var taxa = Bundle.Value.Checklist.Taxa;
        // A genus's score is the sum of its taxa's: computed from every taxon's score.
        var genera = all.Taxa.GroupBy(t => taxa[t.Taxon].Genus).Select(g => (g.Key, g.Sum(t => t.Score))).OrderByDescending(g => g.Item2).Take(3).ToList();
        Assert.Equal(genera.Select(g => g.Key), top3.Genera.Select(g => g.Name));
        Assert.All(genera.Zip(top3.Genera), p => Assert.Equal(p.First.Item2, p.Second.Score, 5));
        Assert.Equal(3, top3.Families.Length);
        Assert.True(top3.Families[0].Score >= top3.Genera[0].Score - 1e-9);
        Assert.Contains(top3.Organ, Bundle.Value.Manifest.OrganLabels);
    }

    [Fact]
    public void ProjectBestRunsTheSurveyInTheChosenFloraAndIdentifyNamesIt()
    {
        var engine = Engine;
        // Species of western Europe only: the flora that holds them is chosen, and the survey runs in it.
        string[] european = ["Ranunculus_acris", "Leucanthemum_vulgare", "Tussilago_farfara", "Fritillaria_meleagris"];
        var result = SurveyEngine.Run(engine, new SurveyRequest(SurveyPlots.Mosaic(500, european), ProjectChoice.Best));
        Assert.Equal("weurope", result.Project);
        Assert.All(result.Species.Labels, l => Assert.True(Bundle.Value.Checklist.Taxa[Bundle.Value.Checklist.IndexOf(l.Name)].InProject("weurope"), l.Name));

        var identified = engine.Identify(new IdentifyRequest
        {
            Images = [new IdentifyImage(File.ReadAllBytes(RepoPaths.ValPhotosOf("Ranunculus_acris")[0]), "auto", null)],
            Project = ProjectChoice.Best,
        });
        Assert.Equal("weurope", identified.Project);
        Assert.All(identified.Results, r => Assert.True(r.Taxon.InProject("weurope")));
        Assert.Throws<IdentifyException>(() => SurveySession.Start(engine, new SurveyRequest(SurveyPlots.FourTaxa, "mars")));
    }

    [Fact]
    public void ASingleScaleSurveyOfTheFourTaxaKeepsItsSpecies()
    {
        // multi_scale=false: one window size, so the default rules do not ask for two (every species was dropped before).
        var request = new SurveyRequest(SurveyPlots.FourTaxa, Tiling: new TilingSettings { MultiScale = false });
        var result = SurveyEngine.Run(Engine, request);
        Assert.Equal(1, result.Species.Scales);
        var kept = Kept(result);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("; ", result.Species.Labels.Select(l => $"{l.Name} {l.Count} {l.MaxScore:F2} {l.Reject}")));
        Assert.True(SurveyPlots.Taxa.Count(kept.Contains) >= 3, $"kept {string.Join(", ", kept)}");
        Assert.DoesNotContain(result.Species.Labels, l => l.Reject == SurveyReject.OneScale);
    }

    [Fact]
    public void APhotoNoLargerThanTheTileKeepsItsPlant()
    {
        // 800 x 600 with the defaults: the short side is the tile size, so one size and two windows.
        var small = SurveyEngine.Run(Engine, new SurveyRequest(SurveyPlots.Photo("Helianthus_annuus", 800, 600)));
        Assert.Equal((2, 1), (small.Species.Tiles, small.Species.Scales));
        Assert.Contains("Helianthus_annuus", Kept(small));
        // 500 x 500: one window; its plant scores high there and is kept.
        var one = SurveyEngine.Run(Engine, new SurveyRequest(SurveyPlots.Photo("Helianthus_annuus", 500, 500)));
        Assert.Equal((1, 1), (one.Species.Tiles, one.Species.Scales));
        var plant = one.Species.Labels.Single(l => l.Name == "Helianthus annuus");
        Assert.True(plant.MaxScore >= SurveyRules.Default.MinMaxScore, $"score {plant.MaxScore}");
        Assert.Null(plant.Reject);
    }

    [Fact]
    public void FinishAggregatesOnlyTheLevelsAsked()
    {
        using var session = SurveySession.Start(Engine, new SurveyRequest(SurveyPlots.Mosaic(300)));
        for (var i = 0; i < session.Chunks; i++) session.RunChunk(i);
        var all = session.Finish();
        var speciesOnly = session.Finish(new SurveyLevels(Species: true));
        Assert.Equal(Describe(all.Species), Describe(speciesOnly.Species));
        Assert.NotEmpty(all.Genus.Labels);
        Assert.NotEmpty(all.Family.Labels);
        Assert.Empty(speciesOnly.Genus.Labels);
        Assert.Empty(speciesOnly.Family.Labels);
        Assert.Equal(all.Species.Tiles, speciesOnly.Genus.Tiles);
        var genus = session.Finish(new SurveyLevels(Species: false, Genus: true));
        Assert.Equal(Describe(all.Genus), Describe(genus.Genus));
        Assert.Empty(genus.Family.Labels);
        // The species aggregate always holds the answer's totals.
        Assert.Equal(Describe(all.Species), Describe(genus.Species));
    }

    private static HashSet<string> Kept(SurveyResult r) => [.. r.Species.Labels.Where(l => l.Reject is null).Select(l => l.Name.Replace(' ', '_'))];

    private static string Describe(SurveyAggregate a) =>
        $"{a.Tiles} {a.MatchingTiles} {a.Uncovered:F6} " + string.Join("; ", a.Labels.Select(l => $"{l.Name} {l.Count} {l.Coverage:F6} {l.MaxScore:F6} {l.Reject}"));
}
