using System.Diagnostics;
using System.Globalization;
using System.Text;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Evaluation;
using Florascope.Learning;
using Florascope.Revision;
using Florascope.Taxonomy;
using Florascope.Training;

namespace Florascope.Bench;

/// <summary>
/// What the learning loop gains from community-validated observations, with real photos and the
/// real network. data/demo-flora/train is split per taxon (sorted file names) into a base part,
/// which trains a base model, and a community part, which simulated users observe: each community
/// photo is one observation with a simulated crowd (an author, 0-3 further voters) and the base
/// model's real vote. The crowd is aggregated (weighted vote, majority vote, authors' labels) and
/// models are retrained with the added photos (TrainOptions.ExtraTrain), then all are measured on
/// the fixed evaluation set data/demo-flora/val + data/non-plants/val.
/// Usage: loop [--seed N]
/// </summary>
public static class LearningLoopBenchmark
{
    /// <summary>Share of each taxon's training photos (first in file-name order, rounded up) in the base part.</summary>
    private const double BaseShare = 0.5;

    // The simulated crowd (documented in the section's preamble). Shapes follow SyntheticCrowd's
    // defaults (docs/synthetic-crowds.md), scaled down to a pool of a few hundred users.
    private const int DefaultSeed = 2024;
    private const int Users = 300;
    private const int Experts = 15;
    private const double ActivitySigma = 1.9;
    private const double ExpertVoteShare = 0.6;
    private const double CasualSkillA = 6, CasualSkillB = 0.75;
    private const double ExpertSkillA = 60, ExpertSkillB = 1.5;
    /// <summary>A wrong vote names the base model's best-ranked wrong taxon on that photo with this probability, else any other taxon.</summary>
    private const double ConfusableShare = 0.8;
    /// <summary>P(0, 1, 2, 3 further voters besides the author).</summary>
    private static readonly double[] ExtraVoterOdds = [0.4, 0.3, 0.2, 0.1];
    private const int Trainings = 5;
    private const int BootstrapResamples = 2000;

    private sealed record Arm(string Key, string What, IReadOnlyList<LabelledImage> Extra, int? RightLabels);

    /// <param name="Ranks">Rank of the true taxon of each val photo, for the paired bootstrap.</param>
    private sealed record Outcome(Arm Arm, EvaluationReport Report, int[] Ranks, double Seconds);

