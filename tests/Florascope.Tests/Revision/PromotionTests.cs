using Florascope.Evaluation;

namespace Florascope.Tests.Revision;

public sealed class PromotionTests
{
    [Fact]
    public void ABetterOrEqualModelIsPromoted()
    {
        Assert.True(Promotion.Decide(0.9620, 0.9600).Promote);
        Assert.True(Promotion.Decide(0.9600, 0.9600).Promote);
    }

    [Fact]
    public void AWorseModelIsKeptOutUnlessTheDropIsAllowed()
    {
        var refused = Promotion.Decide(0.9500, 0.9620);
        Assert.False(refused.Promote);
        Assert.Contains("0.9500 vs 0.9620 (-0.0120)", refused.Reason, StringComparison.Ordinal);
        Assert.True(Promotion.Decide(0.9500, 0.9620, maxDrop: 0.02).Promote);
        Assert.False(Promotion.Decide(0.9500, 0.9620, maxDrop: 0.01).Promote);
    }

    [Fact]
    public void WithoutACurrentModelTheCandidateIsPromotedAndWithoutMetricsItIsNot()
    {
        Assert.True(Promotion.Decide(0.5, null).Promote);
        Assert.False(Promotion.Decide(double.NaN, 0.5).Promote);
    }
}
