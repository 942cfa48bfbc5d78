using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;

namespace Florascope.Bench;

/// <summary>
/// Stand-in for <c>florascope identify photo.jpg</c> when the command line cannot run: the same
/// steps as IdentifyCommand (load the bundle, create the backbone, identify one photo, print),
/// in a fresh process, so its peak memory can be read the same way.
/// </summary>
public static class IdentifyOnce
{
    public const string Argument = "identify-once";

    public static int Run(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine($"usage: Florascope.Bench {Argument} <photo> <bundle folder>");
            return 2;
        }
        var bundle = ModelBundle.Load(args[2]);
        var request = new IdentifyRequest { Images = [new IdentifyImage(File.ReadAllBytes(args[1]), FileName: Path.GetFileName(args[1]))], MaxResults = 5 };
        using var backbone = new Backbone(new BackboneOptions { IntraOpThreads = EngineBenchmark.Threads });
        var result = new IdentificationEngine(bundle, new Embedder(backbone)).Identify(request);
        foreach (var t in result.Results) Console.WriteLine($"{t.Score:F4}  {t.Taxon.ScientificName}");
        return 0;
    }
}
