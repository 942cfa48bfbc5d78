namespace Florascope.Data.Observations;

/// <summary>The licences an author can choose for an observation and its photos.</summary>
public static class Licenses
{
    public const string Default = "cc-by";
    public static IReadOnlyList<string> All { get; } = ["cc-by", "cc0", "cc-by-sa", "cc-by-nc"];
}

/// <summary>
/// One plant seen at one place and time by one author, with 1-5 photos. Its taxon is derived from
/// the identifications (see <see cref="Identification"/>); <see cref="TaxonName"/> caches the current one.
/// </summary>
public sealed class Observation
{
    public int Id { get; set; }
    public int AuthorId { get; set; }
    /// <summary>
    /// The id the author's app made for this observation (a UUID), so that a retry of the same save finds
    /// this row instead of adding a second one; unique per author, null for rows saved without one.
    /// </summary>
    public Guid? ClientId { get; set; }
    /// <summary>When the plant was seen, UTC (from the photo's EXIF, else the time of upload, editable).</summary>
    public DateTime ObservedUtc { get; set; }
    /// <summary>
    /// The observer's UTC offset at that time, in minutes (EXIF OffsetTimeOriginal, else the browser's),
    /// so exports can write the local time with its offset; null for rows saved without one (exported in UTC).
    /// </summary>
    public int? ObservedOffsetMinutes { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    /// <summary>Radius of the position's uncertainty, in metres.</summary>
    public double? UncertaintyMeters { get; set; }
    public string? Notes { get; set; }
    public string License { get; set; } = Licenses.Default;
    /// <summary>Who may see the true position, the author's choice (default open). Threatened taxa are obscured whatever it says.</summary>
    public Privacy.Geoprivacy Geoprivacy { get; set; } = Privacy.Geoprivacy.Open;
    /// <summary>
    /// The position every public output uses (API, GeoJSON, pages, game, search, exports, and their
    /// filters): the true one when open, a fixed random point of the ~0.2 degree cell around it when
    /// obscured (by choice or because the taxon is threatened), none when private.
    /// </summary>
    public double? PublicLatitude { get; set; }
    public double? PublicLongitude { get; set; }
    public double? PublicUncertaintyMeters { get; set; }
    /// <summary>The flora the author identified within.</summary>
    public string Project { get; set; } = "all";
    /// <summary>
    /// Current taxon: the weighted majority of the current identifications (scientific name without
    /// author), null while nobody proposed one. Kept by <see cref="Revision.CommunityRevision"/>.
    /// </summary>
    public string? TaxonName { get; set; }
    /// <summary>Weighted vote behind <see cref="TaxonName"/>: sum of the weights for it, and its share of all weights.</summary>
    public double Confidence { get; set; }
    public double Accuracy { get; set; }
    /// <summary>Confidence and accuracy above the thresholds: published as validated and used for training.</summary>
    public bool IsValid { get; set; }
    /// <summary><see cref="Revision.ObservationStatus"/> as text: valid, needs-votes or disputed.</summary>
    public string Status { get; set; } = Revision.ObservationStatus.NeedsVotes;
    /// <summary>The model's top taxon within the project when the observation was saved, its calibrated score, and the model's version.</summary>
    public string? ModelTaxonName { get; set; }
    public double? ModelScore { get; set; }
    public string? ModelVersion { get; set; }
    public DateTime? RevisedUtc { get; set; }
    /// <summary>
    /// Kept from a plot survey (one observation per species, sharing the plot's photo): the photo shows several
    /// plants, so it never trains the model, whatever the votes say.
    /// </summary>
    public bool FromPlot { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }

    public List<ObservationPhoto> Photos { get; set; } = [];
    public List<Identification> Identifications { get; set; } = [];
}

/// <summary>A photo of an observation, stored once by the SHA-256 of its bytes (PhotoStore).</summary>
public sealed class ObservationPhoto
{
    public int Id { get; set; }
    public int ObservationId { get; set; }
    public int Position { get; set; }
    public required string Sha256 { get; set; }
    public string Organ { get; set; } = "auto";
    public int Width { get; set; }
    public int Height { get; set; }
    /// <summary>The organ the community's votes settled on, null while they have not.</summary>
    public string? VotedOrgan { get; set; }
    /// <summary>Why the votes exclude this photo from training and publication (not-a-plant, poor-quality, duplicate); null if they do not.</summary>
    public string? ExcludedBecause { get; set; }
    public List<PhotoVote> Votes { get; set; } = [];
}

/// <summary>
/// A user's vote on one aspect of a photo (see <see cref="Revision.PhotoAspects"/>): the organ it
/// shows, or yes/no for "not a plant", "poor quality", "duplicate". One current vote per user,
/// photo and aspect; older ones stay as history.
/// </summary>
public sealed class PhotoVote
{
    public int Id { get; set; }
    public int PhotoId { get; set; }
    public int UserId { get; set; }
    public required string Aspect { get; set; }
    public required string Value { get; set; }
    public bool IsCurrent { get; set; } = true;
    public DateTime CreatedUtc { get; set; }
}

/// <summary>An observation a player passed in the identification game; not offered to them again.</summary>
public sealed class GameSkip
{
    public int UserId { get; set; }
    public int ObservationId { get; set; }
    public DateTime CreatedUtc { get; set; }
}

/// <summary>
/// A user's proposal of a taxon for an observation (null = "I don't know"). Each user has at most
/// one current identification per observation; a new one retires the old, which stays as history.
/// </summary>
public sealed class Identification
{
    public int Id { get; set; }
    public int ObservationId { get; set; }
    public int UserId { get; set; }
    public string? TaxonName { get; set; }
    public bool IsCurrent { get; set; } = true;
    public DateTime CreatedUtc { get; set; }
}
