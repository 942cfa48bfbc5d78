namespace Florascope.Data.Models;

/// <summary>
/// A candidate model and the decision about it: its metrics and the current model's on the same
/// fixed evaluation set, whether it was promoted, and why. The row with <see cref="IsCurrent"/>
/// names the model the servers load (they poll for a change and switch without a restart).
/// </summary>
public sealed class ModelVersion
{
    public int Id { get; set; }
    public required string Version { get; set; }
    /// <summary>The bundle's folder.</summary>
    public required string Path { get; set; }
    /// <summary>
    /// The bundle's key folder in the shared object store (<c>&lt;version&gt;/</c> under <c>models/</c>, see
    /// <see cref="BundleStore"/>) once uploaded; null when it is only at <see cref="Path"/> on the node that trained it.
    /// </summary>
    public string? BundleKey { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>Metrics of this model on the evaluation set (JSON of Florascope.Evaluation's report).</summary>
    public string MetricsJson { get; set; } = "{}";
    /// <summary>The model it was compared with and that model's metrics on the same set.</summary>
    public string? BaselineVersion { get; set; }
    public string? BaselineMetricsJson { get; set; }
    public bool Promoted { get; set; }
    public string Decision { get; set; } = "";
    /// <summary>Photos of valid observations added to the base data to train it.</summary>
    public int ObservationPhotos { get; set; }
    public bool IsCurrent { get; set; }
}
