using System.Text.Json;
using System.Text.Json.Serialization;
using Florascope.Learning;
using Florascope.Taxonomy;

namespace Florascope.Bundles;

public sealed record BackboneInfo
{
    public string Package { get; init; } = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public string PackageVersion { get; init; } = "0.23.1";
    public string File { get; init; } = "ResNet18Onnx/ResNet18.onnx";
    public required string Sha256 { get; init; }
}

/// <summary>How the bundle's heads are applied at identification time.</summary>
public sealed record InferenceSettings
{
    /// <summary>Views (symmetries of the square) run on every photo, batched in one network run.</summary>
    public int[] Views { get; init; } = [0];
    /// <summary>Views added when the first views leave the top score below <see cref="ExtraViewsBelow"/>.</summary>
    public int[] ExtraViews { get; init; } = [1, 2, 3, 4, 5];
    public float ExtraViewsBelow { get; init; } = 0.9f;
    /// <summary>Temperature applied to the per-photo taxon logits (fit on the validation split).</summary>
    public double Temperature { get; init; } = 1;
    /// <summary>An observation is "not a plant" when its mean plant score is below this.</summary>
    public float PlantThreshold { get; init; } = 0.5f;
    /// <summary>
    /// Weight of the nearest-neighbour margin in the plant score:
    /// score = sigmoid(logit(plant head) + weight x (mean top-k similarity to plants - to non-plants)).
    /// </summary>
    public float PlantKnnWeight { get; init; }
    public int PlantKnnK { get; init; } = 5;
    [JsonConverter(typeof(JsonStringEnumConverter<FusionRule>))]
    public FusionRule Fusion { get; init; } = FusionRule.Product;
}

public sealed record TrainingSummary
{
    public int Taxa { get; init; }
    public int TrainImages { get; init; }
    /// <summary>Photos of valid observations added to <see cref="TrainImages"/>' base data (`train --include-observations`).</summary>
    public int ObservationImages { get; init; }
    public int ValidationImages { get; init; }
    public int NonPlantTrainImages { get; init; }
    public int NonPlantValidationImages { get; init; }
    public int[] TrainViews { get; init; } = [];
    public string Checklist { get; init; } = "";
    public string Data { get; init; } = "";
    public Dictionary<string, double> Settings { get; init; } = [];
}

public sealed record ValidationSummary
{
    public required EvaluationMetrics Identification { get; init; }
    public double PlantRejected { get; init; }
    public double NonPlantAccepted { get; init; }
    public double OrganAccuracy { get; init; }
}

/// <summary>Where the reference photos' paths are rooted.</summary>
public enum ReferencePhotoRoot
{
    /// <summary>Under the server's image folder (the repository's data/: the demo photos).</summary>
    DataDirectory,
    /// <summary>Under the bundle's own folder (floras built from GBIF carry their reference photos).</summary>
    Bundle,
}

/// <summary>The data set a bundle was built from and how to cite it (a GBIF download's DOI).</summary>
public sealed record DataSource
{
    /// <summary>The DOI as a resolvable URL (https://doi.org/10.15468/dl....).</summary>
    public string? Doi { get; init; }
    public string? Citation { get; init; }
    /// <summary>What the bundle was built from (the download's file name).</summary>
    public string? Archive { get; init; }
}

public sealed record BundleManifest
{
    public int FormatVersion { get; init; } = 1;
    public required string Version { get; init; }
    public DateTimeOffset CreatedUtc { get; init; }
    public required BackboneInfo Backbone { get; init; }
    public required InferenceSettings Inference { get; init; }
    public string[] OrganLabels { get; init; } = [];
    public required TrainingSummary Training { get; init; }
    public ValidationSummary? Validation { get; init; }
    [JsonConverter(typeof(JsonStringEnumConverter<ReferencePhotoRoot>))]
    public ReferencePhotoRoot ReferencePhotos { get; init; } = ReferencePhotoRoot.DataDirectory;
    /// <summary>The data set and its citation, when the bundle was built from a published one.</summary>
    public DataSource? Source { get; init; }
}

public sealed record HeadSet(SoftmaxHead Taxon, SoftmaxHead Organ, SoftmaxHead Plant);

