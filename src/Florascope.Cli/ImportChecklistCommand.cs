using System.CommandLine;

namespace Florascope.Cli;

/// <summary><c>florascope flora import-checklist</c>: a Darwin Core checklist archive becomes a project in the database.</summary>
public static class ImportChecklistCommand
{
    public static Command Create() => new("import-checklist", "Import a Darwin Core checklist archive as a project (flora) stored in the database.");
}
