using Microsoft.ML;
using Microsoft.ML.Data;

namespace Florascope.Bench.MlNet;

public sealed class ImagePathRow
{
    public string ImagePath { get; set; } = "";
}

public sealed class FeaturesRow
{
    [VectorType(512)]
    public float[] Features { get; set; } = [];
}

/// <summary>
/// What a C# developer gets from the ML.NET documentation: load, resize to 224x224, extract
/// pixels, ResNet18 featurizer; one prediction through a PredictionEngine.
/// </summary>
public sealed class MlNetBaseline : IDisposable
{
    private readonly PredictionEngine<ImagePathRow, FeaturesRow> _engine;
    private readonly ImagePathRow _row;

    public MlNetBaseline(string imagePath)
    {
        var ml = new MLContext(seed: 1);
        var folder = Path.GetDirectoryName(Path.GetFullPath(imagePath))!;
        _row = new ImagePathRow { ImagePath = Path.GetFileName(imagePath) };
        var pipeline = ml.Transforms.LoadImages("Image", folder, nameof(ImagePathRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", imageWidth: 224, imageHeight: 224))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
            .Append(ml.Transforms.DnnFeaturizeImage("Features", m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), "Pixels"));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(new[] { _row }));
        _engine = ml.Model.CreatePredictionEngine<ImagePathRow, FeaturesRow>(model);
    }

    public float[] Predict() => _engine.Predict(_row).Features;

    public void Dispose() => _engine.Dispose();
}