/// <summary>
/// One versioned, self-describing model: manifest.json, checklist.tsv (the taxa, by head index),
/// heads.json, references.tsv and references.f16 (the reference-image index).
/// </summary>
public sealed class ModelBundle(BundleManifest manifest, Checklist checklist, HeadSet heads, ReferenceIndex references)
{
    public const string ManifestFile = "manifest.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public BundleManifest Manifest { get; } = manifest;
    public Checklist Checklist { get; } = checklist;
    public HeadSet Heads { get; } = heads;
    public ReferenceIndex References { get; } = references;

    /// <summary>The folder the bundle was loaded from (null for one built in memory).</summary>
    public string? Directory { get; private init; }

    /// <summary>
    /// SHA-256 (hex, sorted) of every photo the model was trained, calibrated or validated on, written as
    /// <c>seen.sha256</c> by <see cref="Save"/> (challenges prove their test photos are new to it); null when unknown.
    /// </summary>
    public IReadOnlyList<string>? Seen { get; init; }

    /// <summary>The same model with another checklist of the same taxa in the same order (imported projects composed in); it keeps its folder, where its reference photos may live.</summary>
    public ModelBundle WithChecklist(Checklist checklist)
    {
        if (checklist.Taxa.Count != Checklist.Taxa.Count) throw new ArgumentException("A composed checklist keeps the model's taxa.", nameof(checklist));
        return new ModelBundle(Manifest, checklist, Heads, References) { Directory = Directory, Seen = Seen };
    }

    /// <summary>The bundle shipped in the repository's models/ folder, found from the working or the program's folder.</summary>
    public static string DefaultDirectory => FindUp("models/demo") ?? Path.Combine(AppContext.BaseDirectory, "models", "demo");

    /// <summary>The data root of the reference image paths (the repository's data/ folder).</summary>
    public static string DefaultDataDirectory => FindUp("data") ?? Path.Combine(AppContext.BaseDirectory, "data");

    internal static string? FindUp(string relative)
    {
        foreach (var start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// Writes the bundle; <paramref name="photos"/> (path in the bundle -> file) are copied in with it,
    /// for bundles whose reference photos live in the bundle.
    /// </summary>
    public void Save(string directory, IReadOnlyDictionary<string, string>? photos = null)
    {
        // Written beside and then moved, so a reader never sees half a bundle.
        var temp = directory.TrimEnd('/', '\\') + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        System.IO.Directory.CreateDirectory(temp);
        foreach (var (relative, source) in photos ?? new Dictionary<string, string>())
        {
            var target = Path.GetFullPath(Path.Combine(temp, relative));
            if (!target.StartsWith(Path.GetFullPath(temp) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new ArgumentException($"The photo path '{relative}' leaves the bundle.");
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
        }
        File.WriteAllText(Path.Combine(temp, ManifestFile), JsonSerializer.Serialize(Manifest, Json));
        File.WriteAllText(Path.Combine(temp, "heads.json"), JsonSerializer.Serialize(Heads, Json));
        ChecklistWriter.Write(Checklist, Path.Combine(temp, "checklist.tsv"));
        References.Save(temp);
        if (Seen is not null)
        {
            using var seen = File.CreateText(Path.Combine(temp, Challenges.ModelExposure.SeenFile));
            Challenges.ModelExposure.Write(seen, Seen);
        }
        if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        System.IO.Directory.Move(temp, directory);
    }

    public static ModelBundle Load(string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"No model bundle in {directory} ({ManifestFile} missing).");
        var manifest = JsonSerializer.Deserialize<BundleManifest>(File.ReadAllText(manifestPath), Json)
            ?? throw new InvalidDataException($"{manifestPath} is empty.");
        if (manifest.FormatVersion != 1) throw new InvalidDataException($"Unsupported bundle format {manifest.FormatVersion}.");
        var heads = JsonSerializer.Deserialize<HeadSet>(File.ReadAllText(Path.Combine(directory, "heads.json")), Json)
            ?? throw new InvalidDataException("heads.json is empty.");
        var checklist = Checklist.Load(Path.Combine(directory, "checklist.tsv"));
        if (heads.Taxon.Classes != checklist.Taxa.Count)
            throw new InvalidDataException($"The taxon head has {heads.Taxon.Classes} classes but the checklist {checklist.Taxa.Count} taxa.");
        return new ModelBundle(manifest, checklist, heads, ReferenceIndex.Load(directory, checklist.Taxa.Count)) { Directory = Path.GetFullPath(directory) };
    }
}
