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

    private static string Describe(SurveyAggregate a) =>
        $"{a.Tiles} {a.MatchingTiles} {a.Uncovered:F6} " + string.Join("; ", a.Labels.Select(l => $"{l.Name} {l.Count} {l.Coverage:F6} {l.MaxScore:F6} {l.Reject}"));
}
