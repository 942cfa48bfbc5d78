using System.Globalization;
using Florascope.Bundles;
using Florascope.Taxonomy;
using Florascope.Training;

namespace Florascope.Floras;

public sealed record FloraBuildOptions
{
    /// <summary>The GBIF occurrence download (.zip or unpacked folder).</summary>
    public required string Archive { get; init; }
    /// <summary>Photos without plants: a folder with train/ (and val/), as for <c>florascope train</c>.</summary>
    public required string NonPlantsDir { get; init; }
    /// <summary>The content-addressed photo store (photos/, urls.tsv): a rerun resumes from it.</summary>
    public required string StoreDirectory { get; init; }
    /// <summary>A GBIF checklist archive with the Vernacular Names extension.</summary>
    public string? VernacularArchive { get; init; }
    public string Version { get; init; } = string.Create(CultureInfo.InvariantCulture, $"flora-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
    public IReadOnlySet<PhotoLicence> Licences { get; init; } = PhotoLicences.Default;
    public int MinImages { get; init; } = 20;
    public int MaxImages { get; init; } = 500;
    public double ValidationFraction { get; init; } = 0.2;
    public DownloadSettings Download { get; init; } = new();
    /// <summary>Training settings other than the photos (views, head epochs...); the photos, taxa and credits are the builder's.</summary>
    public Func<TrainOptions, TrainOptions>? Training { get; init; }
}

/// <summary>What each step kept and left out, for the person who runs the build.</summary>
public sealed record FloraBuildReport
{
    public int OccurrencesRead { get; init; }
    public int PhotosRead { get; init; }
    public IReadOnlyList<LeftOut> LeftOut { get; init; } = [];
    public int OccurrencesKept { get; init; }
    public int PhotosKept { get; init; }
    /// <summary>Photos over <see cref="FloraBuildOptions.MaxImages"/> of their species, not downloaded.</summary>
    public int PhotosOverCap { get; init; }
    public IReadOnlyDictionary<DownloadOutcome, int> Downloads { get; init; } = new Dictionary<DownloadOutcome, int>();
    /// <summary>Photos whose bytes another kept photo already has (the same image in two records): used once.</summary>
    public int DuplicatePhotos { get; init; }
    public IReadOnlyList<(FloraTaxon Taxon, int Photos)> TooFew { get; init; } = [];
    public int Taxa { get; init; }
    public int TrainOccurrences { get; init; }
    public int TrainPhotos { get; init; }
    public int ValidationOccurrences { get; init; }
    public int ValidationPhotos { get; init; }
    public int VernacularNames { get; init; }
    public DownloadCitation Citation { get; init; } = new(null, null);
}

/// <summary>The trained bundle, its reference photos (path in the bundle -> stored file), the report and the split.</summary>
public sealed record FloraBuildResult(ModelBundle Bundle, IReadOnlyDictionary<string, string> Photos, FloraBuildReport Report, FloraSplit Split)
{
    /// <summary>Writes the bundle with its reference photos (replacing the folder).</summary>
    public void Save(string directory) => Bundle.Save(directory, Photos);
}

/// <summary>
/// A flora from a GBIF occurrence download, on CPU: read and filter the archive, cap the photos per
/// species, download them (resumable), split by occurrence, build the checklist, train the bundle with
/// the usual trainer and embedding cache, and keep every reference photo's credit and the download's DOI.
/// </summary>
/// <remarks>The trainer is made only when the photos are in, so that a bad archive fails before the network loads.</remarks>
public sealed class FloraBuilder(Func<Trainer> trainer, TextWriter log)
{
    public async Task<FloraBuildResult> BuildAsync(FloraBuildOptions o, IProgress<DownloadProgress>? downloads,
        IProgress<(string Stage, int Done, int Total)>? training, HttpMessageHandler? handler, CancellationToken ct)
    {
        if (o.MinImages < 2) throw new ArgumentException("--min-images must be at least 2: a species needs photos on both sides of the split.");
        if (o.MaxImages < o.MinImages) throw new ArgumentException($"--max-images ({o.MaxImages}) is below --min-images ({o.MinImages}).");
        // Checked now, not when training starts after hours of downloads.
        if (!Directory.Exists(Path.Combine(o.NonPlantsDir, "train")))
            throw new DirectoryNotFoundException($"No photos without plants at {Path.Combine(o.NonPlantsDir, "train")} (--non-plants: a folder with train/ and, optionally, val/).");
        // Read the optional archive first: a bad one fails the build before any download.
        var vernacular = o.VernacularArchive is null ? null : ChecklistArchive.Read(o.VernacularArchive, ct);
        var contents = GbifDownload.Read(o.Archive, o.Licences, ct);
        log.WriteLine($"Read {contents.OccurrencesRead} occurrences and {contents.PhotosRead} multimedia rows.");
        foreach (var left in contents.LeftOut)
            log.WriteLine($"  left out: {left.Reason}: {left.Occurrences} occurrences, {left.Photos} photos");
        var kept = contents.Occurrences.Sum(x => x.Photos.Count);
        log.WriteLine($"Kept {contents.Occurrences.Count} occurrences with {kept} photos of {contents.Occurrences.Select(x => x.Taxon.SpeciesKey).Distinct().Count()} species.");

        var capped = FloraSelection.Cap(contents.Occurrences, o.MaxImages);
        var overCap = kept - capped.Sum(x => x.Photos.Count);
        if (overCap > 0) log.WriteLine($"  left out: over {o.MaxImages} photos per species: {overCap} photos");

        var urls = capped.SelectMany(x => x.Photos).Select(p => p.Url).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyList<DownloadResult> results;
        using (var downloader = new PhotoDownloader(o.StoreDirectory, o.Download, handler))
            results = await downloader.DownloadAsync(urls, downloads, ct);
        var byUrl = results.ToDictionary(r => r.Url, StringComparer.Ordinal);
        var outcomes = results.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Count());
        log.WriteLine("Photos: " + string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));

