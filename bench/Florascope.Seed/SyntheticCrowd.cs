using Florascope.Revision;

namespace Florascope.Seed;

/// <summary>
/// The model behind <see cref="SyntheticCrowd.Generate"/> (docs/synthetic-crowds.md). Defaults
/// are at the scale of Pl@ntNet-CrowdSWE: 6,699,593 observations, 823,251 users, 9,005,108
/// votes, 11,425 taxa. The counts are met exactly; the other parameters shape the crowd.
/// </summary>
public sealed record SyntheticCrowdParameters
{
    public int Observations { get; init; } = 6_699_593;
    public int Users { get; init; } = 823_251;
    /// <summary>All human votes, the authors' included (each observation has its author's vote).</summary>
    public int Votes { get; init; } = 9_005_108;
    public int Taxa { get; init; } = 11_425;
    public ulong Seed { get; init; } = 2024;

    /// <summary>The true taxon of an observation: P(popularity rank r) ∝ 1 / (r + 1)^s.</summary>
    public double TaxonZipfExponent { get; init; } = 1.0;

    /// <summary>
    /// Each user's activity is log-normal, exp(σ·Z): every user authors one observation, the
    /// remaining ones go to users in proportion to activity; experts are picked by it.
    /// </summary>
    public double ActivitySigma { get; init; } = 1.9;

    /// <summary>The most active users are the experts; they cast <see cref="ExpertVoteShare"/> of the votes on others' observations.</summary>
    public int Experts { get; init; } = 3_000;
    public double ExpertVoteShare { get; init; } = 0.6;

    /// <summary>
    /// Votes beyond the author's: a share of the observations is reviewed, a reviewed one gets 1 + a
    /// geometric number of further votes (each with this probability), at most <see cref="MaxVotesPerObservation"/> in all.
    /// </summary>
    public double ExtraVoteContinue { get; init; } = 0.4;
    public int MaxVotesPerObservation { get; init; } = 40;

    /// <summary>Accuracy of a user: Beta(a, b), one draw per user, for experts and for everybody else.</summary>
    public double CasualSkillA { get; init; } = 6;
    public double CasualSkillB { get; init; } = 0.75;
    public double ExpertSkillA { get; init; } = 60;
    public double ExpertSkillB { get; init; } = 1.5;

    /// <summary>A wrong vote names a look-alike (id ± 1..<see cref="ConfusionRadius"/>) with this probability, else any other taxon.</summary>
    public double ConfusableShare { get; init; } = 0.8;
    public int ConfusionRadius { get; init; } = 2;

    /// <summary>The model's vote on each observation: top score ~ Beta(a, b), right with probability equal to its score.</summary>
    public bool IncludeAi { get; init; } = true;
    public double AiScoreA { get; init; } = 5;
    public double AiScoreB { get; init; } = 1.5;

    public static SyntheticCrowdParameters Default { get; } = new();

    /// <summary>The same crowd model with observations, users, votes and experts multiplied by <paramref name="factor"/> (taxa kept).</summary>
    public SyntheticCrowdParameters Scaled(double factor)
    {
        if (!(factor > 0)) throw new ArgumentOutOfRangeException(nameof(factor), "The scale must be positive.");
        int Scale(int n) => (int)Math.Max(1, Math.Min(int.MaxValue, Math.Round(n * factor)));
        var observations = Scale(Observations);
        return this with
        {
            Observations = observations,
            Users = Math.Max(2, Scale(Users)),
            Votes = Math.Max(observations, Scale(Votes)),
            Experts = Math.Min(Math.Max(2, Scale(Users)), Scale(Experts)),
        };
    }

    public void Validate()
    {
        if (Observations < 0 || Users < 1 || Taxa < 1) throw new ArgumentException("SyntheticCrowd: need Observations >= 0, Users >= 1, Taxa >= 1.");
        if (Votes < Observations) throw new ArgumentException("SyntheticCrowd: every observation has its author's vote, so Votes >= Observations.");
        var perObservation = Math.Min(MaxVotesPerObservation, Users);
        if (MaxVotesPerObservation < 1 || (long)Observations * perObservation < Votes)
            throw new ArgumentException($"SyntheticCrowd: {Votes} votes do not fit {Observations} observations of at most {perObservation} distinct voters.");
        if (Experts < 0 || Experts > Users) throw new ArgumentException("SyntheticCrowd: need 0 <= Experts <= Users.");
        if (!(ExpertVoteShare is >= 0 and <= 1) || !(ExtraVoteContinue is >= 0 and < 1) || !(ConfusableShare is >= 0 and <= 1))
            throw new ArgumentException("SyntheticCrowd: shares and probabilities must lie in [0, 1] (ExtraVoteContinue below 1).");
        if (ConfusionRadius < 1 || !(TaxonZipfExponent >= 0) || !(ActivitySigma is >= 0 and <= 10))
            throw new ArgumentException("SyntheticCrowd: need ConfusionRadius >= 1, TaxonZipfExponent >= 0, 0 <= ActivitySigma <= 10.");
        foreach (var shape in new[] { CasualSkillA, CasualSkillB, ExpertSkillA, ExpertSkillB, AiScoreA, AiScoreB })
            if (!(shape > 0) || !double.IsFinite(shape)) throw new ArgumentException("SyntheticCrowd: Beta shapes must be positive.");
    }
}

