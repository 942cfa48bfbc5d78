using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Florascope.Revision;

/// <summary>A crowd file that cannot be read; the message names the file and the place.</summary>
public sealed class CrowdFileException(string message) : Exception(message);

/// <summary>A crowd read from peerannot files, with the worker names as written in the files.</summary>
public sealed record PeerannotCrowd(CrowdVotes Votes, IReadOnlyList<string> WorkerNames, int AiVotes);

/// <summary>
/// The file formats of the open <c>peerannot</c> library, so that published crowd data sets can be
/// reprocessed: <c>answers.json</c> = {"task": {"worker": label}}, tasks numbered from 0, integer
/// labels, the worker "AI" being the model; <c>authors.txt</c> = line i is the author of task i
/// (-1 unknown); the AI scores file = {"task": top score}.
/// </summary>
public static class PeerannotFiles
{
    public const string AiWorker = "AI";

    /// <summary>Task numbers and labels must be below this.</summary>
    private const int MaxIndex = 100_000_000;

    public static PeerannotCrowd Read(string answersPath, string? authorsPath, string? aiScoresPath)
    {
        var workers = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        int WorkerId(string name)
        {
            if (!workers.TryGetValue(name, out var id)) { id = names.Count; workers[name] = id; names.Add(name); }
            return id;
        }

        var votes = new List<(int Task, int Worker, int Label)>();
        var ai = new Dictionary<int, int>();
        var maxTask = -1;
        var bytes = ReadAll(answersPath);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            Expect(ref reader, JsonTokenType.StartObject, answersPath);
            while (Next(ref reader, answersPath) != JsonTokenType.EndObject)
            {
                var task = ParseIndex(reader.GetString()!, answersPath, "task");
                maxTask = Math.Max(maxTask, task);
                Expect(ref reader, JsonTokenType.StartObject, answersPath);
                while (Next(ref reader, answersPath) != JsonTokenType.EndObject)
                {
                    var worker = reader.GetString()!;
                    if (Next(ref reader, answersPath) != JsonTokenType.Number || !reader.TryGetInt32(out var label) || label < 0)
                        throw new CrowdFileException($"{answersPath}: task {task}, worker '{worker}': the label must be a non-negative integer.");
                    // Labels index per-label counters: bound them as task numbers are bounded.
                    if (label >= MaxIndex)
                        throw new CrowdFileException($"{answersPath}: task {task}, worker '{worker}': label {label} is too large (labels are numbered from 0, below {MaxIndex}).");
                    if (worker == AiWorker) ai[task] = label;
                    else votes.Add((task, WorkerId(worker), label));
                }
            }
        }
        catch (JsonException e)
        {
            throw new CrowdFileException($"{answersPath}: not valid JSON ({e.Message}).");
        }

        var authors = new List<int>();
        if (authorsPath is not null)
        {
            var lines = ReadLines(authorsPath).ToList();
            // Line i is task i: a blank line would shift every later author, so only trailing ones are allowed.
            while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
            var line = 0;
            foreach (var raw in lines)
            {
                line++;
                var text = raw.Trim();
                if (text.Length == 0) throw new CrowdFileException($"{authorsPath}, line {line}: empty; write -1 for an unknown author.");
                if (text == "-1") { authors.Add(-1); continue; }
                // Authors are named like the workers of answers.json (integers in the published sets).
                if (text.Any(char.IsWhiteSpace)) throw new CrowdFileException($"{authorsPath}, line {line}: one author per line.");
                authors.Add(WorkerId(text));
            }
        }

        var aiScores = new Dictionary<int, float>();
        if (aiScoresPath is not null)
        {
            var scoreBytes = ReadAll(aiScoresPath);
            try
            {
                var reader = new Utf8JsonReader(scoreBytes);
                Expect(ref reader, JsonTokenType.StartObject, aiScoresPath);
                while (Next(ref reader, aiScoresPath) != JsonTokenType.EndObject)
                {
                    var task = ParseIndex(reader.GetString()!, aiScoresPath, "task");
                    if (Next(ref reader, aiScoresPath) != JsonTokenType.Number || !reader.TryGetDouble(out var score) || !(score is >= 0 and <= 1))
                        throw new CrowdFileException($"{aiScoresPath}: task {task}: the score must be a number between 0 and 1.");
                    aiScores[task] = (float)score;
                }
            }
            catch (JsonException e)
            {
                throw new CrowdFileException($"{aiScoresPath}: not valid JSON ({e.Message}).");
            }
        }
        else if (ai.Count > 0)
        {
            throw new CrowdFileException($"{answersPath} has votes of the worker \"AI\": give its top scores with --ai-scores (the model only votes where its score is at least the threshold).");
        }

        var taskCount = Math.Max(maxTask + 1, authors.Count);
        var builder = new CrowdVotesBuilder(taskCount);
        builder.Reserve(0, names.Count);
        foreach (var (task, worker, label) in votes) builder.AddVote(task, worker, label);
        for (var t = 0; t < authors.Count; t++) builder.SetAuthor(t, authors[t]);
        foreach (var (task, label) in ai)
            builder.SetAi(task, label, aiScores.TryGetValue(task, out var s) ? s
                : throw new CrowdFileException($"{aiScoresPath}: no score for task {task}, which the worker \"AI\" voted on."));
        return new PeerannotCrowd(builder.Build(), names, ai.Count);
    }

    /// <summary>Writes {"tasks": {...}, "workers": {...}}; the model appears as worker "AI" with its fixed weight.</summary>
    public static void Write(Stream output, PeerannotCrowd crowd, AggregationResult result, AggregationSettings settings)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = true });
        w.WriteStartObject();
        w.WriteStartObject("tasks");
        for (var t = 0; t < crowd.Votes.TaskCount; t++)
        {
            w.WriteStartObject(t.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("label", result.Label[t]);
            w.WriteNumber("conf", Math.Round(result.Confidence[t], 6));
            w.WriteNumber("acc", Math.Round(result.Accuracy[t], 6));
            w.WriteBoolean("valid", result.Valid[t]);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("workers");
        for (var j = 0; j < crowd.WorkerNames.Count; j++)
        {
            w.WriteStartObject(crowd.WorkerNames[j]);
            w.WriteNumber("n", result.WorkerN[j]);
            w.WriteNumber("weight", Math.Round(result.WorkerWeight[j], 6));
            w.WriteEndObject();
        }
        if (crowd.AiVotes > 0)
        {
            w.WriteStartObject(AiWorker);
            w.WriteNumber("n", 0);
            w.WriteNumber("weight", settings.AiWeight);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static byte[] ReadAll(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CrowdFileException($"Cannot read {path}: {e.Message}"); }
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try { return File.ReadAllLines(path, Encoding.UTF8); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CrowdFileException($"Cannot read {path}: {e.Message}"); }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read()) throw new CrowdFileException($"{path}: the JSON ends too early.");
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path)
    {
        if (Next(ref reader, path) != type)
            throw new CrowdFileException($"{path}: expected {(type == JsonTokenType.StartObject ? "an object" : type.ToString())} at byte {reader.TokenStartIndex}.");
    }

    private static int ParseIndex(string text, string path, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < MaxIndex
            ? i : throw new CrowdFileException($"{path}: '{text}' is not a {what} number (tasks are numbered from 0).");
}
