using System.CommandLine;

namespace Florascope.Cli;

/// <summary><c>florascope flora build</c>: a model bundle from a GBIF occurrence download.</summary>
public static class FloraBuildCommand
{
    public static Command Create() => new("build", "Build a flora (a trained model bundle) from a GBIF occurrence download.");
}