    public static int Run(string[] args)
    {
        var total = Stopwatch.StartNew();
        var root = EngineBenchmark.RepoRoot();
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var seed = int.Parse(Arg("--seed") ?? DefaultSeed.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var command = $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}";
        var report = new Report("loop");
        var data = Path.Combine(root, "data");
        var trainDir = Path.Combine(data, "demo-flora", "train");
        var valDir = Path.Combine(data, "demo-flora", "val");
        var nonPlantsDir = Path.Combine(data, "non-plants");
        var checklistPath = Path.Combine(data, "demo-flora", "checklist.tsv");
        Console.WriteLine($"Florascope learning-loop benchmark on {Report.Machine()}; seed {seed}");

        // 1. The split: per taxon, sorted file names, the first half (rounded up) is the base part.
        var checklist = Checklist.Load(checklistPath);
        var taxa = checklist.Taxa.Count;
        var all = ImageDataset.LoadTaxonFolders(trainDir, checklist);
        var basePart = new List<LabelledImage>();
        var community = new List<LabelledImage>();
        foreach (var g in all.GroupBy(i => i.Label).OrderBy(g => g.Key))
        {
            var files = g.OrderBy(i => Path.GetFileName(i.Path), StringComparer.Ordinal).ToList();
            var cut = (int)Math.Ceiling(files.Count * BaseShare);
            basePart.AddRange(files[..cut]);
            community.AddRange(files[cut..]);
        }
        var baseDir = LinkFolder(basePart, checklist);
        report.Add("Split of data/demo-flora/train", $"{basePart.Count:N0} base / {community.Count:N0} community",
            $"per taxon, file names sorted: the first {BaseShare:P0} (rounded up) base; {taxa} taxa");

        using var backbone = new Backbone(new BackboneOptions { IntraOpThreads = EngineBenchmark.Threads });
        var embedder = new Embedder(backbone);
        var cache = new EmbeddingCache(EmbeddingCache.DefaultDirectory, backbone.Sha256);
        var progress = new ConsoleProgress();
        var log = new IndentedLog(progress);
        var options = new TrainOptions
        {
            TrainDir = baseDir,
            ValDir = valDir,
            NonPlantsDir = nonPlantsDir,
            ChecklistPath = checklistPath,
            DataRoot = data,
        };

        // 2. The fixed evaluation set, embedded once under the views the policy may run.
        var have = Evaluator.PolicyViews(options.Inference);
        EmbeddedSet Embed(string stage, List<LabelledImage> items) => new(items,
            EmbeddingExtractor.Extract(embedder, cache, items.Select(i => i.Path).ToList(), have,
                new SyncProgress<(int Done, int Total)>(p => progress.Report((stage, p.Done, p.Total)))), have.Length);
        Console.WriteLine($"[{total.Elapsed.TotalSeconds,5:F0} s] Embedding the evaluation set and the community photos ({cache.Count:N0} embeddings cached)");
        var valSet = Embed("embed val", ImageDataset.LoadTaxonFolders(valDir, checklist));
        var nonPlantValSet = Embed("embed non-plants val", ImageDataset.LoadFlat(Path.Combine(nonPlantsDir, "val"), -1));
        var communitySet = Embed("embed community", community);
        progress.Break();

        var outcomes = new List<Outcome>();
        ModelBundle TrainAndEvaluate(Arm arm, int step)
        {
            Console.WriteLine($"[{total.Elapsed.TotalSeconds,5:F0} s] {step}/{Trainings} training {arm.Key} {arm.What}: {basePart.Count:N0} base + {arm.Extra.Count:N0} added photos");
            var clock = Stopwatch.StartNew();
            var bundle = new Trainer(embedder, cache, log).Train(options with { ExtraTrain = arm.Extra, Version = $"loop-{arm.Key.Trim('(', ')')}" }, progress);
            progress.Break();
            var r = Evaluator.Evaluate(bundle, valSet, nonPlantValSet);
            var ranks = Ranks(bundle, valSet, have);
            if (Math.Abs(ranks.Average(k => k == 1 ? 1.0 : 0.0) - r.Metrics.Top1) > 1e-9)
                report.Note($"{arm.Key}: the ranks used for the bootstrap do not give Evaluator's top-1; the intervals are suspect.");
            outcomes.Add(new Outcome(arm, r, ranks, clock.Elapsed.TotalSeconds));
            Console.WriteLine($"        -> top-1 {r.Metrics.Top1:P2}, top-5 {r.Metrics.Top5:P2}, macro MRR {r.Metrics.MacroMrr:F4}, ECE {r.Metrics.Ece:F4} ({clock.Elapsed.TotalSeconds:F0} s)");
            return bundle;
        }

        // 3. (a) the base model; its real votes on the community photos.
        var baseModel = TrainAndEvaluate(new Arm("(a)", "base part only", [], null), 1);
        var votes = ModelVotes(baseModel, communitySet, have);

        // 4. The simulated crowd, then the three ways of labelling the community photos.
        var truth = community.Select(i => i.Label).ToArray();
        var sim = SimulateCrowd(truth, votes, taxa, seed);
        var crowd = sim.Votes;
        DescribeCrowd(report, sim, truth, votes);

        var aggregation = Stopwatch.StartNew();
        var weighted = LabelAggregation.Run(crowd, AggregationSettings.Default);
        var aggregationMs = aggregation.Elapsed.TotalMilliseconds;
        var majority = LabelAggregation.MajorityVote(crowd);
        var majorityValid = INaturalistValid(crowd, majority);
        var authorLabels = Enumerable.Range(0, crowd.TaskCount).Select(t => crowd.VoteLabel[crowd.TaskStart[t]]).ToArray();
        Labels(report, "Weighted vote (LabelAggregation.Run, defaults, model confident at w 1.7)", weighted.Label, weighted.Valid, truth,
            $"valid: acc > 0.7 and conf > 2; {weighted.Rounds} rounds, converged {weighted.Converged}, {aggregationMs:F0} ms");
        Labels(report, "Majority vote (MajorityVote, humans only)", majority, majorityValid, truth,
            "valid: iNaturalist's community-taxon rule, more than one vote and more than 2/3 of them for the label");
        Labels(report, "Author's label", authorLabels, null, truth, "no validation: every community photo");

        // 5. The other training sets.
        List<LabelledImage> Photos(Func<int, bool> keep, int[] label) =>
            [.. Enumerable.Range(0, community.Count).Where(keep).Select(t => new LabelledImage(community[t].Path, label[t]))];
        int Right(Func<int, bool> keep, int[] label) => Enumerable.Range(0, community.Count).Count(t => keep(t) && label[t] == truth[t]);
        var arms = new[]
        {
            new Arm("(b)", "weighted vote: valid observations, weighted label", Photos(t => weighted.Valid[t], weighted.Label), Right(t => weighted.Valid[t], weighted.Label)),
            new Arm("(c)", "author's label: all community photos", Photos(_ => true, authorLabels), Right(_ => true, authorLabels)),
            new Arm("(d)", "majority vote: valid by the iNaturalist rule, majority label", Photos(t => majorityValid[t], majority), Right(t => majorityValid[t], majority)),
            new Arm("(e)", "true label: all community photos (upper bound)", Photos(_ => true, truth), community.Count),
        };
        for (var k = 0; k < arms.Length; k++) TrainAndEvaluate(arms[k], k + 2);

        // 6. The figures; the differences that matter, with how far the choice of val photos alone moves them.
        var baseline = outcomes[0].Report;
        var valLabels = valSet.Images.Select(i => i.Label).ToArray();
        Outcome O(string key) => outcomes.Single(o => o.Arm.Key == key);
        foreach (var (a, b) in new[] { ("(b)", "(a)"), ("(b)", "(c)"), ("(b)", "(d)"), ("(b)", "(e)"), ("(c)", "(e)"), ("(d)", "(e)") })
        {
            var (x, y) = (O(a), O(b));
            var ci = Bootstrap(x.Ranks, y.Ranks, valLabels, seed);
            var d1 = x.Report.Metrics.Top1 - y.Report.Metrics.Top1;
            var dm = x.Report.Metrics.MacroMrr - y.Report.Metrics.MacroMrr;
            report.Add($"{(a == "(b)" && b == "(a)" ? "" : "  ")}{a} - {b}: top-1 / macro MRR", $"{Points(d1)} [{Points(ci.Top1Lo)}, {Points(ci.Top1Hi)}] / {Delta(dm)} [{Delta(ci.MrrLo)}, {Delta(ci.MrrHi)}]",
                a == "(b)" && b == "(a)" ? $"difference on val [95 % interval: paired bootstrap of the val photos within each taxon, {BootstrapResamples} resamples]" : "");
        }
        report.PrintTable();
        var table = ModelTable(outcomes, baseline);
        Console.WriteLine();
        Console.WriteLine($"Models on the fixed evaluation set ({baseline.Metrics.N} val photos of {baseline.PerTaxon.Count} taxa, {baseline.NonPlants} non-plants):");
        Console.WriteLine(table.Text);
        var seconds = total.Elapsed.TotalSeconds;
        Console.WriteLine($"Total {seconds:F0} s.");

        var markdown = report.Markdown(command,
        [
            $"Split: each taxon's photos of data/demo-flora/train, file names sorted; the first {BaseShare:P0} (rounded up; {basePart.Count:N0} photos) train the base model, the rest ({community.Count:N0}) are observed by simulated users, one photo per observation.",
            "Training: the real `Trainer` with the shipped settings (8 views per photo, taxon head L2 1e-6, 30 epochs, step 0.05; plant rule by 5-fold cross-validation on the training photos; temperature fit on data/demo-flora/val), embeddings from the cache; the added photos go through `TrainOptions.ExtraTrain`. Evaluation: `Evaluator.Evaluate` on data/demo-flora/val + data/non-plants/val with the default view policy. The temperature is fit on the same val photos for every model (as for the shipped one), so ECE is optimistic alike for all; one val photo is 0.12 point of top-1.",
            $"Crowd (seed {seed}, `System.Random`): {Users} users with log-normal activity exp({ActivitySigma} Z) (heavy-tailed, as in docs/synthetic-crowds.md); the {Experts} most active are experts. Skill = P(naming the true taxon), one draw per user: experts Beta({ExpertSkillA}, {ExpertSkillB}) (mean 0.976), others Beta({CasualSkillA}, {CasualSkillB}) (mean 0.889, a tail of unreliable users). A wrong answer names, with probability {ConfusableShare}, the base model's best-ranked wrong taxon on that very photo (its second choice when it is right, its top-1 when it is wrong: look-alikes, and human errors correlated with the model's), else any other taxon uniformly.",
            $"Each user authors one observation, the rest go to users by activity (then shuffled). Further voters besides the author: 0 / 1 / 2 / 3 with probability {string.Join(" / ", ExtraVoterOdds.Select(p => p.ToString("F1", CultureInfo.InvariantCulture)))}, distinct users, {ExpertVoteShare:P0} of them drawn among the experts by activity, the rest among all users by activity. Each user votes independently with their skill.",
            "The model's vote is the BASE model's (a) real top-1 and calibrated top score on the photo (`Evaluator.ScoreWithPolicy`, cached embeddings of views 0-5); `LabelAggregation.Run` counts it, weight 1.7, where the score is >= 0.7 (default `AggregationSettings`). Majority vote is `LabelAggregation.MajorityVote` (human votes, weight 1, ties to the lower taxon id); it has no validity rule of its own, so the iNaturalist community-taxon rule is used (more than one vote, more than 2/3 of them for the label): comparable in spirit to acc > 0.7 and conf > 2, and the rule the `crowd` suite also reports.",
            $"One run, {seconds:F0} s on this machine ({Trainings} trainings from cached embeddings; the base part is read through a folder of symbolic links in the temp folder).",
        ]).Replace("## `loop` suite", "## Learning loop (`loop` suite)", StringComparison.Ordinal);
        markdown = markdown.TrimEnd() + "\n\n" + $"Models on the fixed evaluation set ({baseline.Metrics.N} val photos of {baseline.PerTaxon.Count} taxa, {baseline.NonPlants} non-plant photos):\n\n" + table.Markdown;
        var doc = Path.Combine(root, "docs", "benchmarks.md");
        report.WriteSection(doc, markdown);
        Console.WriteLine($"Written to {doc}");
        Directory.Delete(baseDir, recursive: true);
        return 0;
    }

