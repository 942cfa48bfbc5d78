namespace Florascope.Evaluation;

/// <summary>Whether a candidate model replaces the current one, and why in one sentence.</summary>
public sealed record PromotionDecision(bool Promote, string Reason);

/// <summary>
/// The promotion rule: a candidate is promoted only if its macro MRR on the fixed evaluation set is
/// not worse than the current model's by more than <c>maxDrop</c> (0 by default: not worse at all).
/// Macro MRR weighs every taxon equally, so a model that gets better on common taxa by forgetting
/// rare ones is not promoted.
/// </summary>
public static class Promotion
{
    public static PromotionDecision Decide(double candidateMacroMrr, double? currentMacroMrr, double maxDrop = 0)
    {
        if (!double.IsFinite(candidateMacroMrr)) return new(false, "The candidate has no macro MRR on the evaluation set.");
        if (currentMacroMrr is not { } current) return new(true, $"No current model: promoted with macro MRR {candidateMacroMrr:F4}.");
        var delta = candidateMacroMrr - current;
        // Metrics are printed to 4 decimals; a difference below 1e-9 is equality.
        return delta >= -maxDrop - 1e-9
            ? new(true, $"Macro MRR {candidateMacroMrr:F4} vs {current:F4} ({delta:+0.0000;-0.0000;0.0000}), allowed drop {maxDrop:F4}: promoted.")
            : new(false, $"Macro MRR {candidateMacroMrr:F4} vs {current:F4} ({delta:+0.0000;-0.0000;0.0000}) is worse than the allowed drop {maxDrop:F4}: kept the current model.");
    }
}
