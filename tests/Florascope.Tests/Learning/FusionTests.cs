using Florascope.Learning;

namespace Florascope.Tests.Learning;

public sealed class FusionTests
{
    private const float Tol = 1e-4f;

    private static float[] Log(params float[] probs) => [.. probs.Select(p => MathF.Log(p))];

    // Two photos over three classes. Photo A is sure of class 0, photo B says class 0 is near impossible.
    private static readonly List<float[]> Disagreeing = [Log(0.90f, 0.09f, 0.01f), Log(0.01f, 0.60f, 0.39f)];

    [Fact]
    public void MeanProbabilityAveragesProbabilities()
    {
        // (0.90 + 0.01) / 2 = 0.455, (0.09 + 0.60) / 2 = 0.345, (0.01 + 0.39) / 2 = 0.2
        var fused = Fusion.Combine(Disagreeing, FusionRule.MeanProbability);
        AssertClose([0.455f, 0.345f, 0.2f], fused);
        Assert.Equal(0, VectorMath.ArgMax(fused));
    }

    [Fact]
    public void GeometricMeanNormalisesTheRootOfTheProduct()
    {
        // sqrt(0.90*0.01) = 0.094868, sqrt(0.09*0.60) = 0.232379, sqrt(0.01*0.39) = 0.062450; sum 0.389697
        //   -> 0.243441, 0.596304, 0.160254
        var fused = Fusion.Combine(Disagreeing, FusionRule.GeometricMean);
        AssertClose([0.243441f, 0.596304f, 0.160254f], fused);
        Assert.Equal(1, VectorMath.ArgMax(fused));
    }

    [Fact]
    public void ProductNormalisesTheProduct()
    {
        // 0.009, 0.054, 0.0039; sum 0.0669 -> 0.134529, 0.807175, 0.058296
        var fused = Fusion.Combine(Disagreeing, FusionRule.Product);
        AssertClose([0.134529f, 0.807175f, 0.058296f], fused);
        Assert.Equal(1, VectorMath.ArgMax(fused));
    }

    [Fact]
    public void RulesDisagreeWhenOnePhotoVetoesAClass()
    {
        // The arithmetic mean follows the confident photo; the geometric rules let photo B veto class 0.
        Assert.Equal(0, VectorMath.ArgMax(Fusion.Combine(Disagreeing, FusionRule.MeanProbability)));
        Assert.Equal(1, VectorMath.ArgMax(Fusion.Combine(Disagreeing, FusionRule.GeometricMean)));
        Assert.Equal(1, VectorMath.ArgMax(Fusion.Combine(Disagreeing, FusionRule.Product)));
        // The product counts each photo as independent evidence: sharper than the geometric mean.
        Assert.True(Fusion.Combine(Disagreeing, FusionRule.Product).Max() > Fusion.Combine(Disagreeing, FusionRule.GeometricMean).Max());
    }

    [Theory]
    [InlineData(FusionRule.MeanProbability)]
    [InlineData(FusionRule.GeometricMean)]
    [InlineData(FusionRule.Product)]
    public void EveryRuleGivesADistribution(FusionRule rule)
    {
        var rng = new Random(7);
        List<float[]> rows = [.. Enumerable.Range(0, 4).Select(_ => RandomLogProbs(rng, 12))];
        var fused = Fusion.Combine(rows, rule);
        Assert.Equal(12, fused.Length);
        Assert.Equal(1f, fused.Sum(), 1e-5f);
        Assert.All(fused, p => Assert.InRange(p, 0f, 1f));
    }

    [Theory]
    [InlineData(FusionRule.MeanProbability)]
    [InlineData(FusionRule.GeometricMean)]
    [InlineData(FusionRule.Product)]
    public void OnePhotoIsReturnedAsItsProbabilities(FusionRule rule)
    {
        var fused = Fusion.Combine([Log(0.7f, 0.2f, 0.1f)], rule);
        AssertClose([0.7f, 0.2f, 0.1f], fused);
    }

    [Fact]
    public void ProductStaysFiniteForVeryUnlikelyClasses()
    {
        // Five photos at log-probability -80: exp(-400) underflows, the softmax of sums must not.
        List<float[]> rows = [.. Enumerable.Range(0, 5).Select(_ => new[] { -80f, -81f, -0f })];
        var fused = Fusion.Combine(rows, FusionRule.Product);
        Assert.All(fused, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(1f, fused.Sum(), 1e-5f);
        Assert.Equal(2, VectorMath.ArgMax(fused));
    }

    [Theory]
    [InlineData(FusionRule.MeanProbability)]
    [InlineData(FusionRule.GeometricMean)]
    [InlineData(FusionRule.Product)]
    public void NothingToFuseThrows(FusionRule rule) =>
        Assert.Throws<ArgumentException>(() => Fusion.Combine([], rule));

    [Fact]
    public void RestrictRenormalisesOverTheAllowedClasses()
    {
        float[] probs = [0.4f, 0.1f, 0.3f, 0.2f];
        var restricted = Fusion.Restrict(probs, new HashSet<int> { 1, 3 });
        // 0.1 / 0.3 and 0.2 / 0.3; the others are out of the flora.
        AssertClose([0f, 1f / 3, 0f, 2f / 3], restricted);
        Assert.Equal(1f, restricted.Sum(), 1e-6f);
        Assert.Equal([0.4f, 0.1f, 0.3f, 0.2f], probs); // the input is left alone
    }

    [Fact]
    public void RestrictToEverythingIsTheIdentity()
    {
        float[] probs = [0.5f, 0.25f, 0.25f];
        AssertClose(probs, Fusion.Restrict(probs, new HashSet<int> { 0, 1, 2 }));
    }

    [Fact]
    public void RestrictWithNoMassLeftIsAllZeros()
    {
        Assert.Equal([0f, 0f, 0f], Fusion.Restrict([1f, 0f, 0f], new HashSet<int> { 1, 2 }));
        Assert.Equal([0f, 0f], Fusion.Restrict([0.5f, 0.5f], new HashSet<int>()));
    }

    private static float[] RandomLogProbs(Random rng, int k)
    {
        var z = new float[k];
        for (var i = 0; i < k; i++) z[i] = (float)(rng.NextDouble() * 10 - 5);
        VectorMath.LogSoftmax(z);
        return z;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < Tol, $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
