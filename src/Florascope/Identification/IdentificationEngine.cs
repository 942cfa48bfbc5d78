using System.Security.Cryptography;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Imaging;
using Florascope.Learning;
using Florascope.Taxonomy;
using Florascope.Messages;

namespace Florascope.Identification;

/// <summary>
/// From 1-5 photos of one plant to a ranked, calibrated list of taxa: decode, embed (views batched
/// into one network run), score per photo, fuse, restrict to the project, attach reference photos.
/// Thread-safe; one instance serves a whole process.
/// </summary>
public sealed class IdentificationEngine
{
    private readonly Dictionary<string, HashSet<int>> _projects;

    public IdentificationEngine(ModelBundle bundle, Embedder embedder, DecodeLimits? limits = null)
    {
        EnsureSameBackbone(bundle, embedder.Backbone);
        Bundle = bundle;
        Embedder = embedder;
        Limits = limits ?? DecodeLimits.Default;
        _projects = bundle.Checklist.Projects.ToDictionary(
            p => p, p => Enumerable.Range(0, bundle.Checklist.Taxa.Count).Where(i => bundle.Checklist.Taxa[i].InProject(p)).ToHashSet());
    }

    public ModelBundle Bundle { get; }
    public Embedder Embedder { get; }
    public DecodeLimits Limits { get; }

    /// <summary>Heads only make sense on the embeddings of the network they were trained on.</summary>
    public static void EnsureSameBackbone(ModelBundle bundle, Backbone backbone)
    {
        if (bundle.Manifest.Backbone.Sha256 != backbone.Sha256)
            throw new InvalidDataException($"The model {bundle.Manifest.Version} was trained on another backbone (SHA-256 {bundle.Manifest.Backbone.Sha256[..Math.Min(12, bundle.Manifest.Backbone.Sha256.Length)]}, this one {backbone.Sha256[..12]}).");
    }

    /// <summary>Checks everything but the pixels; throws <see cref="IdentifyException"/>.</summary>
    public void Validate(IdentifyRequest request)
    {
        if (request.Images.Count == 0) throw new IdentifyException(IdentifyError.NoImage, MessageText.Of("server.identify.no-image", "No image: send 1 to 5 photos of one plant."));
        if (request.Images.Count > IdentifyRequest.MaxImages)
            throw new IdentifyException(IdentifyError.TooManyImages, MessageText.Of("server.identify.too-many-images", "Too many images: {count}; at most {max} photos of one plant.", ("count", request.Images.Count), ("max", IdentifyRequest.MaxImages)));
        foreach (var image in request.Images)
            if (!Organs.IsKnown(image.Organ))
                throw new IdentifyException(IdentifyError.UnknownOrgan, MessageText.Of("server.unknown-organ", "Unknown organ '{organ}': use one of {organs}.", ("organ", image.Organ), ("organs", string.Join(", ", Organs.All))));
        if (!IsProject(request.Project))
            throw new IdentifyException(IdentifyError.UnknownProject, MessageText.Of("server.unknown-project-of", "Unknown project '{project}': use one of {projects}.", ("project", request.Project), ("projects", string.Join(", ", Bundle.Checklist.Projects))));
        if (!Languages.IsKnown(request.Lang))
            throw new IdentifyException(IdentifyError.UnknownLanguage, MessageText.Of("server.unknown-language-of", "Unknown language '{lang}': use one of {languages}.", ("lang", request.Lang), ("languages", string.Join(", ", Languages.All))));
        if (request.MaxResults is < 1) throw new IdentifyException(IdentifyError.BadParameter, MessageText.Of("server.identify.bad-max-results", "The number of results must be at least 1."));
    }

    public IdentificationResult Identify(IdentifyRequest request) => Identify(Prepare(request));

    /// <summary>A checklist project, or <see cref="ProjectChoice.Best"/> (the engine picks the project per photo).</summary>
    public bool IsProject(string project) => project == ProjectChoice.Best || _projects.ContainsKey(project);