/// <summary>
/// A simulated crowd with known truth, built straight into the flat arrays of <see cref="CrowdVotes"/>
/// (no builder, no per-vote allocation: the full Pl@ntNet scale takes a few seconds and about
/// 200 MB). Pure and deterministic: the same parameters give the same crowd. The human votes do not
/// depend on <see cref="SyntheticCrowdParameters.IncludeAi"/> (the model draws from a stream of its own).
/// </summary>
public sealed class SyntheticCrowd
{
    public SyntheticCrowdParameters Parameters { get; }
    public CrowdVotes Votes { get; }
    /// <summary>The true taxon of each observation.</summary>
    public int[] Truth { get; }
    /// <summary>Each user's probability of naming the true taxon.</summary>
    public float[] Skill { get; }
    public bool[] IsExpert { get; }

    private SyntheticCrowd(SyntheticCrowdParameters parameters, CrowdVotes votes, int[] truth, float[] skill, bool[] isExpert) =>
        (Parameters, Votes, Truth, Skill, IsExpert) = (parameters, votes, truth, skill, isExpert);

    /// <summary>Bytes held by the arrays of the crowd and its truth.</summary>
    public long Bytes => 4L * (Votes.TaskStart.Length + Votes.VoteWorker.Length + Votes.VoteLabel.Length + Votes.Author.Length
        + Votes.AiLabel.Length + Votes.AiScore.Length + Truth.Length + Skill.Length) + IsExpert.Length;

    public static SyntheticCrowd Generate(SyntheticCrowdParameters? parameters = null)
    {
        var p = parameters ?? SyntheticCrowdParameters.Default;
        p.Validate();
        var rng = new Xoshiro256(p.Seed);
        int tasks = p.Observations, users = p.Users, taxa = p.Taxa;

        // 1. Taxa: Zipf popularity over ranks; ids are a random permutation of the ranks, so that
        //    neither look-alikes (id ± 1) nor the tie rule (lower id wins) follow popularity.
        var rankToTaxon = Permutation(ref rng, taxa);
        var popularity = new double[taxa];
        for (var r = 0; r < taxa; r++) popularity[rankToTaxon[r]] = Math.Pow(r + 1, -p.TaxonZipfExponent);
        var taxonTable = new AliasTable(popularity);

        // 2. Users: log-normal activity; the most active are the experts; skill from their Beta.
        var activity = new double[users];
        for (var j = 0; j < users; j++) activity[j] = Math.Exp(p.ActivitySigma * rng.NextGaussian());
        var isExpert = new bool[users];
        var experts = TopIndices(activity, p.Experts);
        foreach (var j in experts) isExpert[j] = true;
        var skill = new float[users];
        for (var j = 0; j < users; j++)
            skill[j] = (float)(isExpert[j] ? rng.NextBeta(p.ExpertSkillA, p.ExpertSkillB) : rng.NextBeta(p.CasualSkillA, p.CasualSkillB));
        var userTable = new AliasTable(activity);
        var expertTable = experts.Length == 0 ? null : new AliasTable(Array.ConvertAll(experts, j => activity[j]));

        // 3. Authors: every user authors one observation (while there are enough), the rest go by
        //    activity; then the observations are shuffled. Truth by taxon popularity.
        var author = new int[tasks];
        var firstRound = Math.Min(users, tasks);
        for (var t = 0; t < firstRound; t++) author[t] = t;
        for (var t = firstRound; t < tasks; t++) author[t] = userTable.Sample(ref rng);
        Shuffle(ref rng, author);
        var truth = new int[tasks];
        for (var t = 0; t < tasks; t++) truth[t] = taxonTable.Sample(ref rng);

        // 4. Votes per observation: 1 (the author) + extras; exact total.
        var start = new int[tasks + 1];
        DrawExtraCounts(ref rng, p, start);
        for (var t = 0; t < tasks; t++) start[t + 1] += start[t] + 1;

        // 5. The votes: the author's first, then distinct other users (experts for a share).
        var voteWorker = new int[p.Votes];
        var voteLabel = new int[p.Votes];
        for (var t = 0; t < tasks; t++)
        {
            var first = start[t];
            voteWorker[first] = author[t];
            voteLabel[first] = Answer(ref rng, p, skill[author[t]], truth[t]);
            for (var v = first + 1; v < start[t + 1]; v++)
            {
                var j = PickVoter(ref rng, p, userTable, expertTable, experts, voteWorker, first, v);
                voteWorker[v] = j;
                voteLabel[v] = Answer(ref rng, p, skill[j], truth[t]);
            }
        }

        // 6. The model, from its own stream: a calibrated score and a label right with that probability.
        var aiLabel = new int[tasks];
        var aiScore = new float[tasks];
        if (p.IncludeAi)
        {
            var ai = new Xoshiro256(p.Seed ^ 0x5DEECE66DUL);
            for (var t = 0; t < tasks; t++)
            {
                var score = ai.NextBeta(p.AiScoreA, p.AiScoreB);
                aiScore[t] = (float)score;
                aiLabel[t] = Answer(ref ai, p, score, truth[t]);
            }
        }
        else Array.Fill(aiLabel, -1);

        var crowd = new CrowdVotes(tasks, users, taxa, start, voteWorker, voteLabel, author, aiLabel, aiScore);
        return new SyntheticCrowd(p, crowd, truth, skill, isExpert);
    }

