namespace Florascope.Identification;

/// <summary>Author, licence and citation of a reference photo, from the source data set named by its file prefix.</summary>
public sealed record ImageCredit(string Author, string License, string Citation);

/// <summary>The provenance of the demo photos (data/README.md), by file-name prefix.</summary>
public static class ImageSources
{
    private static readonly (string Prefix, ImageCredit Credit)[] Sources =
    [
        ("ox17_", new("M.-E. Nilsback & A. Zisserman (VGG, Oxford)", "research use (Oxford 17 Category Flower Dataset)",
            "Nilsback & Zisserman, A Visual Vocabulary for Flower Classification, CVPR 2006")),
        ("tff_", new("Flickr contributors (TensorFlow flower_photos)", "CC BY (authors listed in flower_photos LICENSE.txt)",
            "TensorFlow flower_photos data set")),
        ("seed_", new("T. M. Giselsson et al. (Aarhus University)", "research use (Plant Seedlings Dataset)",
            "Giselsson et al., A Public Image Database for Benchmark of Plant Seedling Classification Algorithms, arXiv:1711.05458, 2017")),
        ("leafsnap_", new("N. Kumar et al. (LeafSnap)", "research use (LeafSnap data set)",
            "Kumar et al., Leafsnap: A Computer Vision System for Automatic Plant Species Identification, ECCV 2012")),
    ];

    public static ImageCredit CreditFor(string path)
    {
        var file = Path.GetFileName(path);
        foreach (var (prefix, credit) in Sources)
            if (file.StartsWith(prefix, StringComparison.Ordinal)) return credit;
        return new ImageCredit("unknown", "unknown", "");
    }
}
