using Florascope.Species;

namespace Florascope.Tests.Species;

public sealed class ClassCentroidsTests
{
    [Fact]
    public void CentroidsAreNormalisedMeansOfEachClassAndSkipNonPlants()
    {
        // Two photos of class 0 along x and y, one of class 1 along x, one non-plant (-1) along z.
        float[] vectors = [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1];
        var centroids = ClassCentroids.Compute(vectors, [0, 0, 1, -1], 3, 3);
        var h = 1 / MathF.Sqrt(2);
        Assert.Equal([h, h, 0, 1, 0, 0, 0, 0, 0], centroids, new FloatTolerance(1e-6f));
    }

    [Fact]
    public void NearestClassesAreRankedByCosineWithoutTheTargetOrEmptyClasses()
    {
        // Class 0 along x; 1 at 45 degrees; 2 along y; 3 has no photos; 4 exactly like 1 (a tie, broken by label).
        var h = 1 / MathF.Sqrt(2);
        float[] centroids = [1, 0, h, h, 0, 1, 0, 0, h, h];
        var near = ClassCentroids.Nearest(centroids, 2, 0, 10);
        Assert.Equal([1, 4, 2], near.Select(n => n.Label));
        Assert.Equal(h, near[0].Similarity, 5);
        Assert.Equal(0, near[2].Similarity, 5);
        Assert.Equal([1], ClassCentroids.Nearest(centroids, 2, 0, 1).Select(n => n.Label));
    }

    [Fact]
    public void AnUnknownOrEmptyTargetHasNoNeighbours()
    {
        float[] centroids = [1, 0, 0, 0];
        Assert.Empty(ClassCentroids.Nearest(centroids, 2, 1, 5));
        Assert.Empty(ClassCentroids.Nearest(centroids, 2, 7, 5));
        Assert.Empty(ClassCentroids.Nearest(centroids, 2, -1, 5));
        Assert.Empty(ClassCentroids.Nearest(centroids, 2, 0, 0));
    }

    [Fact]
    public void VectorsThatDoNotMatchTheLabelsAreRefused() =>
        Assert.Throws<ArgumentException>(() => ClassCentroids.Compute(new float[5], [0, 1], 3, 2));

    [Fact]
    public void TheDemoModelFindsLookAlikesInItsReferenceEmbeddings()
    {
        // The shipped bundle: a maple's look-alikes are other trees' leaves (LeafSnap scans), never itself, most similar first.
        var bundle = Florascope.Bundles.ModelBundle.Load(TestSupport.RepoPaths.ModelBundle);
        var refs = bundle.References;
        var maple = bundle.Checklist.IndexOf("Acer campestre");
        var near = ClassCentroids.Nearest(refs.Centroids, refs.Dimension, maple, 5);
        Assert.Equal(5, near.Count);
        Assert.DoesNotContain(maple, near.Select(n => n.Label));
        Assert.Equal(near.OrderByDescending(n => n.Similarity).Select(n => n.Label), near.Select(n => n.Label));
        Assert.All(near, n => Assert.Equal("leaf", bundle.Checklist.Taxa[n.Label].DemoOrgan));
        Assert.All(near, n => Assert.InRange(n.Similarity, -1f, 1.0001f));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
