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

/// <summary>The scores of one run against the truth (LifeCLEF's: MRR, macro-averaged MRR, top-1, top-5).</summary>
public sealed record ChallengeScores(double Mrr, double MacroMrr, double Top1, double Top5, int Observations, int Classes, int Predicted, long Predictions);

/// <summary>
/// The truth of a challenge's test set: one class per observation, read from <c>ObservationId;ClassId</c>
/// lines. Ids are the challenge's published strings; they are numbered here in order of appearance.
/// </summary>
public sealed class ChallengeTruth
{
    private ChallengeTruth(Dictionary<string, int> observations, Dictionary<string, int> classes, int[] truth)
    {
        Observations = observations;
        Classes = classes;
        TrueClass = truth;
    }

    // Concrete dictionaries: the scorer looks ids up as spans of its line buffer (alternate lookup).
    internal Dictionary<string, int> Observations { get; }
    internal Dictionary<string, int> Classes { get; }

    /// <summary>The true class of each observation (by index).</summary>
    public IReadOnlyList<int> TrueClass { get; }

    /// <summary>Reads a truth file; <paramref name="knownClasses"/> adds the classes the challenge publishes beyond those in the truth.</summary>
    public static ChallengeTruth Read(Stream stream, string name = "truth", IEnumerable<string>? knownClasses = null)
    {
        var observations = new Dictionary<string, int>(StringComparer.Ordinal);
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var truth = new List<int>();
        RunFile.ForEachLine(stream, name, (number, bytes) =>
        {
            var fields = Encoding.UTF8.GetString(bytes).Split(';');
            if (fields.Length != 2) throw new RunFileException(name, number, $"expected 2 fields (ObservationId;ClassId), found {fields.Length}");
            var (observation, cls) = (fields[0].Trim(), fields[1].Trim());
            if (observation.Length == 0 || cls.Length == 0) throw new RunFileException(name, number, "an empty id");
            if (!observations.TryAdd(observation, truth.Count)) throw new RunFileException(name, number, $"observation {observation} is given twice");
            if (!classes.TryGetValue(cls, out var c)) classes[cls] = c = classes.Count;
            truth.Add(c);
        });
        if (truth.Count == 0) throw new RunFileException(name, 0, "the file is empty");
        foreach (var k in knownClasses ?? []) classes.TryAdd(k.Trim(), classes.Count);
        return new ChallengeTruth(observations, classes, [.. truth]);
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
    public static ChallengeScores Score(ChallengeTruth truth, Stream run, string name = "run")
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
        var observations = truth.Observations.GetAlternateLookup<ReadOnlySpan<char>>();
        var classIds = truth.Classes.GetAlternateLookup<ReadOnlySpan<char>>();
        var chars = new char[RunFile.MaxLineBytes];
        RunFile.ForEachLine(run, name, (number, line) =>
        {
            // One decoding into a reused buffer; fields and ids are spans of it: no string per line.
            ReadOnlySpan<char> text = chars.AsSpan(0, Encoding.UTF8.GetChars(line, chars));
            Span<Range> fields = stackalloc Range[5];
            if (text.Split(fields, ';') != 4) throw new RunFileException(name, number, $"expected 4 fields (ObservationId;ClassId;Probability;Rank), found {text.Count(';') + 1}");
            var observationId = text[fields[0]].Trim();
            if (!observations.TryGetValue(observationId, out var o)) throw new RunFileException(name, number, $"unknown observation {observationId}");
            var classId = text[fields[1]].Trim();
            if (!classIds.TryGetValue(classId, out var c)) throw new RunFileException(name, number, $"unknown class {classId}");
            var pField = text[fields[2]].Trim();
            if (!double.TryParse(pField, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || double.IsNaN(p) || p < 0 || p > 1)
                throw new RunFileException(name, number, $"probability {pField} is not a number in [0, 1]");
            var rField = text[fields[3]].Trim();
            if (!int.TryParse(rField, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rank) || rank < 1)
                throw new RunFileException(name, number, $"rank {rField} is not a whole number from 1");
            if (rank > max || counts[o] >= max) throw new RunFileException(name, number, $"more than {max} predictions for observation {observationId}");
            if ((ranksSeen[o] & (1u << (rank - 1))) != 0) throw new RunFileException(name, number, $"rank {rank} is given twice for observation {observationId}");
            for (var j = 0; j < counts[o]; j++)
                if (predicted[o * max + j] == c) throw new RunFileException(name, number, $"class {classId} is predicted twice for observation {observationId}");
            predicted[o * max + counts[o]] = c;
            ranksSeen[o] |= 1u << (rank - 1);
            counts[o]++;
            probabilities[o * max + rank - 1] = (float)p;
            if (c == truth.TrueClass[o]) trueRank[o] = (byte)rank;
            predictions++;
        });
        if (predictions == 0) throw new RunFileException(name, 0, "the file is empty");

        // Ranks 1..k without gaps, probabilities never rising with the rank.
        for (var o = 0; o < n; o++)
        {
            var k = counts[o];
            if (k == 0) continue;
            // The id is looked for only when there is something to say (a scan of the truth).
            string Id(int index) => truth.Observations.First(e => e.Value == index).Key;
            if (ranksSeen[o] != (1u << k) - 1)
                throw new RunFileException(name, 0, $"observation {Id(o)}: ranks must run from 1 to {k} without gaps");
            for (var r = 1; r < k; r++)
                if (probabilities[o * max + r] > probabilities[o * max + r - 1])
                    throw new RunFileException(name, 0, $"observation {Id(o)}: rank {r + 1} has a higher probability than rank {r}");
        }
        return Scores(truth, trueRank, counts.Count(x => x > 0), predictions);
    }

    /// <summary>The scores from the rank of the true class of each observation (0: absent from the run, scores 0).</summary>
    public static ChallengeScores Scores(ChallengeTruth truth, IReadOnlyList<byte> trueRank, int predicted, long predictions)
    {
        var n = truth.TrueClass.Count;
        var classes = truth.Classes.Count;
        var sumByClass = new double[classes];
        var countByClass = new int[classes];
        double sum = 0;
        int top1 = 0, top5 = 0;
        for (var o = 0; o < n; o++)
        {
            var r = trueRank[o];
            var rr = r == 0 ? 0 : 1.0 / r;
            sum += rr;
            sumByClass[truth.TrueClass[o]] += rr;
            countByClass[truth.TrueClass[o]]++;
            if (r == 1) top1++;
            if (r is >= 1 and <= 5) top5++;
        }
        // Macro: each class of the test set weighs the same, whatever its number of observations.
        var tested = Enumerable.Range(0, classes).Where(c => countByClass[c] > 0).ToList();
        var macro = tested.Average(c => sumByClass[c] / countByClass[c]);
        return new ChallengeScores(sum / n, macro, (double)top1 / n, (double)top5 / n, n, tested.Count, predicted, predictions);
    }
}
