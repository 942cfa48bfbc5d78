namespace Florascope.Learning;

/// <summary>Temperature scaling (Guo et al., 2017): one scalar T so that softmax(z / T) is calibrated.</summary>
public static class Calibration
{
    /// <summary>Mean negative log-likelihood of the labels under softmax(logits / t).</summary>
    public static double NegativeLogLikelihood(IReadOnlyList<float[]> logits, IReadOnlyList<int> labels, double t)
    {
        var total = 0.0;
        for (var i = 0; i < logits.Count; i++)
        {
            var z = logits[i];
            var max = z.Max() / t;
            var sum = 0.0;
            foreach (var v in z) sum += Math.Exp(v / t - max);
            total += max + Math.Log(sum) - z[labels[i]] / t;
        }
        return total / logits.Count;
    }

    /// <summary>The temperature minimising NLL, by golden-section search on log T in [1/50, 50].</summary>
    public static double FitTemperature(IReadOnlyList<float[]> logits, IReadOnlyList<int> labels)
    {
        if (logits.Count == 0) return 1.0;
        double lo = Math.Log(0.02), hi = Math.Log(50);
        var phi = (Math.Sqrt(5) - 1) / 2;
        double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
        double fa = NegativeLogLikelihood(logits, labels, Math.Exp(a)), fb = NegativeLogLikelihood(logits, labels, Math.Exp(b));
        for (var iter = 0; iter < 80; iter++)
        {
            if (fa < fb) { hi = b; b = a; fb = fa; a = hi - phi * (hi - lo); fa = NegativeLogLikelihood(logits, labels, Math.Exp(a)); }
            else { lo = a; a = b; fa = fb; b = lo + phi * (hi - lo); fb = NegativeLogLikelihood(logits, labels, Math.Exp(b)); }
        }
        return Math.Exp((lo + hi) / 2);
    }
}