        // The same image under two records would be one photo on both sides of the split: used once,
        // by the first occurrence in a stable order.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        var arrived = new List<FloraOccurrence>();
        foreach (var occurrence in capped.OrderBy(x => x.OccurrenceId, StringComparer.Ordinal))
        {
            var photos = new List<FloraPhoto>();
            foreach (var photo in occurrence.Photos)
            {
                if (!byUrl.TryGetValue(photo.Url, out var r) || !r.Stored) continue;
                if (!seen.Add(r.Sha256 ?? r.Path!)) { duplicates++; continue; }
                photos.Add(photo);
            }
            if (photos.Count > 0) arrived.Add(occurrence with { Photos = photos });
        }
        if (duplicates > 0) log.WriteLine($"  left out: the same image as another kept photo: {duplicates} photos");

        var split = FloraSelection.Split(arrived, o.MinImages, o.ValidationFraction);
        foreach (var (taxon, photos) in split.TooFew)
            log.WriteLine($"  left out: {taxon.Name}: {photos} photos, fewer than {o.MinImages}");
        // Two backbone keys under one name (a homonym, a key changed between backbone versions) are one
        // taxon of the checklist, which looks names up: the first key in ordinal order names it.
        var taxa = split.Train.Concat(split.Validation).Select(x => x.Taxon).GroupBy(t => Checklist.NameKey(t.Name))
            .Select(g => g.OrderBy(t => t.SpeciesKey, StringComparer.Ordinal).First())
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        if (taxa.Count == 0)
            throw new InvalidDataException($"No species has {o.MinImages} photos or more once downloaded: nothing to train (lower --min-images or download more).");

        var names = VernacularIndex(vernacular);
        var vernacularCount = 0;
        var checklist = new Checklist([.. taxa.Select(t =>
        {
            var common = names.Lookup(t);
            vernacularCount += common.Values.Sum(v => v.Count);
            return new Taxon
            {
                ScientificNameWithoutAuthor = t.Name,
                Authorship = t.Authorship,
                Rank = "species",
                Genus = t.Genus,
                Family = t.Family,
                GbifKey = t.SpeciesKey,
                CommonNames = common,
            };
        })]);

