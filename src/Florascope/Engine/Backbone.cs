using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Florascope.Engine;

/// <summary>Settings of the network runtime.</summary>
public sealed record BackboneOptions
{
    /// <summary>Folder holding ResNet18Onnx/ResNet18.onnx and ResNetPrepOnnx/ResNetPreprocess.onnx.</summary>
    public string ModelDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    /// <summary>Threads used inside one network run (0 = ONNX Runtime's default: one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Where the batch-dynamic copy of the network is kept (default: ~/.cache/florascope or $FLORASCOPE_CACHE).</summary>
    public string CacheDirectory { get; init; } = Training.EmbeddingCache.DefaultDirectory;
}

/// <summary>
/// The ImageNet ResNet18 of the ML.NET package, run with ONNX Runtime: 224x224 planar RGB in
/// 0..255 in, a 512-d embedding out. One session, reused and safe to call from several threads.
/// The package's ResNetPreprocess.onnx only subtracts a fixed mean image, so it is run once at
/// start-up to read that mean, which is then subtracted while the input tensor is filled.
/// </summary>
public sealed class Backbone : IDisposable
{
    public const int InputSize = 224;
    public const int Dim = 512;
    public const int PlaneSize = InputSize * InputSize;
    public const int ImageFloats = 3 * PlaneSize;
    private const string InputName = "Input247";
    private const string OutputName = "Pooling395_Output_0";

    private readonly InferenceSession _session;
    private readonly float[] _mean;

    public Backbone(BackboneOptions? options = null)
    {
        options ??= new BackboneOptions();
        var netPath = Path.Combine(options.ModelDirectory, "ResNet18Onnx", "ResNet18.onnx");
        var prepPath = Path.Combine(options.ModelDirectory, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        if (!File.Exists(netPath) || !File.Exists(prepPath))
            throw new FileNotFoundException($"The ResNet18 ONNX files are missing under {options.ModelDirectory}.");

        using (var stream = File.OpenRead(netPath)) Sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));

        using var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
        };
        // The patched model is written once to the cache and loaded by path: three managed copies
        // of 60 MB of weights at every start would double the memory of a one-shot CLI run.
        var patchedPath = PatchedModelPath(netPath, Sha256, options.CacheDirectory);
        _session = patchedPath is not null
            ? new InferenceSession(patchedPath, so)
            : new InferenceSession(OnnxBatchPatch.MakeBatchDynamic(File.ReadAllBytes(netPath), PatchedTensors), so);
        _mean = ReadMeanImage(prepPath);
    }

    /// <summary>SHA-256 of the ResNet18.onnx file as shipped (before the batch patch).</summary>
    public string Sha256 { get; }

    /// <summary>The value subtracted from each input float (planar RGB, 3x224x224).</summary>
    public ReadOnlySpan<float> MeanImage => _mean;

    /// <summary>
    /// Fills one slot of a batch tensor from a 224x224 RGBA pixel buffer, seen through one of the
    /// eight symmetries of the square (<see cref="Views"/>), minus the mean image.
    /// </summary>
    public void FillInput(ReadOnlySpan<byte> rgba, int view, Span<float> slot)
    {
        if (rgba.Length < PlaneSize * 4 || slot.Length < ImageFloats)
            throw new ArgumentException("A 224x224 image and a slot of 3x224x224 floats are needed.");
        var mean = _mean.AsSpan();
        const int last = InputSize - 1;
        for (var y = 0; y < InputSize; y++)
        {
            for (var x = 0; x < InputSize; x++)
            {
                var (sx, sy) = view switch
                {
                    0 => (x, y),
                    1 => (last - x, y),
                    2 => (y, last - x),
                    3 => (last - x, last - y),
                    4 => (last - y, x),
                    5 => (x, last - y),
                    6 => (y, x),
                    _ => (last - y, last - x),
                };
                var p = (sy * InputSize + sx) * 4;
                var i = y * InputSize + x;
                slot[i] = rgba[p] - mean[i];
                slot[PlaneSize + i] = rgba[p + 1] - mean[PlaneSize + i];
                slot[2 * PlaneSize + i] = rgba[p + 2] - mean[2 * PlaneSize + i];
            }
        }
    }

    /// <summary>Number of views: identity, mirror, rotations by 90/180/270, vertical flip, the two transposes.</summary>
    public const int Views = 8;

    /// <summary>Runs the network on <paramref name="count"/> prepared inputs; writes count x 512 floats.</summary>
    public void Run(float[] inputs, int count, Span<float> embeddings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (inputs.Length < count * ImageFloats || embeddings.Length < count * Dim)
            throw new ArgumentException("Buffers too small for the batch.");
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            inputs.AsMemory(0, count * ImageFloats), [count, 3, InputSize, InputSize]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [InputName], [input], [OutputName]);
        outputs[0].GetTensorDataAsSpan<float>()[..(count * Dim)].CopyTo(embeddings);
    }

    private static readonly HashSet<string> PatchedTensors = [InputName, OutputName];

    /// <summary>The batch-dynamic copy of the model in the cache folder, made if missing; null if the folder is not writable.</summary>
    private static string? PatchedModelPath(string netPath, string sha256, string cacheDirectory)
    {
        var path = Path.Combine(cacheDirectory, $"resnet18-dynamic-batch-{sha256[..16]}.onnx");
        if (File.Exists(path)) return path;
        try
        {
            Directory.CreateDirectory(cacheDirectory);
            var temp = path + "." + Guid.NewGuid().ToString("N")[..8];
            File.WriteAllBytes(temp, OnnxBatchPatch.MakeBatchDynamic(File.ReadAllBytes(netPath), PatchedTensors));
            File.Move(temp, path, overwrite: true);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static float[] ReadMeanImage(string prepPath)
    {
        using var prep = new InferenceSession(prepPath);
        var inName = prep.InputMetadata.Keys.Single();
        var outName = prep.OutputMetadata.Keys.Single();
        var dims = prep.InputMetadata[inName].Dimensions.Select(d => d <= 0 ? 1L : d).ToArray();
        var n = (int)dims.Aggregate(1L, (a, d) => a * d);
        if (n != ImageFloats) throw new InvalidDataException($"Unexpected preprocessing input of {n} floats.");
        using var zeros = OrtValue.CreateTensorValueFromMemory(new float[n], dims);
        using var ro = new RunOptions();
        using var outputs = prep.Run(ro, [inName], [zeros], [outName]);
        // f(0) = 0 - mean; check linearity on a second point so a different preprocessing is noticed.
        var negMean = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var probe = Enumerable.Repeat(100f, n).ToArray();
        using var probeValue = OrtValue.CreateTensorValueFromMemory(probe, dims);
        using var probeOut = prep.Run(ro, [inName], [probeValue], [outName]);
        var shifted = probeOut[0].GetTensorDataAsSpan<float>();
        for (var i = 0; i < n; i += 997)
            if (Math.Abs(shifted[i] - (100f + negMean[i])) > 1e-3f)
                throw new InvalidDataException("ResNetPreprocess.onnx is not a mean subtraction; the fused preprocessing would be wrong.");
        return Array.ConvertAll(negMean, v => -v);
    }

    public void Dispose() => _session.Dispose();
}
