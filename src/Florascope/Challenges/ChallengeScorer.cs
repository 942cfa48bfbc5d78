using System.Globalization;
using System.Text;

namespace Florascope.Challenges;

/// <summary>A run or truth file that breaks the format, with the line (from 1) where it does; 0 for the file as a whole.</summary>
public sealed class RunFileException(string file, int line, string message)
    : Exception(line > 0 ? $"{file}:{line}: {message}" : $"{file}: {message}")
{
    public int Line { get; } = line;
    public string Reason { get; } = message;
}

/// <summary>One problem of a run file: its line (from 1; 0 for the file as a whole) and why.</summary>
public sealed record RunFileError(int Line, string Reason);

/// <summary>The rank of the true class of each test observation in a run (0: not predicted), from one pass over it.</summary>
public sealed record RankedRun(byte[] TrueRank, byte[] PredictionCounts, long Predictions);

/// <summary>A run checked whole: its errors (at most the number asked for), or its ranks when there are none.</summary>
public sealed record RunCheck(IReadOnlyList<RunFileError> Errors, RankedRun? Ranks)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>The scores of one run against the truth (LifeCLEF's: MRR, macro-averaged MRR, top-1, top-5).</summary>
public sealed record ChallengeScores(double Mrr, double MacroMrr, double Top1, double Top5, int Observations, int Classes, int Predicted, long Predictions);

/// <summary>
/// The truth of a challenge's test set: one class per observation, read from <c>ObservationId;ClassId</c>
/// lines. Ids are the challenge's published strings; they are numbered here in order of appearance.
/// </summary>
public sealed class ChallengeTruth
{
    private ChallengeTruth(Dictionary<string, int> observations, Dictionary<string, int> classes, int[] truth, string[] ids)
    {
        Observations = observations;
        Classes = classes;
        TrueClass = truth;
        ObservationIds = ids;
    }

    // Concrete dictionaries: the scorer looks ids up as spans of its line buffer (alternate lookup).
    internal Dictionary<string, int> Observations { get; }
    internal Dictionary<string, int> Classes { get; }

    /// <summary>The true class of each observation (by index).</summary>
    public IReadOnlyList<int> TrueClass { get; }

    /// <summary>The published id of each observation (by index).</summary>
    public IReadOnlyList<string> ObservationIds { get; }

    /// <summary>Reads a truth file; <paramref name="knownClasses"/> adds the classes the challenge publishes beyond those in the truth.</summary>
    public static ChallengeTruth Read(Stream stream, string name = "truth", IEnumerable<string>? knownClasses = null)
    {
        var observations = new Dictionary<string, int>(StringComparer.Ordinal);
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var truth = new List<int>();
        var ids = new List<string>();
        RunFile.ForEachLine(stream, name, (number, bytes) =>
        {
            var fields = Encoding.UTF8.GetString(bytes).Split(';');
            if (fields.Length != 2) throw new RunFileException(name, number, $"expected 2 fields (ObservationId;ClassId), found {fields.Length}");
            var (observation, cls) = (fields[0].Trim(), fields[1].Trim());
            if (observation.Length == 0 || cls.Length == 0) throw new RunFileException(name, number, "an empty id");
            if (!observations.TryAdd(observation, truth.Count)) throw new RunFileException(name, number, $"observation {observation} is given twice");
            if (!classes.TryGetValue(cls, out var c)) classes[cls] = c = classes.Count;
            truth.Add(c);
            ids.Add(observation);
        });
        if (truth.Count == 0) throw new RunFileException(name, 0, "the file is empty");
        foreach (var k in knownClasses ?? []) classes.TryAdd(k.Trim(), classes.Count);
        return new ChallengeTruth(observations, classes, [.. truth], [.. ids]);
    }
}

/// <summary>
/// The run file format (LifeCLEF): text, one prediction per line, <c>ObservationId;ClassId;Probability;Rank</c>,
/// semicolon separated, no header, UTF-8. Probability in [0, 1]; ranks from 1 without gaps, unique per
/// observation and in order of probability (a higher rank never has a higher probability; equal ones are
/// ties); at most <see cref="MaxPredictions"/> per observation; observations and classes as published.
/// </summary>
public static class RunFile
{
    public const int MaxPredictions = 30;

    /// <summary>A line longer than this is refused (a file without line breaks would otherwise be held whole).</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>A line's bytes (without its line break), valid UTF-8, with its number.</summary>
    public delegate void LineHandler(int number, ReadOnlySpan<byte> line);

    /// <summary>
    /// Each non-empty line's bytes, checked as UTF-8 (refused at the very line they are on), handed over from the
    /// read buffer without a string per line (a line cut by the buffer's end is carried over once); a UTF-8 byte
    /// order mark is skipped. The scorer reads millions of lines with it.
    /// </summary>
    public static long ForEachLine(Stream stream, string name, LineHandler handle)
    {
        var buffer = new byte[1 << 16];
        var carry = new byte[MaxLineBytes + 1];
        var carried = 0;
        var number = 0;
        long lines = 0;
        var first = true;
        int read;
        void Emit(ReadOnlySpan<byte> line)
        {
            number++;
            if (line.Length > MaxLineBytes) throw new RunFileException(name, number, $"a line longer than {MaxLineBytes} bytes");
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (line.IsEmpty) return;
            if (!System.Text.Unicode.Utf8.IsValid(line)) throw new RunFileException(name, number, "unreadable encoding: the file must be UTF-8 text");
            lines++;
            handle(number, line);
        }
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            if (first && read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) start = 3;
            first = false;
            while (start < read)
            {
                var end = Array.IndexOf(buffer, (byte)'\n', start, read - start);
                if (end < 0)
                {
                    var rest = read - start;
                    if (carried + rest > MaxLineBytes) throw new RunFileException(name, number + 1, $"a line longer than {MaxLineBytes} bytes");
                    buffer.AsSpan(start, rest).CopyTo(carry.AsSpan(carried));
                    carried += rest;
                    break;
                }
                if (carried > 0)
                {
                    if (carried + end - start > MaxLineBytes) throw new RunFileException(name, number + 1, $"a line longer than {MaxLineBytes} bytes");
                    buffer.AsSpan(start, end - start).CopyTo(carry.AsSpan(carried));
                    Emit(carry.AsSpan(0, carried + end - start));
                    carried = 0;
                }
                else
                {
                    Emit(buffer.AsSpan(start, end - start));
                }
                start = end + 1;
            }
        }
        if (carried > 0) Emit(carry.AsSpan(0, carried));
        return lines;
    }
}

