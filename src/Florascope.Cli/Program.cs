using System.CommandLine;
using Florascope.Cli;

var root = new RootCommand("Florascope: identify plants from photos, train and evaluate the identification model.");
root.Subcommands.Add(IdentifyCommand.Create());
root.Subcommands.Add(SurveyCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(ApiKeyCommand.Create());
root.Subcommands.Add(UserCommand.Create());
root.Subcommands.Add(ReviseCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(ThreatsCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(FloraCommand.Create());
root.Subcommands.Add(ChallengeCommand.Create());
// Asynchronous actions get a token that Ctrl+C cancels.
return await root.Parse(args).InvokeAsync();
