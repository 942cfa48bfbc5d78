using Florascope.Learning;

namespace Florascope.Tests.Learning;

public sealed class CalibrationTests
{
    /// <summary>
    /// Logits z with N(0, 3^2) entries over 8 classes and labels drawn from softmax(z / t0): the
    /// maximum-likelihood temperature of such data is t0.
    /// </summary>
    private static (List<float[]> Logits, List<int> Labels) Sample(double t0, int n, int seed)
    {
        const int k = 8;
        var rng = new Random(seed);
        var logits = new List<float[]>(n);
        var labels = new List<int>(n);
        var p = new double[k];
        for (var i = 0; i < n; i++)
        {
            var z = new float[k];
            for (var c = 0; c < k; c++) z[c] = (float)(3 * Gaussian(rng));
            var max = z.Max();
            var sum = 0.0;
            for (var c = 0; c < k; c++) sum += p[c] = Math.Exp((z[c] - max) / t0);
            var u = rng.NextDouble() * sum;
            var label = 0;
            while (label < k - 1 && (u -= p[label]) > 0) label++;
            logits.Add(z);
            labels.Add(label);
        }
        return (logits, labels);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Theory]
    [InlineData(2.5, 11)]
    [InlineData(0.5, 12)]
    public void RecoversTheTemperatureOfTheData(double t0, int seed)
    {
        var (logits, labels) = Sample(t0, 4000, seed);
        var t = Calibration.FitTemperature(logits, labels);
        Assert.InRange(t, t0 * 0.9, t0 * 1.1);
        Assert.True(Calibration.NegativeLogLikelihood(logits, labels, t) <= Calibration.NegativeLogLikelihood(logits, labels, 1.0));
    }

    [Fact]
    public void FittedTemperatureIsTheMinimumOfTheLikelihood()
    {
        var (logits, labels) = Sample(1.7, 2000, 13);
        var t = Calibration.FitTemperature(logits, labels);
        var best = Calibration.NegativeLogLikelihood(logits, labels, t);
        foreach (var factor in new[] { 0.8, 0.95, 1.05, 1.25 })
            Assert.True(best <= Calibration.NegativeLogLikelihood(logits, labels, t * factor) + 1e-9, $"NLL lower at {t * factor} than at {t}");
    }

    [Fact]
    public void NegativeLogLikelihoodByHand()
    {
        // logits [0, ln 3] at T = 1: softmax = [1/4, 3/4]; NLL of labels {1, 0} = (ln(4/3) + ln 4) / 2.
        List<float[]> logits = [[0f, MathF.Log(3)], [0f, MathF.Log(3)]];
        var expected = (Math.Log(4.0 / 3) + Math.Log(4)) / 2;
        Assert.Equal(expected, Calibration.NegativeLogLikelihood(logits, [1, 0], 1.0), 1e-6);
        // At T = 2 the logits halve: softmax = [1/(1+sqrt 3), sqrt 3/(1+sqrt 3)].
        var s3 = Math.Sqrt(3);
        Assert.Equal((Math.Log((1 + s3) / s3) + Math.Log(1 + s3)) / 2, Calibration.NegativeLogLikelihood(logits, [1, 0], 2.0), 1e-6);
    }

    [Fact]
    public void NoDataMeansNoChange() => Assert.Equal(1.0, Calibration.FitTemperature([], []));
}
