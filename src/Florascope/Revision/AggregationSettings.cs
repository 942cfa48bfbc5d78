namespace Florascope.Revision;

/// <summary>
/// Parameters of the weighted vote (Lefort, Charlier, Joly &amp; Salmon 2024; peerannot's
/// <c>PlantNet</c>). Defaults are the published ones; bound from <c>Florascope:Revision</c>.
/// </summary>
public sealed record AggregationSettings
{
    /// <summary>w = n^Alpha - n^Beta + Gamma.</summary>
    public double Alpha { get; init; } = 0.5;
    public double Beta { get; init; } = 0.2;
    public double Gamma { get; init; } = Math.Log(2.1);
    /// <summary>Valid when accuracy &gt; ThetaAccuracy and confidence &gt; ThetaConfidence (strict, as published).</summary>
    public double ThetaAccuracy { get; init; } = 0.7;
    public double ThetaConfidence { get; init; } = 2.0;
    /// <summary>The model votes with this fixed weight, only where its calibrated top score is at least <see cref="AiMinScore"/>.</summary>
    public double AiWeight { get; init; } = 1.7;
    public double AiMinScore { get; init; } = 0.7;
    /// <summary>
    /// The iteration stops when the mean absolute change of n_j per task is at most this, after
    /// at least <see cref="MinRounds"/> rounds. 0 (the default) means "until n_j stops changing",
    /// the rule as described; the reference uses 1e-5.
    /// </summary>
    public double Tolerance { get; init; }
    public int MinRounds { get; init; } = 1;
    public int MaxRounds { get; init; } = 100;

    public static AggregationSettings Default { get; } = new();

    /// <summary>A user's weight from the number of taxa they proved.</summary>
    public double Weight(int n) => n <= 0 ? Gamma : Math.Pow(n, Alpha) - Math.Pow(n, Beta) + Gamma;

    public void Validate()
    {
        if (!(Gamma > 0) || !double.IsFinite(Alpha) || !double.IsFinite(Beta)) throw new ArgumentException("Revision: Gamma must be positive, Alpha and Beta finite.");
        if (!(ThetaAccuracy is >= 0 and < 1)) throw new ArgumentException("Revision: ThetaAccuracy must be in [0, 1).");
        if (!(ThetaConfidence >= 0)) throw new ArgumentException("Revision: ThetaConfidence must be >= 0.");
        if (!(AiWeight >= 0) || !(AiMinScore is >= 0 and <= 1)) throw new ArgumentException("Revision: AiWeight must be >= 0 and AiMinScore in [0, 1].");
        if (MinRounds < 1 || MaxRounds < MinRounds || !(Tolerance >= 0)) throw new ArgumentException("Revision: need 1 <= MinRounds <= MaxRounds and Tolerance >= 0.");
    }
}
