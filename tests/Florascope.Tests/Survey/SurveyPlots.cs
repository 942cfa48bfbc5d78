using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Survey;

/// <summary>Plots made of validation photos: a 2 x 2 mosaic of four taxa, each photo upscaled to a cell.</summary>
public static class SurveyPlots
{
    public static readonly string[] Taxa = ["Helianthus_annuus", "Taraxacum_officinale", "Acer_palmatum", "Zea_mays"];

    private static readonly Lazy<byte[]> Default = new(() => Mosaic(1000));

    /// <summary>The 2000 x 2000 mosaic of <see cref="Taxa"/> (made once).</summary>
    public static byte[] FourTaxa => Default.Value;

    public static byte[] Mosaic(int cell, IReadOnlyList<string>? taxa = null)
    {
        taxa ??= Taxa;
        using var bitmap = new SKBitmap(2 * cell, 2 * cell);
        using (var canvas = new SKCanvas(bitmap))
        {
            for (var i = 0; i < taxa.Count; i++)
            {
                using var photo = SKBitmap.Decode(RepoPaths.ValPhotosOf(taxa[i])[0]);
                using var image = SKImage.FromBitmap(photo);
                canvas.DrawImage(image, new SKRect(i % 2 * cell, i / 2 * cell, (i % 2 + 1) * cell, (i / 2 + 1) * cell), new SKSamplingOptions(SKFilterMode.Linear));
            }
        }
        using var encoded = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
        return encoded.ToArray();
    }

    /// <summary>The first validation photo of <paramref name="taxon"/> stretched to <paramref name="width"/> x <paramref name="height"/> px.</summary>
    public static byte[] Photo(string taxon, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var photo = SKBitmap.Decode(RepoPaths.ValPhotosOf(taxon)[0]);
            using var image = SKImage.FromBitmap(photo);
            canvas.DrawImage(image, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear));
        }
        using var encoded = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
        return encoded.ToArray();
    }
}