    /// <summary>The base model's vote on each community photo: top-1, its calibrated score, and its best-ranked taxon other than the truth.</summary>
    private sealed record ModelVote(int Top1, float Score, int BestWrong);

    private static ModelVote[] ModelVotes(ModelBundle bundle, EmbeddedSet photos, int[] have)
    {
        var s = bundle.Manifest.Inference;
        var allowed = Enumerable.Range(0, bundle.Checklist.Taxa.Count).ToHashSet();
        var result = new ModelVote[photos.Images.Count];
        for (var i = 0; i < result.Length; i++)
        {
            // As a one-photo identification: the view policy, fusion of one photo, the project "all".
            var probs = Fusion.Restrict(Fusion.Combine([Evaluator.ScoreWithPolicy(bundle, photos.Views[i], have).TaxonLogProbs], s.Fusion), allowed);
            var top = VectorMath.ArgMax(probs);
            var truth = photos.Images[i].Label;
            var wrong = -1;
            for (var c = 0; c < probs.Length; c++)
                if (c != truth && (wrong < 0 || probs[c] > probs[wrong])) wrong = c;
            result[i] = new ModelVote(top, probs[top], wrong);
        }
        return result;
    }

    private sealed record Crowd(CrowdVotes Votes, double[] Skill, bool[] IsExpert, int[] Authored);

