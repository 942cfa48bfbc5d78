using System.Text;
using System.Text.Json;
using Florascope.Revision;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Revision;

/// <summary>
/// peerannot's files: answers.json = {"task": {"worker": label}}, authors.txt (line i = author of
/// task i, -1 unknown), the AI scores = {"task": top score}; the output is
/// {"tasks": {"t": {"label", "conf", "acc", "valid"}}, "workers": {"name": {"n", "weight"}}}.
/// gamma = ln 2.1 = 0.741937.
/// </summary>
public sealed class PeerannotFilesTests : IDisposable
{
    private const double Tol = 1e-6;
    private static readonly AggregationSettings S = AggregationSettings.Default;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text) => _dir.File(name, Encoding.UTF8.GetBytes(text));

    private static JsonDocument RunAndWrite(PeerannotCrowd crowd, out AggregationResult result)
    {
        result = LabelAggregation.Run(crowd.Votes, S);
        using var stream = new MemoryStream();
        PeerannotFiles.Write(stream, crowd, result, S);
        return JsonDocument.Parse(stream.ToArray());
    }

    private static JsonElement TaskOf(JsonDocument doc, int t) => doc.RootElement.GetProperty("tasks").GetProperty(t.ToString(System.Globalization.CultureInfo.InvariantCulture));
    private static JsonElement WorkerOf(JsonDocument doc, string name) => doc.RootElement.GetProperty("workers").GetProperty(name);

    [Fact]
    public void ReadsRunsAndWritesASmallCrowd()
    {
        var answers = Write("answers.json", """
            {
              "0": {"alice": 0, "bob": 0, "carol": 0},
              "1": {"dave": 1, "AI": 1},
              "3": {"bob": 2, "carol": 3, "AI": 3}
            }
            """);
        var authors = Write("authors.txt", "alice\ndave\nerin\n-1\n");
        var scores = Write("ai-scores.json", """{"1": 0.9, "3": 0.5}""");

        var crowd = PeerannotFiles.Read(answers, authors, scores);
        Assert.Equal(["alice", "bob", "carol", "dave", "erin"], crowd.WorkerNames);
        Assert.Equal(2, crowd.AiVotes);
        Assert.Equal(4, crowd.Votes.TaskCount);
        Assert.Equal(6, crowd.Votes.VoteCount);   // 3 + 1 + 2: the model's votes are not worker votes
        Assert.Equal([0, 3, 4, -1], crowd.Votes.Author);

        using var doc = RunAndWrite(crowd, out var result);
        // Round 0 (all gamma):
        //   task 0: 3 x 0.741937 = 2.225812, acc 1 -> valid.
        //   task 1: dave 0.741937 + the model 1.7 (score 0.9 >= 0.7) = 2.441937, acc 1 -> valid.
        //   task 2: no vote -> label -1.
        //   task 3: the model (score 0.5) does not count; bob 2 vs carol 3 -> tie -> 2, conf 0.741937, acc 0.5.
        // Expertise: alice authored valid task 0 (taxon 0) -> 1; dave authored valid task 1 -> 1;
        //   bob voted the label of {0, 2} -> round(0.2) = 0; carol {0} -> 0; erin nothing -> 0.
        //   n = 1 weighs gamma as n = 0: nothing moves; round 2 changes nothing -> 2 rounds.
        Assert.Equal(2, result.Rounds);
        Assert.True(result.Converged);

        var t0 = TaskOf(doc, 0);
        Assert.Equal(0, t0.GetProperty("label").GetInt32());
        Assert.Equal(2.225812, t0.GetProperty("conf").GetDouble(), Tol);
        Assert.Equal(1.0, t0.GetProperty("acc").GetDouble(), Tol);
        Assert.True(t0.GetProperty("valid").GetBoolean());

        var t1 = TaskOf(doc, 1);
        Assert.Equal(1, t1.GetProperty("label").GetInt32());
        Assert.Equal(2.441937, t1.GetProperty("conf").GetDouble(), Tol);
        Assert.Equal(1.0, t1.GetProperty("acc").GetDouble(), Tol);
        Assert.True(t1.GetProperty("valid").GetBoolean());

        var t2 = TaskOf(doc, 2);
        Assert.Equal(-1, t2.GetProperty("label").GetInt32());
        Assert.Equal(0.0, t2.GetProperty("conf").GetDouble());
        Assert.Equal(0.0, t2.GetProperty("acc").GetDouble());
        Assert.False(t2.GetProperty("valid").GetBoolean());

        var t3 = TaskOf(doc, 3);
        Assert.Equal(2, t3.GetProperty("label").GetInt32());
        Assert.Equal(0.741937, t3.GetProperty("conf").GetDouble(), Tol);
        Assert.Equal(0.5, t3.GetProperty("acc").GetDouble(), Tol);
        Assert.False(t3.GetProperty("valid").GetBoolean());
        Assert.Equal(4, doc.RootElement.GetProperty("tasks").EnumerateObject().Count());

        foreach (var (name, n) in new[] { ("alice", 1), ("bob", 0), ("carol", 0), ("dave", 1), ("erin", 0) })
        {
            var w = WorkerOf(doc, name);
            Assert.Equal(n, w.GetProperty("n").GetInt32());
            Assert.Equal(0.741937, w.GetProperty("weight").GetDouble(), Tol);
        }
        // The model is listed with its fixed weight.
        Assert.Equal(0, WorkerOf(doc, "AI").GetProperty("n").GetInt32());
        Assert.Equal(1.7, WorkerOf(doc, "AI").GetProperty("weight").GetDouble(), Tol);
        Assert.Equal(6, doc.RootElement.GetProperty("workers").EnumerateObject().Count());
    }

    [Fact]
    public void ModelScoreOfExactlyTheThresholdInTheFileCounts()
    {
        // The model votes where its score is >= 0.7; "0.7" in the file must count.
        // label 3: 1.7 + 0.741937 = 2.441937 vs 0.741937 for 2; acc 2.441937 / 3.183875 = 0.766970 -> valid.
        var answers = Write("answers.json", """{"0": {"bob": 2, "carol": 3, "AI": 3}}""");
        var scores = Write("scores.json", """{"0": 0.7}""");
        using var doc = RunAndWrite(PeerannotFiles.Read(answers, null, scores), out _);
        var t0 = TaskOf(doc, 0);
        Assert.Equal(3, t0.GetProperty("label").GetInt32());
        Assert.Equal(2.441937, t0.GetProperty("conf").GetDouble(), Tol);
        Assert.Equal(0.766970, t0.GetProperty("acc").GetDouble(), Tol);
        Assert.True(t0.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void NumericWorkerNamesMatchTheAuthorsFile()
    {
        // As in the published sets, workers and authors are integers written as text.
        // Task 0: "12", "7", "3" all vote 5 -> 2.225812, valid; "12" authored it -> n = 1.
        // Task 1 (author unknown): "7" votes 4 alone -> not valid; "7" voted the label of {5, 4} -> round(0.2) = 0.
        var answers = Write("answers.json", """{"0": {"12": 5, "7": 5, "3": 5}, "1": {"7": 4}}""");
        var authors = Write("authors.txt", "12\n-1\n");
        var crowd = PeerannotFiles.Read(answers, authors, null);
        Assert.Equal(["12", "7", "3"], crowd.WorkerNames);
        Assert.Equal(0, crowd.AiVotes);

        using var doc = RunAndWrite(crowd, out _);
        Assert.Equal(1, WorkerOf(doc, "12").GetProperty("n").GetInt32());
        Assert.Equal(0, WorkerOf(doc, "7").GetProperty("n").GetInt32());
        Assert.True(TaskOf(doc, 0).GetProperty("valid").GetBoolean());
        Assert.Equal(4, TaskOf(doc, 1).GetProperty("label").GetInt32());
        Assert.False(TaskOf(doc, 1).GetProperty("valid").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("workers").TryGetProperty("AI", out _));   // no model, no "AI"
    }

    [Fact]
    public void WorkerNamesAreEscapedInTheOutput()
    {
        var answers = Write("answers.json", """{"0": {"o\"neil": 1, "zoé": 1}}""");
        var crowd = PeerannotFiles.Read(answers, null, null);
        Assert.Equal(["o\"neil", "zoé"], crowd.WorkerNames);
        using var doc = RunAndWrite(crowd, out _);
        Assert.Equal(0, WorkerOf(doc, "o\"neil").GetProperty("n").GetInt32());
        Assert.Equal(0, WorkerOf(doc, "zoé").GetProperty("n").GetInt32());
        // 2 x 0.741937 = 1.483875: not valid.
        Assert.Equal(1.483875, TaskOf(doc, 0).GetProperty("conf").GetDouble(), Tol);
    }

    [Fact]
    public void ALaterAnswerOfTheSameWorkerWins()
    {
        // A repeated key: the JSON reader keeps both, the crowd keeps the last (one current vote).
        var answers = Write("answers.json", """{"0": {"alice": 1, "bob": 2, "alice": 2}}""");
        var crowd = PeerannotFiles.Read(answers, null, null);
        Assert.Equal(2, crowd.Votes.VoteCount);
        Assert.Equal([2, 2], crowd.Votes.VoteLabel);
    }

    // ---- bad inputs ----

    private void AssertFails(string? answersText, string? authorsText, string? scoresText, params string[] fragments)
    {
        var answers = answersText is null ? Path.Combine(_dir.Path, "missing-answers.json") : Write("answers.json", answersText);
        var authors = authorsText is null ? null : Write("authors.txt", authorsText);
        var scores = scoresText is null ? null : Write("scores.json", scoresText);
        var e = Assert.Throws<CrowdFileException>(() => PeerannotFiles.Read(answers, authors, scores));
        foreach (var f in fragments) Assert.Contains(f, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"0": {"alice": 0,, }}""")]
    [InlineData("""{"0": {"alice": 0""")]
    [InlineData("""{"0": {"alice" 0}}""")]
    [InlineData("")]
    public void MalformedJsonIsReported(string text) => AssertFails(text, null, null, "answers.json");

    [Fact]
    public void MalformedJsonSaysSo() =>
        AssertFails("""{"0": {"alice": 0,, }}""", null, null, "answers.json", "not valid JSON");

    [Fact]
    public void AnswersMustBeAnObject() =>
        AssertFails("[1, 2]", null, null, "answers.json", "expected an object");

    [Fact]
    public void EachTaskMustBeAnObject() =>
        AssertFails("""{"0": 3}""", null, null, "answers.json", "expected an object");

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"3\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("1e40")]
    public void NonIntegerLabelsAreRefused(string label) =>
        AssertFails($$$"""{"0": {"alice": {{{label}}}}}""", null, null, "answers.json", "task 0", "worker 'alice'", "non-negative integer");

    [Fact]
    public void NegativeLabelsAreRefused() =>
        AssertFails("""{"0": {"bob": 1}, "4": {"alice": -1}}""", null, null, "task 4", "worker 'alice'", "non-negative integer");

    [Fact]
    public void LabelsTooLargeForTheCountersAreRefused() =>
        // int.MaxValue + 1 labels cannot be counted; the file is at fault, not the program.
        AssertFails("""{"0": {"alice": 2147483647}}""", null, null, "answers.json", "task 0", "worker 'alice'", "too large");

    [Theory]
    [InlineData("a")]
    [InlineData("-1")]
    [InlineData("1.0")]
    [InlineData(" 1")]
    [InlineData("")]
    [InlineData("999999999999")]
    public void TaskKeysMustBeNumbers(string key) =>
        AssertFails($$$"""{"{{{key}}}": {"alice": 0}}""", null, null, "answers.json", $"'{key}' is not a task number");

    [Fact]
    public void EveryModelVoteNeedsItsScore() =>
        AssertFails("""{"0": {"AI": 0}, "1": {"AI": 1}}""", null, """{"0": 0.9}""", "scores.json", "no score for task 1");

    [Fact]
    public void ABlankLineInTheAuthorsWouldShiftThemAndIsRefused()
    {
        AssertFails("""{"0": {"a": 0}, "1": {"b": 0}}""", "a\n\nb\n", null, "authors.txt", "line 2", "-1");
        // Trailing blank lines are harmless.
        var crowd = PeerannotFiles.Read(Write("answers.json", """{"0": {"a": 0}}"""), Write("authors.txt", "a\n\n\n"), null);
        Assert.Equal(0, crowd.Votes.Author[0]);
    }

    [Fact]
    public void ModelVotesNeedScores() =>
        AssertFails("""{"0": {"alice": 0, "AI": 0}}""", null, null, "answers.json", "\"AI\"", "--ai-scores");

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("\"0.9\"")]
    [InlineData("null")]
    public void ScoresMustBeBetweenZeroAndOne(string score) =>
        AssertFails("""{"0": {"alice": 0, "AI": 0}}""", null, $$$"""{"0": {{{score}}}}""", "scores.json", "task 0", "between 0 and 1");

    [Fact]
    public void ScoreTaskKeysMustBeNumbers() =>
        AssertFails("""{"0": {"AI": 0}}""", null, """{"x": 0.9}""", "scores.json", "'x' is not a task number");

    [Fact]
    public void MalformedScoresAreReported() =>
        AssertFails("""{"0": {"AI": 0}}""", null, """{"0": 0.9""", "scores.json");

    [Fact]
    public void OneAuthorPerLine() =>
        AssertFails("""{"0": {"alice": 0}}""", "alice\nbob carol\n", null, "authors.txt, line 2", "one author per line");

    [Fact]
    public void MissingAnswersFileIsReported() =>
        AssertFails(null, null, null, "Cannot read", "missing-answers.json");

    [Fact]
    public void MissingAuthorsFileIsReported()
    {
        var answers = Write("answers.json", """{"0": {"alice": 0}}""");
        var authors = Path.Combine(_dir.Path, "no-authors.txt");
        var e = Assert.Throws<CrowdFileException>(() => PeerannotFiles.Read(answers, authors, null));
        Assert.Contains("Cannot read", e.Message, StringComparison.Ordinal);
        Assert.Contains("no-authors.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingScoresFileIsReported()
    {
        var answers = Write("answers.json", """{"0": {"alice": 0, "AI": 0}}""");
        var scores = Path.Combine(_dir.Path, "no-scores.json");
        var e = Assert.Throws<CrowdFileException>(() => PeerannotFiles.Read(answers, null, scores));
        Assert.Contains("Cannot read", e.Message, StringComparison.Ordinal);
        Assert.Contains("no-scores.json", e.Message, StringComparison.Ordinal);
    }
}
