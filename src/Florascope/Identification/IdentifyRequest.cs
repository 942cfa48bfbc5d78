using Florascope.Bundles;
using Florascope.Taxonomy;
using Florascope.Messages;

namespace Florascope.Identification;

/// <summary>One uploaded photo with the organ it shows (<c>auto</c>: let the model decide).</summary>
public sealed record IdentifyImage(byte[] Data, string Organ = "auto", string? FileName = null);

public sealed record IdentifyRequest
{
    public const int MaxImages = 5;

    public required IReadOnlyList<IdentifyImage> Images { get; init; }
    public string Project { get; init; } = Checklist.AllProject;
    public string Lang { get; init; } = "en";
    /// <summary>Cap on the number of results; null keeps every taxon of the project.</summary>
    public int? MaxResults { get; init; }
    public bool NoReject { get; init; }
    /// <summary>Reference photos attached to each result as evidence.</summary>
    public int ReferencesPerResult { get; init; } = 3;
}

public enum IdentifyError
{
    NoImage,
    TooManyImages,
    OrganCountMismatch,
    UnknownOrgan,
    UnknownProject,
    UnknownLanguage,
    BadParameter,
    BadImage,
}

/// <summary>A request that cannot be served as asked; <see cref="Error"/> says why (the API maps it to 400/404/413/415).</summary>
public sealed class IdentifyException(IdentifyError error, MessageText text, Exception? inner = null) : Exception(text.English, inner)
{
    public IdentifyException(IdentifyError error, string message, Exception? inner = null) : this(error, MessageText.Untranslated(message), inner) { }

    /// <summary>The message with its translation key and values (the observatory API answers it in the request's language).</summary>
    public MessageText Text { get; } = text;
    public IdentifyError Error { get; } = error;
}

public sealed record PredictedOrgan(string Image, string? FileName, string Organ, float Score);

public sealed record TaxonResult(int Label, Taxon Taxon, float Score, IReadOnlyList<ReferenceMatch> References);

public sealed record IdentificationResult
{
    /// <summary>The project the results are restricted to (the one chosen when <see cref="AskedProject"/> is <c>best</c>).</summary>
    public required string Project { get; init; }
    /// <summary>The project as asked, when it differs from <see cref="Project"/> (<c>best</c>): the answer's query echoes it.</summary>
    public string? AskedProject { get; init; }
    public required string Language { get; init; }
    public required IReadOnlyList<string> ImageHashes { get; init; }
    /// <summary>The organs as sent (auto stays auto).</summary>
    public required IReadOnlyList<string> Organs { get; init; }
    public required IReadOnlyList<PredictedOrgan> PredictedOrgans { get; init; }
    /// <summary>Mean probability over the photos that they show a plant.</summary>
    public required float PlantProbability { get; init; }
    /// <summary>True when the photos were judged not to show a plant (and no-reject was not asked).</summary>
    public required bool Rejected { get; init; }
    public bool NoReject { get; init; }
    public required IReadOnlyList<TaxonResult> Results { get; init; }
    public required string ModelVersion { get; init; }
    /// <summary>Network passes run for this request (views x photos, extra views included).</summary>
    public int NetworkPasses { get; init; }
}
