namespace Florascope.Bench;

/// <summary>How training the heads and scoring one identification grow with the number of taxa (synthetic embeddings).</summary>
public static class HeadsScaleBenchmark
{
    public static int Run(string[] args) => throw new NotImplementedException();
}