    /// <summary>
    /// Writes the number of extra votes of task t into counts[t + 1]: a task is reviewed with
    /// probability r, a reviewed one gets 1 + Geometric(continue) extras (capped); r is chosen so
    /// that the mean is right, then random tasks gain or lose one extra until the total is exact.
    /// </summary>
    private static void DrawExtraCounts(ref Xoshiro256 rng, SyntheticCrowdParameters p, int[] counts)
    {
        var tasks = p.Observations;
        if (tasks == 0) return;
        long wanted = p.Votes - tasks;
        var cap = Math.Min(p.MaxVotesPerObservation, p.Users) - 1;
        if (wanted == 0 || cap == 0) return;
        var mean = (double)wanted / tasks;
        var more = p.ExtraVoteContinue;
        var reviewed = mean * (1 - more);
        if (reviewed > 1) (reviewed, more) = (1, 1 - 1 / mean);
        long total = 0;
        for (var t = 0; t < tasks; t++)
        {
            if (rng.NextDouble() >= reviewed) continue;
            var extra = 1;
            while (extra < cap && rng.NextDouble() < more) extra++;
            counts[t + 1] = extra;
            total += extra;
        }
        // Linear probing from a random task always finds one that can move, so this ends.
        for (; total > wanted; total--)
        {
            var t = rng.NextInt(tasks);
            while (counts[t + 1] == 0) t = t + 1 == tasks ? 0 : t + 1;
            counts[t + 1]--;
        }
        for (; total < wanted; total++)
        {
            var t = rng.NextInt(tasks);
            while (counts[t + 1] == cap) t = t + 1 == tasks ? 0 : t + 1;
            counts[t + 1]++;
        }
    }

