using System.Globalization;

namespace Florascope.Identification;

/// <summary>
/// Author, licence and citation of a reference photo, from the source data set named by its file
/// prefix, and the date the contract's <c>images[].date</c> carries.
/// </summary>
public sealed record ImageCredit(string Author, string License, string Citation, DateOnly Date);

/// <summary>The provenance of the demo photos (data/README.md), by file-name prefix.</summary>
public static class ImageSources
{
    // The demo photos carry no EXIF date (the data sets stripped it when resizing), so each photo
    // is dated by the publication its provenance documents: the paper's conference or preprint
    // date, or 1 January of the year where only the year is known (TensorFlow flower_photos).
    private static readonly (string Prefix, ImageCredit Credit)[] Sources =
    [
        ("ox17_", new("M.-E. Nilsback & A. Zisserman (VGG, Oxford)", "research use (Oxford 17 Category Flower Dataset)",
            "Nilsback & Zisserman, A Visual Vocabulary for Flower Classification, CVPR 2006", new DateOnly(2006, 6, 17))),
        ("tff_", new("Flickr contributors (TensorFlow flower_photos)", "CC BY (authors listed in flower_photos LICENSE.txt)",
            "TensorFlow flower_photos data set", new DateOnly(2016, 1, 1))),
        ("seed_", new("T. M. Giselsson et al. (Aarhus University)", "research use (Plant Seedlings Dataset)",
            "Giselsson et al., A Public Image Database for Benchmark of Plant Seedling Classification Algorithms, arXiv:1711.05458, 2017",
            new DateOnly(2017, 11, 15))),
        ("leafsnap_", new("N. Kumar et al. (LeafSnap)", "research use (LeafSnap data set)",
            "Kumar et al., Leafsnap: A Computer Vision System for Automatic Plant Species Identification, ECCV 2012", new DateOnly(2012, 10, 7))),
    ];

    /// <summary>
    /// The date of a photo of unknown provenance: the Unix epoch, so that the field keeps its
    /// documented type (a client reads <c>date.string</c> of every image) without inventing a date.
    /// </summary>
    public static readonly DateOnly UnknownDate = new(1970, 1, 1);

    /// <summary>The photo's own credit when its bundle keeps one (floras built from GBIF), else its data set's.</summary>
    public static ImageCredit CreditFor(Bundles.ReferenceImage image) => image.Credit is { } c
        ? new ImageCredit(c.Author, c.License, c.Citation, c.Date ?? UnknownDate)
        : CreditFor(image.Path);

    public static ImageCredit CreditFor(string path)
    {
        var file = Path.GetFileName(path);
        foreach (var (prefix, credit) in Sources)
            if (file.StartsWith(prefix, StringComparison.Ordinal)) return credit;
        return new ImageCredit("unknown", "unknown", "", UnknownDate);
    }

    /// <summary>The contract's date: milliseconds since the Unix epoch (UTC midnight) and the English long form ("June 17, 2006").</summary>
    public static ApiDate ToApiDate(DateOnly date) => new(
        new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds(),
        date.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture));
}
