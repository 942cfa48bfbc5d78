using System.Text.Json;
using Florascope.Data.Models;
using Florascope.Evaluation;
using Florascope.Learning;

namespace Florascope.Tests.Revision;

/// <summary>What a registration stores and prints of an evaluation (the evaluation itself runs in LearningLoopTests).</summary>
public sealed class ModelRegistryTests
{
    [Fact]
    public void AnEvaluationIsStoredAsJsonMetricsAndPrintedOnOneLine()
    {
        var report = new EvaluationReport
        {
            Metrics = new EvaluationMetrics { N = 40, Top1 = 0.5, Top5 = 0.9, Mrr = 0.65, MacroTop1 = 0.45, MacroTop5 = 0.85, MacroMrr = 0.6, Ece = 0.05 },
            PerTaxon = [],
            PlantRejected = 0.025,
            NonPlantAccepted = null,
        };

        var described = ModelRegistry.Describe("v1", report);

        Assert.Equal(("v1", 0.6), (described.Version, described.MacroMrr));
        var json = JsonSerializer.Deserialize<Dictionary<string, double?>>(described.MetricsJson)!;
        Assert.Equal(0.6, json["macroMrr"]);
        Assert.Equal(40, json["n"]);
        Assert.Null(json["nonPlantAccepted"]);
        Assert.Equal("n=40 top1=0.5000 top5=0.9000 macroMrr=0.6000 ece=0.0500 plantRejected=0.0250 nonPlantAccepted=0.0000", described.Summary);
    }
}