    /// <summary>A user not yet voting on the task (votes [first, end)), an expert with probability ExpertVoteShare.</summary>
    private static int PickVoter(ref Xoshiro256 rng, SyntheticCrowdParameters p, AliasTable users, AliasTable? expertTable, int[] experts,
        int[] voteWorker, int first, int end)
    {
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var j = expertTable is not null && rng.NextDouble() < p.ExpertVoteShare ? experts[expertTable.Sample(ref rng)] : users.Sample(ref rng);
            if (!Contains(voteWorker, first, end, j)) return j;
        }
        // Only in tiny crowds: take the next user not yet voting.
        for (var j = rng.NextInt(p.Users); ; j = j + 1 == p.Users ? 0 : j + 1)
            if (!Contains(voteWorker, first, end, j)) return j;
    }

    private static bool Contains(int[] a, int from, int to, int value)
    {
        for (var k = from; k < to; k++)
            if (a[k] == value) return true;
        return false;
    }

    /// <summary>The taxon a voter of this skill names: the truth, else a look-alike or (rarely) any other taxon.</summary>
    private static int Answer(ref Xoshiro256 rng, SyntheticCrowdParameters p, double skill, int truth)
    {
        var taxa = p.Taxa;
        if (taxa == 1 || rng.NextDouble() < skill) return truth;
        if (rng.NextDouble() < p.ConfusableShare)
        {
            var offset = 1 + rng.NextInt(p.ConfusionRadius);
            var label = (int)(((long)truth + (rng.NextDouble() < 0.5 ? -offset : offset) % taxa + taxa) % taxa);
            if (label != truth) return label;
        }
        var other = rng.NextInt(taxa - 1);
        return other >= truth ? other + 1 : other;
    }

    private static int[] Permutation(ref Xoshiro256 rng, int n)
    {
        var a = new int[n];
        for (var i = 0; i < n; i++) a[i] = i;
        Shuffle(ref rng, a);
        return a;
    }

    private static void Shuffle(ref Xoshiro256 rng, int[] a)
    {
        for (var i = a.Length - 1; i > 0; i--)
        {
            var k = rng.NextInt(i + 1);
            (a[i], a[k]) = (a[k], a[i]);
        }
    }

    /// <summary>The indices of the <paramref name="count"/> largest values, ties to the lower index.</summary>
    private static int[] TopIndices(double[] values, int count)
    {
        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => values[b] != values[a] ? values[b].CompareTo(values[a]) : a.CompareTo(b));
        return order[..count];
    }

    /// <summary>Walker's alias method (Vose's construction): O(1) draws from a fixed discrete distribution.</summary>
    private sealed class AliasTable
    {
        private readonly double[] _accept;
        private readonly int[] _alias;

        public AliasTable(double[] weights)
        {
            var n = weights.Length;
            _accept = new double[n];
            _alias = new int[n];
            var sum = 0.0;
            foreach (var w in weights) sum += w;
            var scaled = new double[n];
            var small = new int[n];
            var large = new int[n];
            int ns = 0, nl = 0;
            for (var i = 0; i < n; i++)
            {
                scaled[i] = weights[i] * n / sum;
                if (scaled[i] < 1) small[ns++] = i; else large[nl++] = i;
            }
            while (ns > 0 && nl > 0)
            {
                var s = small[--ns];
                var l = large[nl - 1];
                (_accept[s], _alias[s]) = (scaled[s], l);
                scaled[l] += scaled[s] - 1;
                if (scaled[l] < 1) { nl--; small[ns++] = l; }
            }
            while (nl > 0) { var l = large[--nl]; (_accept[l], _alias[l]) = (1, l); }
            while (ns > 0) { var s = small[--ns]; (_accept[s], _alias[s]) = (1, s); }   // rounding leftovers
        }

        public int Sample(ref Xoshiro256 rng)
        {
            var i = rng.NextInt(_accept.Length);
            return rng.NextDouble() < _accept[i] ? i : _alias[i];
        }
    }

    /// <summary>xoshiro256** (Blackman &amp; Vigna), seeded through SplitMix64.</summary>
    private struct Xoshiro256
    {
        private ulong _s0, _s1, _s2, _s3;

        public Xoshiro256(ulong seed)
        {
            _s0 = SplitMix(ref seed);
            _s1 = SplitMix(ref seed);
            _s2 = SplitMix(ref seed);
            _s3 = SplitMix(ref seed);
        }

        private static ulong SplitMix(ref ulong x)
        {
            var z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public ulong Next()
        {
            var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        /// <summary>Uniform in [0, 1), 53 bits.</summary>
        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        /// <summary>Uniform in [0, n) (Lemire's multiply-high; the bias, n / 2^64, is negligible).</summary>
        public int NextInt(int n) => (int)Math.BigMul(Next(), (ulong)n, out _);

        public double NextGaussian()
        {
            var u1 = 1 - NextDouble();
            var u2 = NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        /// <summary>Marsaglia &amp; Tsang (2000); shape below 1 through Gamma(a + 1) · U^(1/a).</summary>
        public double NextGamma(double shape)
        {
            if (shape < 1) return NextGamma(shape + 1) * Math.Pow(NextDouble(), 1 / shape);
            var d = shape - 1.0 / 3;
            var c = 1 / Math.Sqrt(9 * d);
            while (true)
            {
                double x, v;
                do { x = NextGaussian(); v = 1 + c * x; } while (v <= 0);
                v = v * v * v;
                var u = NextDouble();
                if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
            }
        }

        public double NextBeta(double a, double b)
        {
            var x = NextGamma(a);
            var y = NextGamma(b);
            return x + y > 0 ? x / (x + y) : 0.5;
        }
    }
}