        var labels = taxa.Select((t, i) => (Key: Checklist.NameKey(t.Name), i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        var credits = new Dictionary<string, ReferenceCredit>(StringComparer.Ordinal);
        List<LabelledImage> Images(IReadOnlyList<FloraOccurrence> side) => [.. side.SelectMany(x => x.Photos.Select(p =>
        {
            var file = Path.GetFullPath(byUrl[p.Url].Path!);
            credits[file] = Credit(x, p);
            return new LabelledImage(file, labels[Checklist.NameKey(x.Taxon.Name)]);
        }))];
        var train = Images(split.Train);
        var val = Images(split.Validation);

        var photoRoot = Path.GetFullPath(Path.Combine(o.StoreDirectory, "photos"));
        var dataRoot = train.All(i => i.Path.StartsWith(photoRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal)) ? photoRoot : Path.GetFullPath(o.StoreDirectory);
        var source = new DataSource { Doi = contents.Citation.Doi, Citation = contents.Citation.Text, Archive = Path.GetFileName(Path.GetFullPath(o.Archive).TrimEnd(Path.DirectorySeparatorChar)) };
        var options = new TrainOptions
        {
            TrainDir = "",
            NonPlantsDir = o.NonPlantsDir,
            ChecklistPath = "",
            DataRoot = dataRoot,
            Version = o.Version,
            Taxa = checklist,
            TrainImages = train,
            ValImages = val,
            Credits = credits,
            ReferencePhotos = ReferencePhotoRoot.Bundle,
            Source = source,
            DataDescription = $"GBIF occurrence download {source.Doi ?? source.Archive}: {split.Train.Count + split.Validation.Count} occurrences, {train.Count + val.Count} photos",
        };
        if (o.Training is { } tune) options = tune(options);
        var bundle = trainer().Train(options, training);

        var bundlePhotos = bundle.References.Images.Where(r => r.Label >= 0)
            .ToDictionary(r => r.Path, r => Path.Combine(dataRoot, r.Path["photos/".Length..]), StringComparer.Ordinal);
        var report = new FloraBuildReport
        {
            OccurrencesRead = contents.OccurrencesRead,
            PhotosRead = contents.PhotosRead,
            LeftOut = contents.LeftOut,
            OccurrencesKept = contents.Occurrences.Count,
            PhotosKept = kept,
            PhotosOverCap = overCap,
            Downloads = outcomes,
            DuplicatePhotos = duplicates,
            TooFew = split.TooFew,
            Taxa = taxa.Count,
            TrainOccurrences = split.Train.Count,
            TrainPhotos = train.Count,
            ValidationOccurrences = split.Validation.Count,
            ValidationPhotos = val.Count,
            VernacularNames = vernacularCount,
            Citation = contents.Citation,
        };
        return new FloraBuildResult(bundle, bundlePhotos, report, split);
    }

    /// <summary>
    /// A reference photo's credit as the API shows it: the creator (else the rights holder), the licence
    /// code, and a citation naming the rights holder and the GBIF occurrence the photo belongs to.
    /// </summary>
    public static ReferenceCredit Credit(FloraOccurrence occurrence, FloraPhoto photo)
    {
        var author = FirstText(photo.Creator, photo.RightsHolder, photo.Publisher) ?? "unknown";
        var holder = FirstText(photo.RightsHolder, photo.Creator, photo.Publisher);
        var licence = LicenceName(photo.Licence, photo.LicenceText);
        var citation = string.Join(", ", new[] { holder is null ? null : $"© {holder}", licence, $"via GBIF {occurrence.OccurrenceUrl}" }.Where(s => s is not null));
        return new ReferenceCredit(author, licence, citation, CreatedDate(photo.Created), occurrence.OccurrenceUrl);
    }

    /// <summary>The licence's code with the version the archive's URL or text names ("CC-BY 2.0"): attribution states the licence actually granted.</summary>
    public static string LicenceName(PhotoLicence licence, string? text)
    {
        var code = PhotoLicences.Code(licence);
        if (licence is PhotoLicence.Unknown or PhotoLicence.PublicDomainMark || string.IsNullOrEmpty(text)) return code;
        var version = System.Text.RegularExpressions.Regex.Match(text, @"(?<![\d.])([1-4]\.[05])(?![\d.])|_([1-4])_([05])\b");
        return !version.Success ? code : $"{code} {(version.Groups[1].Success ? version.Groups[1].Value : version.Groups[2].Value + "." + version.Groups[3].Value)}";
    }

    private static string? FirstText(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    /// <summary>The date part of dcterms:created (ISO 8601: "2021-06-03", "2021-06-03T10:15:00Z", "2021-06"); null when unreadable.</summary>
    public static DateOnly? CreatedDate(string? created)
    {
        if (string.IsNullOrWhiteSpace(created)) return null;
        var text = created.Trim();
        if (text.Length >= 10 && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? DateOnly.FromDateTime(t.UtcDateTime) : null;
    }

    private sealed class VernacularLookup(Dictionary<string, ChecklistTaxon> byId, Dictionary<string, ChecklistTaxon> byName)
    {
        /// <summary>The names of the species in the 13 languages, matched by GBIF key, else by name.</summary>
        public IReadOnlyDictionary<string, IReadOnlyList<string>> Lookup(FloraTaxon t)
        {
            if (!byId.TryGetValue(t.SpeciesKey, out var entry) && !byName.TryGetValue(Checklist.NameKey(t.Name), out entry))
                return new Dictionary<string, IReadOnlyList<string>>();
            return entry.VernacularNames.Where(v => Languages.IsKnown(v.Language))
                .GroupBy(v => v.Language)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(v => v.Name.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)]);
        }
    }

    private static VernacularLookup VernacularIndex(ChecklistArchiveContents? archive)
    {
        var byId = new Dictionary<string, ChecklistTaxon>(StringComparer.Ordinal);
        var byName = new Dictionary<string, ChecklistTaxon>(StringComparer.Ordinal);
        foreach (var t in archive?.Taxa ?? [])
        {
            if (!t.IsAccepted) continue;
            byId.TryAdd(t.TaxonId, t);
            byName.TryAdd(Checklist.NameKey(t.CanonicalName), t);
        }
        return new VernacularLookup(byId, byName);
    }
}
