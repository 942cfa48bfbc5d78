using System.CommandLine;

namespace Florascope.Cli;

/// <summary><c>florascope flora</c>: floras built from GBIF occurrence downloads and imported from checklists.</summary>
public static class FloraCommand
{
    public static Command Create() => new("flora", "Floras: build one from a GBIF occurrence download, import a checklist as a project.")
    {
        FloraBuildCommand.Create(),
        ImportChecklistCommand.Create(),
    };
}