    /// <summary>One observation per community photo; see the section's preamble for the model of the crowd.</summary>
    private static Crowd SimulateCrowd(int[] truth, ModelVote[] model, int taxa, int seed)
    {
        var rng = new Random(seed);
        var activity = new double[Users];
        for (var j = 0; j < Users; j++) activity[j] = Math.Exp(ActivitySigma * Gaussian(rng));
        var experts = Enumerable.Range(0, Users).OrderByDescending(j => activity[j]).ThenBy(j => j).Take(Experts).ToArray();
        var isExpert = new bool[Users];
        foreach (var j in experts) isExpert[j] = true;
        var skill = new double[Users];
        for (var j = 0; j < Users; j++) skill[j] = isExpert[j] ? Beta(rng, ExpertSkillA, ExpertSkillB) : Beta(rng, CasualSkillA, CasualSkillB);
        var byActivity = Cumulative(activity);
        var expertsByActivity = Cumulative([.. experts.Select(j => activity[j])]);

        var tasks = truth.Length;
        var author = new int[tasks];
        for (var t = 0; t < tasks; t++) author[t] = t < Users ? t : Sample(rng, byActivity);
        rng.Shuffle(author);

        int Answer(double p, int t)
        {
            if (rng.NextDouble() < p) return truth[t];
            if (rng.NextDouble() < ConfusableShare) return model[t].BestWrong;
            var other = rng.Next(taxa - 1);
            return other >= truth[t] ? other + 1 : other;
        }

        var builder = new CrowdVotesBuilder(tasks);
        builder.Reserve(taxa, Users);
        var authored = new int[Users];
        for (var t = 0; t < tasks; t++)
        {
            builder.SetAuthor(t, author[t]);
            authored[author[t]]++;
            builder.AddVote(t, author[t], Answer(skill[author[t]], t));
            var extra = Sample(rng, Cumulative(ExtraVoterOdds));
            var voters = new List<int> { author[t] };
            while (voters.Count < extra + 1)
            {
                var j = rng.NextDouble() < ExpertVoteShare ? experts[Sample(rng, expertsByActivity)] : Sample(rng, byActivity);
                if (voters.Contains(j)) continue;
                voters.Add(j);
                builder.AddVote(t, j, Answer(skill[j], t));
            }
            builder.SetAi(t, model[t].Top1, model[t].Score);
        }
        return new Crowd(builder.Build(), skill, isExpert, authored);
    }