    /// <summary>
    /// Validates the request and decodes its photos (no network yet), so a server can refuse bad
    /// input before it counts a request against a quota or queues it for the network.
    /// </summary>
    public PreparedRequest Prepare(IdentifyRequest request)
    {
        Validate(request);
        var n = request.Images.Count;
        var prepared = new PreparedImage[n];
        var hashes = new string[n];
        var failures = new ImageInputException?[n];
        // Photos decode in parallel; each is independent. The first bad one (in request order) is reported.
        Parallel.For(0, n, i =>
        {
            var data = request.Images[i].Data;
            hashes[i] = Convert.ToHexStringLower(SHA256.HashData(data));
            try { prepared[i] = ImageDecoder.Prepare(data, Limits); }
            catch (ImageInputException e) { failures[i] = e; }
        });
        var bad = Array.FindIndex(failures, f => f is not null);
        if (bad >= 0)
        {
            var name = request.Images[bad].FileName is { } f ? $" ({f})" : "";
            throw new IdentifyException(IdentifyError.BadImage, MessageText.Of("server.identify.bad-image", "Image {n}{file}: {problem}", ("n", bad + 1), ("file", name), ("problem", failures[bad]!.Text)), failures[bad]);
        }
        return new PreparedRequest(request, prepared, hashes);
    }

    /// <summary>Runs the network and the heads on decoded photos.</summary>
    public IdentificationResult Identify(PreparedRequest prepared)
    {
        var (request, images, hashes) = (prepared.Request, prepared.Images, prepared.Hashes);
        var n = images.Count;
        var settings = Bundle.Manifest.Inference;
        var scores = ScoreAll([.. images], settings, out var passes);

        var organLabels = Bundle.Manifest.OrganLabels;
        var predicted = new List<PredictedOrgan>();
        for (var i = 0; i < n; i++)
        {
            var best = VectorMath.ArgMax(scores[i].OrganProbs);
            predicted.Add(new PredictedOrgan(hashes[i], request.Images[i].FileName,
                organLabels.Length > best ? organLabels[best] : "other", scores[i].OrganProbs[best]));
        }

        var plant = scores.Average(s => s.PlantProbability);
        var fused = Fusion.Combine(scores.Select(s => s.TaxonLogProbs).ToList(), settings.Fusion);
        // Project best: the fused scores over the whole checklist choose the flora, then the results are restricted to it.
        var project = request.Project == ProjectChoice.Best ? ProjectChoice.Choose([.. fused.Select(p => (double)p)], Bundle.Checklist) : request.Project;
        var restricted = Fusion.Restrict(fused, _projects[project]);
        var query = MeanEmbedding(scores);
        var order = _projects[project].OrderByDescending(c => restricted[c]).ThenBy(c => c).ToList();
        if (request.MaxResults is { } max) order = order.Take(max).ToList();
        var results = order.Select(c => new TaxonResult(c, Bundle.Checklist.Taxa[c], restricted[c],
            request.ReferencesPerResult > 0 ? Bundle.References.Nearest(query, c, request.ReferencesPerResult) : [])).ToList();

        return new IdentificationResult
        {
            Project = project,
            AskedProject = project == request.Project ? null : request.Project,
            Language = request.Lang,
            ImageHashes = hashes,
            Organs = request.Images.Select(i => i.Organ).ToList(),
            PredictedOrgans = predicted,
            PlantProbability = plant,
            Rejected = !request.NoReject && plant < settings.PlantThreshold,
            NoReject = request.NoReject,
            Results = results,
            ModelVersion = Bundle.Manifest.Version,
            NetworkPasses = passes,
        };
    }

    /// <summary>
    /// The project's <paramref name="top"/> taxa, genera and families of each survey window, best first, with their
    /// probabilities (a genus's or family's is the sum of its taxa's within the project), and the window's organ: one
    /// view per window in one network batch (a survey runs hundreds of windows; the extra views of unsure photos
    /// would multiply them).
    /// </summary>
    public IReadOnlyList<WindowScores> ScoreWindows(IReadOnlyList<PreparedImage> windows, string project, int top)
    {
        if (!_projects.TryGetValue(project, out var allowed))
            throw new IdentifyException(IdentifyError.UnknownProject, MessageText.Of("server.unknown-project-of", "Unknown project '{project}': use one of {projects}.", ("project", project), ("projects", string.Join(", ", Bundle.Checklist.Projects))));
        var view = Bundle.Manifest.Inference.Views[0];
        var embeddings = Embedder.Embed(windows.Select(w => (w, view)).ToList());
        var taxa = Bundle.Checklist.Taxa;
        var organLabels = Bundle.Manifest.OrganLabels;
        var result = new List<WindowScores>(windows.Count);
        for (var i = 0; i < windows.Count; i++)
        {
            var scores = ImageScorer.Score(Bundle, embeddings.AsSpan(i * Backbone.Dim, Backbone.Dim));
            var restricted = Fusion.Restrict(Fusion.Combine([scores.TaxonLogProbs], Bundle.Manifest.Inference.Fusion), allowed);
            var organ = VectorMath.ArgMax(scores.OrganProbs);
            result.Add(new WindowScores([.. allowed.OrderByDescending(c => restricted[c]).ThenBy(c => c).Take(top).Select(c => (c, (double)restricted[c]))],
                scores.PlantProbability)
            {
                Organ = organLabels.Length > organ ? organLabels[organ] : "other",
                Genera = TopGroups(allowed, restricted, c => taxa[c].Genus, top),
                Families = TopGroups(allowed, restricted, c => taxa[c].Family, top),
            });
        }
        return result;
    }