/// <summary>
/// Scores a run against the truth in one pass over the run, keeping per observation only its predictions'
/// ranks and probabilities (at most 30 each): memory follows the test set, not the run's size. Pure.
/// </summary>
public static class ChallengeScorer
{
    /// <summary>The scores of a run over all test observations; the first problem of the file is thrown (<see cref="RunFileException"/>).</summary>
    public static ChallengeScores Score(ChallengeTruth truth, Stream run, string name = "run")
    {
        var ranks = Rank(truth, run, name, (line, reason) => throw new RunFileException(name, line, reason));
        return Scores(truth, ranks)!;
    }

    /// <summary>
    /// Checks a whole run and lists up to <paramref name="maxErrors"/> problems (a line with a problem is skipped;
    /// an unreadable line or one too long ends the check), or gives its ranks when there is none.
    /// </summary>
    public static RunCheck Check(ChallengeTruth truth, Stream run, string name = "run", int maxErrors = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxErrors, 1);
        var errors = new List<RunFileError>();
        try
        {
            var ranks = Rank(truth, run, name, (line, reason) =>
            {
                errors.Add(new RunFileError(line, reason));
                if (errors.Count >= maxErrors) throw new TooManyErrors();
            });
            return errors.Count == 0 ? new RunCheck([], ranks) : new RunCheck(errors, null);
        }
        catch (TooManyErrors)
        {
            return new RunCheck(errors, null);
        }
        catch (RunFileException e)
        {
            // The reader's own refusals (encoding, line length) end the check: what follows cannot be read reliably.
            errors.Add(new RunFileError(e.Line, e.Reason));
            return new RunCheck(errors, null);
        }
    }

    private sealed class TooManyErrors : Exception;

    /// <summary>
    /// One pass over a run: the rank of each observation's true class. <paramref name="error"/> hears of each
    /// problem (a line with one is skipped); it may throw to stop.
    /// </summary>
    private static RankedRun Rank(ChallengeTruth truth, Stream run, string name, Action<int, string> error)
    {
        var n = truth.TrueClass.Count;
        var max = RunFile.MaxPredictions;
        // Per observation: how many predictions, which ranks were given (a bit each), the probability at each
        // rank, the rank of the true class (0: not predicted), and whether a class was predicted twice.
        var counts = new byte[n];
        var ranksSeen = new uint[n];
        var probabilities = new float[n * max];
        var trueRank = new byte[n];
        var predicted = new int[n * max];
        long predictions = 0;
        var lineErrors = 0;
        var observations = truth.Observations.GetAlternateLookup<ReadOnlySpan<char>>();
        var classIds = truth.Classes.GetAlternateLookup<ReadOnlySpan<char>>();
        var chars = new char[RunFile.MaxLineBytes];
        RunFile.ForEachLine(run, name, (number, line) =>
        {
            // One decoding into a reused buffer; fields and ids are spans of it: no string per line.
            ReadOnlySpan<char> text = chars.AsSpan(0, Encoding.UTF8.GetChars(line, chars));
            Span<Range> fields = stackalloc Range[5];
            void Fail(string reason)
            {
                lineErrors++;
                error(number, reason);
            }
            if (text.Split(fields, ';') != 4) { Fail($"expected 4 fields (ObservationId;ClassId;Probability;Rank), found {text.Count(';') + 1}"); return; }
            var observationId = text[fields[0]].Trim();
            if (!observations.TryGetValue(observationId, out var o)) { Fail($"unknown observation {observationId}"); return; }
            var classId = text[fields[1]].Trim();
            if (!classIds.TryGetValue(classId, out var c)) { Fail($"unknown class {classId}"); return; }
            var pField = text[fields[2]].Trim();
            if (!double.TryParse(pField, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || double.IsNaN(p) || p < 0 || p > 1)
            { Fail($"probability {pField} is not a number in [0, 1]"); return; }
            var rField = text[fields[3]].Trim();
            if (!int.TryParse(rField, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rank) || rank < 1)
            { Fail($"rank {rField} is not a whole number from 1"); return; }
            if (rank > max || counts[o] >= max) { Fail($"more than {max} predictions for observation {observationId}"); return; }
            if ((ranksSeen[o] & (1u << (rank - 1))) != 0) { Fail($"rank {rank} is given twice for observation {observationId}"); return; }
            for (var j = 0; j < counts[o]; j++)
                if (predicted[o * max + j] == c) { Fail($"class {classId} is predicted twice for observation {observationId}"); return; }
            predicted[o * max + counts[o]] = c;
            ranksSeen[o] |= 1u << (rank - 1);
            counts[o]++;
            probabilities[o * max + rank - 1] = (float)p;
            if (c == truth.TrueClass[o]) trueRank[o] = (byte)rank;
            predictions++;
        });
        if (predictions == 0 && lineErrors == 0) error(0, "the file is empty");

        // Ranks 1..k without gaps, probabilities never rising with the rank.
        for (var o = 0; o < n; o++)
        {
            var k = counts[o];
            if (k == 0) continue;
            if (ranksSeen[o] != (1u << k) - 1)
            {
                error(0, $"observation {truth.ObservationIds[o]}: ranks must run from 1 to {k} without gaps");
                continue;
            }
            for (var r = 1; r < k; r++)
            {
                if (probabilities[o * max + r] > probabilities[o * max + r - 1])
                {
                    error(0, $"observation {truth.ObservationIds[o]}: rank {r + 1} has a higher probability than rank {r}");
                    break;
                }
            }
        }
        return new RankedRun(trueRank, counts, predictions);
    }

    /// <summary>
    /// The scores from the rank of the true class of each observation (0: absent from the run, scores 0), over the
    /// observations <paramref name="include"/> keeps (all by default); null when it keeps none.
    /// </summary>
    public static ChallengeScores? Scores(ChallengeTruth truth, RankedRun ranks, Func<int, bool>? include = null)
    {
        var trueRank = ranks.TrueRank;
        var classes = truth.Classes.Count;
        var sumByClass = new double[classes];
        var countByClass = new int[classes];
        double sum = 0;
        int n = 0, top1 = 0, top5 = 0, predicted = 0;
        long predictions = 0;
        for (var o = 0; o < truth.TrueClass.Count; o++)
        {
            if (include is not null && !include(o)) continue;
            n++;
            if (ranks.PredictionCounts[o] > 0) predicted++;
            predictions += ranks.PredictionCounts[o];
            var r = trueRank[o];
            var rr = r == 0 ? 0 : 1.0 / r;
            sum += rr;
            sumByClass[truth.TrueClass[o]] += rr;
            countByClass[truth.TrueClass[o]]++;
            if (r == 1) top1++;
            if (r is >= 1 and <= 5) top5++;
        }
        if (n == 0) return null;
        // Macro: each class of the test set weighs the same, whatever its number of observations.
        var tested = Enumerable.Range(0, classes).Where(c => countByClass[c] > 0).ToList();
        var macro = tested.Average(c => sumByClass[c] / countByClass[c]);
        return new ChallengeScores(sum / n, macro, (double)top1 / n, (double)top5 / n, n, tested.Count, predicted, predictions);
    }
}
