namespace Florascope.Bench;

/// <summary>Building a flora from a GBIF download: photos/s end to end and the 46-taxon build time.</summary>
public static class FloraBenchmark
{
    public static int Run(string[] args) => throw new NotImplementedException();
}
