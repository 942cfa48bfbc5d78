using System.Text.Json;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Cli;

[Trait("Category", "Slow")]
public sealed class EvaluateCliTests
{
    /// <summary>Copies the first photos of a val taxon into <paramref name="dir"/>/<paramref name="folder"/>.</summary>
    private static void CopyPhotos(string dir, string taxonFolder, string folder, int count)
    {
        var target = Directory.CreateDirectory(Path.Combine(dir, folder)).FullName;
        foreach (var photo in RepoPaths.ValPhotosOf(taxonFolder).Take(count))
            File.Copy(photo, Path.Combine(target, Path.GetFileName(photo)));
    }

    [Fact]
    public async Task UnknownTaxonFolderIsListed()
    {
        CliAssert.BundleExists();
        using var data = new TempDirectory();
        CopyPhotos(data.Path, "Rosa", "Rosa", 1);
        CopyPhotos(data.Path, "Tulipa", "Quercus_imaginaria", 1);

        var r = await CliProcess.RunAsync("evaluate", "--data", data.Path);

        var line = CliAssert.OneLineError(r);
        Assert.Contains("Quercus_imaginaria", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Rosa", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateJsonOnASmallFolder()
    {
        CliAssert.BundleExists();
        using var data = new TempDirectory();
        using var cache = new TempDirectory();
        // Folder names as people type them: any case, spaces instead of underscores.
        CopyPhotos(data.Path, "Rosa", "ROSA", 2);
        CopyPhotos(data.Path, "Helianthus_annuus", "helianthus  Annuus", 2);
        CopyPhotos(data.Path, "Iris_×_germanica", "iris × GERMANICA", 2);

        var r = await CliProcess.RunAsync("evaluate", "--data", data.Path, "--json", "--cache", cache.Path);

        CliAssert.Ok(r);
        using var doc = JsonDocument.Parse(r.StdOut); // exactly one JSON object, nothing else on stdout
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(6, root.GetProperty("n").GetInt32());
        foreach (var key in new[] { "top1", "top5", "mrr", "macroTop1", "macroTop5", "macroMrr", "ece", "plantRejected" })
            Assert.InRange(root.GetProperty(key).GetDouble(), 0, 1);
        Assert.True(root.TryGetProperty("nonPlantAccepted", out var accepted));
        Assert.Equal(JsonValueKind.Null, accepted.ValueKind); // no --non-plants given
        Assert.True(root.GetProperty("top5").GetDouble() >= root.GetProperty("top1").GetDouble());
        Assert.InRange(root.GetProperty("mrr").GetDouble(), root.GetProperty("top1").GetDouble(), root.GetProperty("top5").GetDouble() + 1e-9);
        // Two photos per taxon: macro and micro averages coincide.
        Assert.Equal(root.GetProperty("top1").GetDouble(), root.GetProperty("macroTop1").GetDouble(), 1e-9);
        Assert.Equal(root.GetProperty("mrr").GetDouble(), root.GetProperty("macroMrr").GetDouble(), 1e-9);
    }

    [Fact]
    public async Task EvaluateWithNonPlantsReportsAcceptance()
    {
        CliAssert.BundleExists();
        using var data = new TempDirectory();
        using var nonPlants = new TempDirectory();
        using var cache = new TempDirectory();
        CopyPhotos(data.Path, "Tulipa", "Tulipa", 1);
        foreach (var photo in Directory.GetFiles(RepoPaths.NonPlantsVal, "*.jpg").Order(StringComparer.Ordinal).Take(2))
            File.Copy(photo, Path.Combine(nonPlants.Path, Path.GetFileName(photo)));

        var r = await CliProcess.RunAsync("evaluate", "--data", data.Path, "--non-plants", nonPlants.Path, "--json", "--cache", cache.Path, "--project", "weurope");

        CliAssert.Ok(r);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal(1, doc.RootElement.GetProperty("n").GetInt32());
        Assert.InRange(doc.RootElement.GetProperty("nonPlantAccepted").GetDouble(), 0, 1);
        Assert.Equal(2, doc.RootElement.GetProperty("nonPlants").GetInt32());
        Assert.Equal("weurope", doc.RootElement.GetProperty("project").GetString());
    }

    [Fact]
    public async Task EvaluateUnknownProjectIsRefused()
    {
        CliAssert.BundleExists();
        using var data = new TempDirectory();
        CopyPhotos(data.Path, "Rosa", "Rosa", 1);
        var r = await CliProcess.RunAsync("evaluate", "--data", data.Path, "--project", "mars");
        Assert.Contains("Unknown project 'mars'", CliAssert.OneLineError(r), StringComparison.Ordinal);
    }
}