    /// <summary>The <paramref name="top"/> groups (genera, families) by the summed probability of their taxa, best first; taxa without one are left out.</summary>
    private static (string Name, double Score)[] TopGroups(HashSet<int> allowed, float[] probabilities, Func<int, string> groupOf, int top)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var c in allowed)
            if (groupOf(c) is { Length: > 0 } name) sums[name] = sums.GetValueOrDefault(name) + probabilities[c];
        return [.. sums.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(top).Select(kv => (kv.Key, kv.Value))];
    }

    /// <summary>
    /// Project <c>best</c> for a photo: one view of it scored over the whole checklist, the project chosen by
    /// <see cref="ProjectChoice.Choose"/>.
    /// </summary>
    public string ChooseProject(PreparedImage photo)
    {
        var embedding = Embedder.Embed([(photo, Bundle.Manifest.Inference.Views[0])]);
        var scores = ImageScorer.Score(Bundle, embedding);
        var probabilities = Fusion.Combine([scores.TaxonLogProbs], Bundle.Manifest.Inference.Fusion);
        return ProjectChoice.Choose([.. probabilities.Select(p => (double)p)], Bundle.Checklist);
    }

    /// <summary>
    /// Runs the configured views of every photo in one batch; photos whose top score stays under
    /// the threshold get the extra views in a second batch.
    /// </summary>
    private ImageScores[] ScoreAll(PreparedImage[] images, InferenceSettings s, out int passes)
    {
        var first = Embedder.Embed(images.SelectMany(img => s.Views.Select(v => (img, v))).ToList());
        passes = images.Length * s.Views.Length;
        var scores = new ImageScores[images.Length];
        var per = s.Views.Length * Backbone.Dim;
        for (var i = 0; i < images.Length; i++)
            scores[i] = ImageScorer.Score(Bundle, first.AsSpan(i * per, per));

        var unsure = Enumerable.Range(0, images.Length).Where(i => ImageScorer.WantsExtraViews(scores[i], s)).ToList();
        if (unsure.Count == 0) return scores;
        var extra = Embedder.Embed(unsure.SelectMany(i => s.ExtraViews.Select(v => (images[i], v))).ToList());
        passes += unsure.Count * s.ExtraViews.Length;
        var extraPer = s.ExtraViews.Length * Backbone.Dim;
        for (var k = 0; k < unsure.Count; k++)
        {
            var i = unsure[k];
            var all = new float[per + extraPer];
            first.AsSpan(i * per, per).CopyTo(all);
            extra.AsSpan(k * extraPer, extraPer).CopyTo(all.AsSpan(per));
            scores[i] = ImageScorer.Score(Bundle, all);
        }
        return scores;
    }

    private static float[] MeanEmbedding(ImageScores[] scores)
    {
        var mean = new float[Backbone.Dim];
        foreach (var s in scores) VectorMath.AddScaled(mean, s.Embedding, 1f / scores.Length);
        var norm = MathF.Sqrt(VectorMath.Dot(mean, mean));
        if (norm > 0) for (var i = 0; i < mean.Length; i++) mean[i] /= norm;
        return mean;
    }
}

/// <summary>
/// A survey window's top taxa (best first, with probabilities), its probability of showing a plant, the organ it shows
/// (the organ head's top label) and its top genera and families (summed probabilities, best first).
/// </summary>
public sealed record WindowScores((int Taxon, double Score)[] Taxa, float PlantProbability)
{
    public string Organ { get; init; } = "other";
    public (string Name, double Score)[] Genera { get; init; } = [];
    public (string Name, double Score)[] Families { get; init; } = [];
}

/// <summary>A validated request with its photos decoded, ready for the network.</summary>
public sealed record PreparedRequest(IdentifyRequest Request, IReadOnlyList<PreparedImage> Images, IReadOnlyList<string> Hashes);