    private static void DescribeCrowd(Report report, Crowd sim, int[] truth, ModelVote[] model)
    {
        var crowd = sim.Votes;
        var tasks = crowd.TaskCount;
        var perCount = new int[ExtraVoterOdds.Length + 1];
        int authorRight = 0, humanRight = 0, byExperts = 0, extra = 0;
        for (var t = 0; t < tasks; t++)
        {
            perCount[crowd.TaskStart[t + 1] - crowd.TaskStart[t]]++;
            if (crowd.VoteLabel[crowd.TaskStart[t]] == truth[t]) authorRight++;
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++)
            {
                if (crowd.VoteLabel[v] == truth[t]) humanRight++;
                if (v == crowd.TaskStart[t]) continue;
                extra++;
                if (sim.IsExpert[crowd.VoteWorker[v]]) byExperts++;
            }
        }
        report.Add("Simulated users", $"{Users} ({Experts} experts)",
            $"mean skill: experts {Mean(sim.Skill, sim.IsExpert, true):F3}, others {Mean(sim.Skill, sim.IsExpert, false):F3}; {sim.Skill.Count(s => s < 0.5)} users below 0.5");
        var sorted = sim.Authored.Order().ToArray();
        var top10 = sorted[^(Users / 10)..].Sum();
        report.Add("  observations per user: median / max", $"{sorted[Users / 2]} / {sorted[^1]}", $"the top 10 % of users author {Pct(top10, tasks)} of the observations");
        report.Add("  votes per observation: 1 / 2 / 3 / 4", string.Join(" / ", perCount[1..].Select(c => Pct(c, tasks))),
            $"{crowd.VoteCount:N0} human votes on {tasks:N0} observations; experts cast {Pct(byExperts, Math.Max(1, extra))} of the further votes");
        report.Add("  authors' labels right / all human votes right", $"{Pct(authorRight, tasks)} / {Pct(humanRight, crowd.VoteCount)}", "against the true taxon of the photo");
        int aiRight = 0, confident = 0, confidentRight = 0;
        for (var t = 0; t < tasks; t++)
        {
            var ok = model[t].Top1 == truth[t];
            if (ok) aiRight++;
            if (LabelAggregation.AiVotes(model[t].Top1, model[t].Score, AggregationSettings.Default)) { confident++; if (ok) confidentRight++; }
        }
        report.Add("  base model (a) on the community photos: right / votes (score >= 0.7) / right when it votes",
            $"{Pct(aiRight, tasks)} / {Pct(confident, tasks)} / {Pct(confidentRight, Math.Max(1, confident))}", "its real top-1 and calibrated score");
    }

    private static void Labels(Report report, string what, int[] label, bool[]? valid, int[] truth, string note)
    {
        var tasks = truth.Length;
        var right = Enumerable.Range(0, tasks).Count(t => label[t] == truth[t]);
        report.Add($"{what}: label right", Pct(right, tasks), $"all {tasks:N0} observations");
        if (valid is null)
        {
            report.Add("  used for training", $"{tasks:N0} (100 %)", note);
            return;
        }
        var n = valid.Count(v => v);
        var validRight = Enumerable.Range(0, tasks).Count(t => valid[t] && label[t] == truth[t]);
        report.Add("  valid, used for training", $"{n:N0} ({Pct(n, tasks)})", $"{Pct(validRight, Math.Max(1, n))} of them right; {note}");
    }

    /// <summary>More than one human vote, and more than 2/3 of them for the majority label.</summary>
    private static bool[] INaturalistValid(CrowdVotes crowd, int[] label)
    {
        var valid = new bool[crowd.TaskCount];
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            var n = crowd.TaskStart[t + 1] - crowd.TaskStart[t];
            var agree = 0;
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++) if (crowd.VoteLabel[v] == label[t]) agree++;
            valid[t] = n > 1 && agree * 3 > n * 2;
        }
        return valid;
    }

    private static (string Text, string Markdown) ModelTable(List<Outcome> outcomes, EvaluationReport baseline)
    {
        string[] head = ["Training photos", "added", "labels right", "top-1", "top-5", "macro MRR", "ECE", "Δ top-1", "Δ macro MRR", "plants rej. / non-plants acc.", "train+eval"];
        var rows = outcomes.Select(o =>
        {
            var m = o.Report.Metrics;
            var b = baseline.Metrics;
            var first = ReferenceEquals(o.Report, baseline);
            return new[]
            {
                $"{o.Arm.Key} {o.Arm.What}",
                o.Arm.Extra.Count.ToString("N0", CultureInfo.InvariantCulture),
                o.Arm.Extra.Count == 0 ? "-" : Pct(o.Arm.RightLabels ?? 0, o.Arm.Extra.Count),
                m.Top1.ToString("P2", CultureInfo.InvariantCulture),
                m.Top5.ToString("P2", CultureInfo.InvariantCulture),
                m.MacroMrr.ToString("F4", CultureInfo.InvariantCulture),
                m.Ece.ToString("F4", CultureInfo.InvariantCulture),
                first ? "-" : Points(m.Top1 - b.Top1),
                first ? "-" : Delta(m.MacroMrr - b.MacroMrr),
                $"{o.Report.PlantRejected:P1} / {o.Report.NonPlantAccepted ?? 0:P1}",
                $"{o.Seconds:F0} s",
            };
        }).ToList();
        var widths = head.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        var text = new StringBuilder();
        string Line(string[] cells) => string.Join("  ", cells.Select((s, c) => c == 0 ? s.PadRight(widths[c]) : s.PadLeft(widths[c])));
        text.AppendLine(Line(head)).AppendLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        foreach (var r in rows) text.AppendLine(Line(r));
        var md = new StringBuilder();
        md.AppendLine($"| {string.Join(" | ", head)} |");
        md.AppendLine($"| --- | {string.Join(" | ", head.Skip(1).Select(_ => "---:"))} |");
        foreach (var r in rows) md.AppendLine($"| {string.Join(" | ", r.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))} |");
        return (text.ToString(), md.ToString());
    }

    /// <summary>A folder of symbolic links, one sub-folder per taxon, so that the real Trainer reads the base part as its training folder.</summary>
    private static string LinkFolder(List<LabelledImage> photos, Checklist checklist)
    {
        var dir = Path.Combine(Path.GetTempPath(), "florascope-loop", "base");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        foreach (var p in photos)
        {
            var folder = Path.Combine(dir, Path.GetFileName(Path.GetDirectoryName(p.Path)!));
            Directory.CreateDirectory(folder);
            File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(p.Path)), Path.GetFullPath(p.Path));
        }
        // The folder names are those of data/demo-flora/train, which the checklist knows.
        if (Directory.GetDirectories(dir).Any(d => checklist.IndexOf(Path.GetFileName(d)) < 0))
            throw new InvalidDataException($"{dir}: a taxon folder is not in the checklist.");
        return dir;
    }

    private static double[] Cumulative(double[] weights)
    {
        var c = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++) c[i] = sum += weights[i];
        return c;
    }

    private static int Sample(Random rng, double[] cumulative)
    {
        var u = rng.NextDouble() * cumulative[^1];
        var i = Array.BinarySearch(cumulative, u);
        i = i < 0 ? ~i : i + 1;
        return Math.Min(i, cumulative.Length - 1);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Marsaglia &amp; Tsang (2000); shape below 1 through Gamma(a + 1) · U^(1/a).</summary>
    private static double Gamma(Random rng, double shape)
    {
        if (shape < 1) return Gamma(rng, shape + 1) * Math.Pow(rng.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do { x = Gaussian(rng); v = 1 + c * x; } while (v <= 0);
            v = v * v * v;
            var u = rng.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    private static double Beta(Random rng, double a, double b)
    {
        var x = Gamma(rng, a);
        var y = Gamma(rng, b);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    private static double Mean(double[] values, bool[] group, bool member)
    {
        double sum = 0;
        var n = 0;
        for (var i = 0; i < values.Length; i++) if (group[i] == member) { sum += values[i]; n++; }
        return n == 0 ? double.NaN : sum / n;
    }

    private static string Pct(long part, long whole) => (100.0 * part / Math.Max(1, whole)).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static string Delta(double d) => d.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);

    private static string Points(double d) => (d * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + " pt";

    /// <summary>Rank of the true taxon of each photo, scored as Evaluator.Evaluate scores it (view policy, fusion of one photo, project "all").</summary>
    private static int[] Ranks(ModelBundle bundle, EmbeddedSet photos, int[] have)
    {
        var s = bundle.Manifest.Inference;
        var allowed = Enumerable.Range(0, bundle.Checklist.Taxa.Count).ToHashSet();
        return [.. Enumerable.Range(0, photos.Images.Count).Select(i => Metrics.RankOf(
            Fusion.Restrict(Fusion.Combine([Evaluator.ScoreWithPolicy(bundle, photos.Views[i], have).TaxonLogProbs], s.Fusion), allowed), photos.Images[i].Label))];
    }

    /// <summary>
    /// 95 % percentile intervals of the differences in top-1 and macro MRR between two models scored
    /// on the same photos: the photos of each taxon are resampled with replacement (the same draw for
    /// both models), so each taxon keeps its count and macro MRR stays an average over the same taxa.
    /// </summary>
    private static (double Top1Lo, double Top1Hi, double MrrLo, double MrrHi) Bootstrap(int[] a, int[] b, int[] labels, int seed)
    {
        var groups = Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var rng = new Random(seed + 1);
        var top1 = new double[BootstrapResamples];
        var mrr = new double[BootstrapResamples];
        for (var r = 0; r < BootstrapResamples; r++)
        {
            double hits = 0, macro = 0;
            foreach (var g in groups)
            {
                double rr = 0;
                for (var k = 0; k < g.Length; k++)
                {
                    var i = g[rng.Next(g.Length)];
                    hits += (a[i] == 1 ? 1 : 0) - (b[i] == 1 ? 1 : 0);
                    rr += 1.0 / a[i] - 1.0 / b[i];
                }
                macro += rr / g.Length;
            }
            top1[r] = hits / labels.Length;
            mrr[r] = macro / groups.Length;
        }
        Array.Sort(top1);
        Array.Sort(mrr);
        double At(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
        return (At(top1, 0.025), At(top1, 0.975), At(mrr, 0.025), At(mrr, 0.975));
    }

    /// <summary>Progress of the training stages: redrawn in place on a terminal, one line per finished stage when redirected.</summary>
    private sealed class ConsoleProgress : IProgress<(string Stage, int Done, int Total)>
    {
        private readonly Lock _lock = new();
        private readonly bool _interactive = !Console.IsOutputRedirected;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private string _stage = "";
        private int _lastStep = -1;
        private bool _open;

        public void Report((string Stage, int Done, int Total) value)
        {
            lock (_lock)
            {
                if (value.Stage != _stage) { Break(); _stage = value.Stage; _lastStep = -1; _clock.Restart(); }
                var step = value.Total == 0 ? 20 : (int)(20L * value.Done / value.Total);
                if (step == _lastStep) return;
                _lastStep = step;
                var line = $"        {value.Stage,-22} {value.Done,5}/{value.Total,-5} {_clock.Elapsed.TotalSeconds,5:F1} s";
                if (_interactive) { Console.Write("\r" + line); _open = true; }
                else if (value.Done == value.Total) Console.WriteLine(line);
            }
        }

        /// <summary>Ends the line being redrawn, so that other output starts on a line of its own.</summary>
        public void Break()
        {
            lock (_lock)
            {
                if (_open) Console.WriteLine();
                _open = false;
            }
        }
    }

    /// <summary>The Trainer's log, indented under the step it belongs to.</summary>
    private sealed class IndentedLog(ConsoleProgress progress) : TextWriter
    {
        public override Encoding Encoding => Console.OutputEncoding;

        public override void Write(char value) => Console.Write(value);

        public override void WriteLine(string? value)
        {
            progress.Break();
            Console.WriteLine($"        {value}");
        }
    }
}
