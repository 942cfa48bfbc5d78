using Florascope.Data.Observations;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Privacy;

/// <summary>What the public sees of an observation's position; lower-case in JSON.</summary>
public enum PublicPositionKind
{
    /// <summary>The true position (or none when it has none).</summary>
    Exact,
    /// <summary>A point of the 0.2 degree cell holding it.</summary>
    Obscured,
    /// <summary>No position.</summary>
    Hidden,
}

/// <summary>Who sees what is private about an observation: its true position and its original photos.</summary>
public static class PrivacyAccess
{
    /// <summary>Its author and administrators see the true position; anyone else (and the signed-out) the public one.</summary>
    public static bool SeesTruePosition(int authorId, int? viewerId, bool viewerIsAdmin) => viewerIsAdmin || viewerId == authorId;

    /// <summary>What the stored public position is, compared with the true one.</summary>
    public static PublicPositionKind PublicKind(Observation o) =>
        o.PublicLatitude is null ? (o.Latitude is null ? PublicPositionKind.Exact : PublicPositionKind.Hidden)
        : o.PublicLatitude == o.Latitude && o.PublicLongitude == o.Longitude ? PublicPositionKind.Exact : PublicPositionKind.Obscured;

    /// <summary>
    /// An original photo (as uploaded, EXIF and all) is for an author of an observation that uses it,
    /// and administrators; the public gets the re-encoded sizes.
    /// </summary>
    public static async Task<bool> MaySeeOriginalAsync(FlorascopeDb db, string sha256, int? viewerId, bool viewerIsAdmin, CancellationToken ct = default) =>
        viewerIsAdmin || (viewerId is { } id
            && await db.ObservationPhotos.AnyAsync(p => p.Sha256 == sha256 && db.Observations.Any(o => o.Id == p.ObservationId && o.AuthorId == id), ct));
}
