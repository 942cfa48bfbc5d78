using System.Diagnostics;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Build;

/// <summary>
/// CI systems often set NUGET_PACKAGES without a trailing slash; the project file must still find
/// the ResNet18 ONNX files in the package folder (a server without them dies at start).
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackageRootTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheOnnxFilesAreFoundWithOrWithoutATrailingSlash(bool trailingSlash)
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        root = root.TrimEnd('/') + (trailingSlash ? "/" : "");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "msbuild", "src/Florascope/Florascope.csproj", "-getItem:None", $"-property:NuGetPackageRoot={root}" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start dotnet.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);

        var items = JsonNode.Parse(await stdout)!["Items"]!["None"]!.AsArray().Select(i => i!["Identity"]!.GetValue<string>()).ToList();
        var onnx = items.Where(i => i.EndsWith(".onnx", StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["ResNet18.onnx", "ResNetPreprocess.onnx"], onnx);
        Assert.All(items.Where(i => i.EndsWith(".onnx", StringComparison.Ordinal)), i => Assert.True(File.Exists(i), i));
    }
}
