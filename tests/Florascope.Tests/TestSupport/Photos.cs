using System.Net.Http.Headers;

namespace Florascope.Tests.TestSupport;

/// <summary>An image file as a client uploads it: its name and bytes.</summary>
public sealed record Photo(string FileName, byte[] Data);

/// <summary>Real photos of the repository (data/demo-flora/val, data/non-plants/val) and multipart bodies made of them.</summary>
public static class Photos
{
    /// <summary>The <paramref name="index"/>-th val photo of a taxon folder (e.g. "Taraxacum_officinale").</summary>
    public static Photo Plant(string folder, int index = 0)
    {
        var path = RepoPaths.ValPhotosOf(folder)[index];
        return new Photo(Path.GetFileName(path), File.ReadAllBytes(path));
    }

    /// <summary>A non-plant photo by the end of its file name (e.g. "hammerhead").</summary>
    public static Photo NonPlant(string name)
    {
        var path = Directory.GetFiles(RepoPaths.NonPlantsVal, $"*{name}.jpg").Order(StringComparer.Ordinal).First();
        return new Photo(Path.GetFileName(path), File.ReadAllBytes(path));
    }

    public static Photo Made(string fileName, byte[] data) => new(fileName, data);

    /// <summary>
    /// The body real clients send (curl -F images=@a.jpg -F organs=leaf ...): one "images" file part
    /// per photo and, when <paramref name="organs"/> is given, one "organs" part per value, interleaved.
    /// </summary>
    public static MultipartFormDataContent Form(IReadOnlyList<Photo> photos, IReadOnlyList<string>? organs = null)
    {
        var form = new MultipartFormDataContent();
        for (var i = 0; i < Math.Max(photos.Count, organs?.Count ?? 0); i++)
        {
            if (i < photos.Count)
            {
                var file = new ByteArrayContent(photos[i].Data);
                file.Headers.ContentType = new MediaTypeHeaderValue(ContentTypeOf(photos[i].FileName));
                form.Add(file, "images", photos[i].FileName);
            }
            if (organs is not null && i < organs.Count) form.Add(new StringContent(organs[i]), "organs");
        }
        return form;
    }

    public static MultipartFormDataContent Form(Photo photo, string? organ = null) => Form([photo], organ is null ? null : [organ]);

    // Clients pick the part type from the file name, right or wrong.
    private static string ContentTypeOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        _ => "application/octet-stream",
    };
}
