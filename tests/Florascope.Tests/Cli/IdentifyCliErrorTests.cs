using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Cli;

/// <summary>Every refusal of <c>identify</c>: one line on stderr, exit 2, no stack trace.</summary>
[Trait("Category", "Slow")]
public sealed class IdentifyCliErrorTests
{
    private static string Photo(int i = 0) => RepoPaths.ValPhotosOf("Rosa")[i];

    /// <summary>A bad file, its name, and what the message must say about it.</summary>
    private static (string Name, byte[] Bytes, string Expected) BadFile(string kind) => kind switch
    {
        "empty" => ("empty.jpg", [], "empty"),
        "text" => ("notes.jpg", TestImages.TextFile(), "JPEG or PNG"),
        "truncated" => ("cut.jpg", TestImages.Jpeg(640, 480, SKColors.Olive, (new SKRect(50, 50, 300, 300), SKColors.Pink)) is var j ? j[..(j.Length / 2)] : [], "truncated"),
        "huge-png" => ("huge.png", TestImages.PngWithHeader(100_000, 100_000), ""),
        "gif" => ("anim.gif", TestImages.Gif1x1(), "GIF"),
        "webp" => ("photo.webp", TestImages.WebP(), "WEBP"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("huge-png")]
    [InlineData("gif")]
    [InlineData("webp")]
    public async Task BadImagesAreRefusedInOneLine(string kind)
    {
        CliAssert.BundleExists();
        using var dir = new TempDirectory();
        var (name, bytes, expected) = BadFile(kind);
        var path = dir.File(name, bytes);

        var r = await CliProcess.RunAsync("identify", path);

        var line = CliAssert.OneLineError(r);
        Assert.Empty(r.StdOut);
        Assert.Contains(name, line, StringComparison.Ordinal); // says which photo
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SixImagesAreTooMany()
    {
        var r = await CliProcess.RunAsync(["identify", .. Enumerable.Range(0, 6).Select(Photo)]);
        Assert.Contains("Too many images", CliAssert.OneLineError(r), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrgansMustMatchTheImages()
    {
        var r = await CliProcess.RunAsync("identify", Photo(0), Photo(1), "--organ", "leaf");
        Assert.Contains("1 organs for 2 images", CliAssert.OneLineError(r), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOrganIsRefused()
    {
        CliAssert.BundleExists();
        var r = await CliProcess.RunAsync("identify", Photo(), "--organ", "stem");
        var line = CliAssert.OneLineError(r);
        Assert.Contains("Unknown organ 'stem'", line, StringComparison.Ordinal);
        Assert.Contains("leaf", line, StringComparison.Ordinal); // and says what is allowed
    }

    [Fact]
    public async Task UnknownProjectIsRefused()
    {
        CliAssert.BundleExists();
        var r = await CliProcess.RunAsync("identify", Photo(), "--project", "antarctica");
        var line = CliAssert.OneLineError(r);
        Assert.Contains("Unknown project 'antarctica'", line, StringComparison.Ordinal);
        Assert.Contains("namerica", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownLanguageIsRefused()
    {
        CliAssert.BundleExists();
        var r = await CliProcess.RunAsync("identify", Photo(), "--lang", "tlh");
        var line = CliAssert.OneLineError(r);
        Assert.Contains("Unknown language 'tlh'", line, StringComparison.Ordinal);
        Assert.Contains("fr", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFileIsRefused()
    {
        CliAssert.BundleExists();
        var missing = Path.Combine(RepoPaths.Root, "no-such-photo.jpg");
        var r = await CliProcess.RunAsync("identify", missing);
        Assert.Contains(missing, CliAssert.OneLineError(r), StringComparison.Ordinal);
    }
}
