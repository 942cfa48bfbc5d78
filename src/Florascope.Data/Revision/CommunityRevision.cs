using System.Runtime.InteropServices;
using Florascope.Data.Observations;
using Florascope.Revision;
using Florascope.Taxonomy;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Revision;

/// <summary>One vote as the observation page explains it.</summary>
public sealed record CountedVote(int? UserId, string Voter, string Value, int Expertise, double Weight, bool Agrees);

/// <summary>A user as an explanation names and weighs them.</summary>
public sealed record Voter(string DisplayName, string UserName, int Expertise);

/// <summary>The outcome of the weighted vote on one observation, with the votes that made it and its standing in plain words.</summary>
public sealed record Revised(string? TaxonName, double Confidence, double Accuracy, bool IsValid, string Status, IReadOnlyList<CountedVote> Votes,
    PlainStanding Standing);

/// <summary>
/// <see cref="VoteStanding"/> with taxon names: <c>Kind</c> is no-votes, valid, needs-agreement or split;
/// <c>Taxon</c> the leading name, <c>Other</c> the strongest other one; the votes still needed agreeing
/// with <c>Taxon</c> from newcomers and from experienced identifiers (those who proved <c>ExperiencedTaxa</c> taxa).
/// </summary>
public sealed record PlainStanding(string Kind, string? Taxon, string? Other, int MoreVotes, int MoreExperiencedVotes, int ExperiencedTaxa);

/// <summary>What a batch run changed.</summary>
public sealed record BatchReport(int Observations, int Votes, int Users, int Rounds, bool Converged, int Valid, int ObservationsChanged,
    int UsersChanged, int PhotosChanged, TimeSpan Elapsed);

/// <summary>
/// The weighted vote (Florascope.Revision.LabelAggregation) applied to the database. A new
/// identification or photo vote re-decides its observation or photo at once with the users' current
/// expertise (<see cref="ReviseObservationAsync"/>); <see cref="RunBatchAsync"/> reruns the whole
/// iteration, which also updates every user's expertise and game score. Labels are checklist
/// indices, so a tie goes to the taxon listed first; names missing from the checklist come after
/// it, in ordinal order, in both paths.
/// </summary>
public static class CommunityRevision
{
    public const string ModelVoter = "model";

    /// <summary>The pure decision for one observation: its current identifications, the model's suggestion.</summary>
    public static Revised Decide(IReadOnlyList<(int UserId, string Voter, string Taxon, int Expertise)> identifications,
        string? modelTaxon, double? modelScore, Checklist checklist, AggregationSettings settings)
    {
        var names = identifications.Select(i => i.Taxon).Concat(modelTaxon is null ? [] : [modelTaxon]).ToList();
        var labels = new LabelMap(checklist, names);
        var voted = identifications.Select(i => labels.Of(i.Taxon)).ToArray();
        var votes = new List<WeightedVote>();
        for (var k = 0; k < voted.Length; k++) votes.Add(new WeightedVote(voted[k], settings.Weight(identifications[k].Expertise)));
        // Compared as the float the batch reads (RevisionBatchStore), so that both paths agree on whether the model votes.
        var modelVotes = modelTaxon is not null && LabelAggregation.AiVotes(0, (float)(modelScore ?? 0), settings);
        var modelLabel = modelVotes ? labels.Of(modelTaxon!) : -1;
        if (modelVotes) votes.Add(new WeightedVote(modelLabel, settings.AiWeight));
        var weighted = votes.ToArray();
        var outcome = LabelAggregation.Decide(weighted, settings);
        var taxon = outcome.Label < 0 ? null : labels.Name(outcome.Label);
        var counted = identifications.Select(i => new CountedVote(i.UserId, i.Voter, i.Taxon, i.Expertise, settings.Weight(i.Expertise), i.Taxon == taxon)).ToList();
        if (modelVotes) counted.Add(new CountedVote(null, ModelVoter, modelTaxon!, 0, settings.AiWeight, modelTaxon == taxon));
        var standing = VoteStanding.Explain(weighted, outcome, settings);
        var plain = new PlainStanding(KindText(standing.Kind), standing.Leading < 0 ? null : labels.Name(standing.Leading),
            standing.Runner < 0 ? null : labels.Name(standing.Runner), standing.MoreVotes, standing.MoreExperiencedVotes, VoteStanding.ExperiencedTaxa(settings));
        return new Revised(taxon, outcome.Confidence, outcome.Accuracy, outcome.Valid, StatusOf(outcome.Valid, voted, modelLabel), counted, plain);
    }

    private static string KindText(StandingKind kind) => kind switch
    {
        StandingKind.Valid => "valid",
        StandingKind.NeedsAgreement => "needs-agreement",
        StandingKind.Split => "split",
        _ => "no-votes",
    };

    /// <summary>
    /// The status rule, for an observation as it is decided and for the batch: valid; else disputed
    /// when the counted votes (the users' labels, and the model's when it votes, else -1) name more
    /// than one taxon; else needs votes.
    /// </summary>
    public static string StatusOf(bool valid, ReadOnlySpan<int> votedLabels, int modelLabel)
    {
        if (valid) return ObservationStatus.Valid;
        var first = votedLabels.IsEmpty ? modelLabel : votedLabels[0];
        foreach (var label in votedLabels)
            if (label != first) return ObservationStatus.Disputed;
        return modelLabel >= 0 && modelLabel != first ? ObservationStatus.Disputed : ObservationStatus.NeedsVotes;
    }

    /// <summary>
    /// The game's score rule: a current identification earns a point when the observation is valid,
    /// is someone else's, and the identification names its taxon. Both the single-observation update
    /// and the batch count with it.
    /// </summary>
    public static bool CountsForScore(bool observationValid, bool ownObservation, bool agreesWithTaxon) =>
        observationValid && !ownObservation && agreesWithTaxon;

    /// <summary>
    /// Why an observation has its outcome, from rows already loaded: its current identifications that
    /// name a taxon, oldest first, by the voters known in <paramref name="voters"/>, and the model's
    /// vote, decided with the voters' current weights.
    /// </summary>
    public static Revised Explain(Observation observation, IEnumerable<Observations.Identification> identifications, IReadOnlyDictionary<int, Voter> voters,
        Checklist checklist, AggregationSettings settings)
    {
        var votes = identifications.Where(i => i.IsCurrent && i.TaxonName != null && voters.ContainsKey(i.UserId)).OrderBy(i => i.CreatedUtc).ThenBy(i => i.Id)
            .Select(i => voters[i.UserId] is var v ? (i.UserId, VoterName(v.DisplayName, v.UserName), i.TaxonName!, v.Expertise) : default)
            .ToList();
        return Decide(votes, observation.ModelTaxonName, observation.ModelScore, checklist, settings);
    }

    /// <summary>Loads an observation's current identifications and their authors' expertise and explains it (nothing saved).</summary>
    public static async Task<Revised> ExplainAsync(FlorascopeDb db, Observation observation, Checklist checklist, AggregationSettings settings, CancellationToken ct)
    {
        var ids = await db.Identifications.AsNoTracking().Where(i => i.ObservationId == observation.Id && i.IsCurrent && i.TaxonName != null).ToListAsync(ct);
        var userIds = ids.Select(i => i.UserId).Distinct().ToList();
        var voters = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => new Voter(u.DisplayName, u.UserName, u.Expertise), ct);
        return Explain(observation, ids, voters, checklist, settings);
    }

    /// <summary>How a voter is named in an explanation.</summary>
    /// <remarks>The unique user name is always given: a display name alone can impersonate another person.</remarks>
    public static string VoterName(string displayName, string userName) => displayName.Length > 0 && displayName != userName ? $"{displayName} (@{userName})" : "@" + userName;

    /// <summary>Re-decides one (tracked) observation with the current weights; the caller saves.</summary>
    public static async Task<Revised> ReviseObservationAsync(FlorascopeDb db, Observation observation, Checklist checklist, AggregationSettings settings,
        DateTime nowUtc, CancellationToken ct)
    {
        var revised = await ExplainAsync(db, observation, checklist, settings, ct);
        Apply(observation, revised, nowUtc);
        return revised;
    }

    /// <summary>
    /// The game's score of everyone who identified this observation (its author excepted), recounted
    /// with <see cref="CountsForScore"/>. Run after a change of the observation's outcome.
    /// </summary>
    public static async Task UpdateScoresAsync(FlorascopeDb db, int observationId, CancellationToken ct)
    {
        var voters = await db.Identifications.Where(i => i.ObservationId == observationId && i.IsCurrent).Select(i => i.UserId).Distinct().ToListAsync(ct);
        await RecountScoresAsync(db, voters, ct);
    }

    /// <summary>Recounts these users' game scores (<see cref="ScoreAsync"/>), e.g. after an observation they identified is gone.</summary>
    public static async Task RecountScoresAsync(FlorascopeDb db, IEnumerable<int> users, CancellationToken ct)
    {
        foreach (var user in users)
        {
            var score = await ScoreAsync(db, user, ct);
            await db.Users.Where(u => u.Id == user && u.Score != score).ExecuteUpdateAsync(s => s.SetProperty(u => u.Score, score), ct);
        }
    }

    /// <summary>
    /// A user's game score: their current identifications of real observations (the batch's votes),
    /// counted in SQL by the inputs of <see cref="CountsForScore"/> (a few groups), then kept by it.
    /// </summary>
    public static async Task<int> ScoreAsync(FlorascopeDb db, int userId, CancellationToken ct)
    {
        var groups = await (from i in db.Identifications
                            join o in db.Observations on i.ObservationId equals o.Id
                            where i.UserId == userId && i.IsCurrent && i.TaxonName != null
                            group i by new { o.IsValid, Own = o.AuthorId == userId, Agrees = o.TaxonName != null && i.TaxonName == o.TaxonName } into g
                            select new { g.Key.IsValid, g.Key.Own, g.Key.Agrees, Count = g.Count() }).ToListAsync(ct);
        return groups.Where(g => CountsForScore(g.IsValid, g.Own, g.Agrees)).Sum(g => g.Count);
    }

    private static void Apply(Observation o, Revised r, DateTime nowUtc)
    {
        (o.TaxonName, o.Confidence, o.Accuracy, o.IsValid, o.Status, o.RevisedUtc) = (r.TaxonName, r.Confidence, r.Accuracy, r.IsValid, r.Status, nowUtc);
    }

    /// <summary>The weighted vote on each aspect of a photo, from its current votes.</summary>
    public static (string? VotedOrgan, string? ExcludedBecause) DecidePhoto(IEnumerable<(string Aspect, string Value, int Expertise)> votes, AggregationSettings settings)
    {
        string? organ = null;
        var excludedBy = new HashSet<string>();
        foreach (var aspect in votes.GroupBy(v => v.Aspect))
        {
            var weighted = aspect.Select(v => new WeightedVote(PhotoAspects.Label(aspect.Key, v.Value), settings.Weight(v.Expertise)))
                .Where(v => v.Label >= 0).ToArray();
            var outcome = LabelAggregation.Decide(weighted, settings);
            if (!outcome.Valid) continue;
            if (aspect.Key == PhotoAspects.Organ) organ = PhotoAspects.Value(aspect.Key, outcome.Label);
            else if (outcome.Label == 1) excludedBy.Add(aspect.Key);
        }
        // One reason is kept; the order of PhotoAspects.Flags decides which.
        return (organ, PhotoAspects.Flags.FirstOrDefault(excludedBy.Contains));
    }

    /// <summary>Re-decides one (tracked) photo with the current weights; the caller saves.</summary>
    public static async Task RevisePhotoAsync(FlorascopeDb db, ObservationPhoto photo, AggregationSettings settings, CancellationToken ct)
    {
        var votes = await (from v in db.PhotoVotes.AsNoTracking()
                           join u in db.Users.AsNoTracking() on v.UserId equals u.Id
                           where v.PhotoId == photo.Id && v.IsCurrent
                           select new { v.Aspect, v.Value, u.Expertise }).ToListAsync(ct);
        (photo.VotedOrgan, photo.ExcludedBecause) = DecidePhoto(votes.Select(v => (v.Aspect, v.Value, v.Expertise)).ToList(), settings);
    }

    /// <summary>
    /// The whole iteration over every real observation: labels, validity, users' expertise and
    /// scores, photos' votes. Only rows whose values change are written.
    /// </summary>
    /// <remarks>
    /// Built for Pl@ntNet's scale (millions of observations and identifications): rows are read and
    /// written in bulk without EF Core (<see cref="RevisionBatchStore"/>) on the context's connection,
    /// opened once for all the steps; the context tracks nothing. bench `revise-db` measures it.
    /// </remarks>
    public static async Task<BatchReport> RunBatchAsync(FlorascopeDb db, Checklist checklist, AggregationSettings settings, TimeProvider clock,
        IProgress<string>? progress = null, CancellationToken ct = default, BatchWrite write = BatchWrite.Online)
    {
        var started = clock.GetTimestamp();
        string Took() => $"{clock.GetElapsedTime(started).TotalSeconds:0.0} s";
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var input = await LoadAsync(db, checklist, ct);
            var crowd = input.Crowd;
            progress?.Report($"loaded {crowd.TaskCount} observations, {crowd.VoteCount} identifications, {crowd.WorkerCount} users ({Took()})");
            var result = LabelAggregation.Run(crowd, settings, progress);

            var (changed, rebuilt) = await RevisionBatchStore.WriteObservationsAsync(db, ChangedObservations(input, result, settings), crowd.TaskCount,
                clock.GetUtcNow().UtcDateTime, write, ct);
            progress?.Report($"wrote {changed} observations{(rebuilt > 0 ? $", {rebuilt} indexes rebuilt" : "")} ({Took()})");
            var usersChanged = await RevisionBatchStore.WriteUsersAsync(db, ChangedUsers(input.Users, crowd, result), ct);
            progress?.Report($"wrote {usersChanged} users ({Took()})");
            var photosChanged = await RevisePhotosAsync(db, input.Users, result.WorkerN, settings, ct);

            var report = new BatchReport(crowd.TaskCount, crowd.VoteCount, crowd.WorkerCount, result.Rounds, result.Converged, result.Valid.Count(v => v),
                changed, usersChanged, photosChanged, clock.GetElapsedTime(started));
            progress?.Report($"revised {report.Observations} observations ({report.Valid} valid, {report.ObservationsChanged} changed), " +
                $"{report.UsersChanged} users and {report.PhotosChanged} photos changed, {report.Rounds} rounds, in {report.Elapsed.TotalSeconds:0.0} s");
            return report;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>What the batch works on: the rows read, and the crowd built from them (task t = observation t, worker j = user j).</summary>
    private sealed record BatchInput(UserRows Users, ObservationRows Observations, CrowdVotes Crowd, LabelMap Labels);

    /// <summary>
    /// Reads the rows and builds the crowd. The identifications' rows are only needed to build it:
    /// they stay local here, so their memory is free again before the iteration runs.
    /// </summary>
    private static async Task<BatchInput> LoadAsync(FlorascopeDb db, Checklist checklist, CancellationToken ct)
    {
        var rows = await RevisionBatchStore.ReadAsync(db, ct);
        // Each distinct name (a few thousand) is looked up in the checklist once, not once per vote.
        var labels = new LabelMap(checklist, rows.VoteNames.Names);
        return new BatchInput(rows.Users, rows.Observations, BuildCrowd(rows, labels), labels);
    }

    /// <summary>
    /// The votes grouped by observation with a counting sort (the order read is kept within an
    /// observation), names turned into labels. A user has at most one current identification per
    /// observation (unique index IX_identifications_current), so no vote replaces another.
    /// </summary>
    private static CrowdVotes BuildCrowd(BatchRows rows, LabelMap labels)
    {
        var labelOfName = rows.VoteNames.Names.Select(labels.Of).ToArray();
        var (observations, votes) = (rows.Observations, rows.Votes);
        var tasks = observations.Count;
        var start = new int[tasks + 1];
        foreach (var t in votes.Task) start[t + 1]++;
        for (var t = 0; t < tasks; t++) start[t + 1] += start[t];
        var next = start[..tasks];
        var worker = new int[votes.Count];
        var label = new int[votes.Count];
        for (var k = 0; k < votes.Count; k++)
        {
            var at = next[votes.Task[k]]++;
            (worker[at], label[at]) = (votes.Worker[k], labelOfName[votes.Name[k]]);
        }
        var aiLabel = new int[tasks];
        var aiScore = new float[tasks];
        for (var t = 0; t < tasks; t++)
        {
            var model = observations.ModelTaxon[t];
            (aiLabel[t], aiScore[t]) = model < 0 ? (-1, 0) : (labelOfName[model], observations.ModelScore[t]);
        }
        return new CrowdVotes(tasks, rows.Users.Count, labels.Count, start, worker, label, [.. observations.Author], aiLabel, aiScore);
    }

    /// <summary>The observations whose outcome differs from what is stored, with the new outcome (a lazy sequence: nothing is held).</summary>
    private static IEnumerable<ObservationRevision> ChangedObservations(BatchInput input, AggregationResult result, AggregationSettings settings)
    {
        var (observations, crowd, labels) = (input.Observations, input.Crowd, input.Labels);
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            var outcome = result.Outcome(t);
            var taxon = outcome.Label < 0 ? null : labels.Name(outcome.Label);
            var model = LabelAggregation.AiVotes(crowd.AiLabel[t], crowd.AiScore[t], settings) ? crowd.AiLabel[t] : -1;
            var status = StatusOf(outcome.Valid, crowd.VoteLabel.AsSpan(crowd.TaskStart[t], crowd.TaskStart[t + 1] - crowd.TaskStart[t]), model);
            var stored = observations.Stored[t];
            if (taxon == observations.StoredTaxon(t) && status == observations.StoredStatus(t) && outcome.Valid == stored.IsValid
                && Same(outcome.Confidence, stored.Confidence) && Same(outcome.Accuracy, stored.Accuracy))
                continue;
            yield return new ObservationRevision(observations.Ids[t], taxon, outcome.Confidence, outcome.Accuracy, outcome.Valid, status);
        }
    }

    /// <summary>Users whose expertise or game score differs from what is stored (lazy).</summary>
    private static IEnumerable<UserRevision> ChangedUsers(UserRows users, CrowdVotes crowd, AggregationResult result)
    {
        var score = Scores(crowd, result);
        for (var j = 0; j < users.Count; j++)
        {
            if (users.Expertise[j] == result.WorkerN[j] && users.Score[j] == score[j]) continue;
            yield return new UserRevision(users.Ids[j], result.WorkerN[j], score[j]);
        }
    }

    /// <summary>The game's score: identifications of others' observations that agree with their valid taxon.</summary>
    private static int[] Scores(CrowdVotes crowd, AggregationResult result)
    {
        var score = new int[crowd.WorkerCount];
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            if (!result.Valid[t]) continue; // no vote on it can count: skips the votes' loop
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++)
                if (CountsForScore(result.Valid[t], crowd.VoteWorker[v] == crowd.Author[t], crowd.VoteLabel[v] == result.Label[t])) score[crowd.VoteWorker[v]]++;
        }
        return score;
    }

    /// <summary>
    /// Photos, with the new expertise. Photo votes are few next to identifications: they are read
    /// with EF Core, and one statement is run per photo whose outcome changes.
    /// </summary>
    private static async Task<int> RevisePhotosAsync(FlorascopeDb db, UserRows users, int[] expertise, AggregationSettings settings, CancellationToken ct)
    {
        var photoVotes = await (from v in db.PhotoVotes.AsNoTracking()
                                join p in db.ObservationPhotos.AsNoTracking() on v.PhotoId equals p.Id
                                where v.IsCurrent
                                select new { v.PhotoId, v.UserId, v.Aspect, v.Value, p.VotedOrgan, p.ExcludedBecause }).ToListAsync(ct);
        var photosChanged = 0;
        foreach (var group in photoVotes.GroupBy(v => v.PhotoId))
        {
            var (organ, excluded) = DecidePhoto(group.Select(v => (v.Aspect, v.Value, users.Index.Of(v.UserId) is var j and >= 0 ? expertise[j] : 0)).ToList(), settings);
            var stored = group.First();
            if (organ == stored.VotedOrgan && excluded == stored.ExcludedBecause) continue;
            photosChanged += await db.ObservationPhotos.Where(p => p.Id == group.Key && (p.VotedOrgan != organ || p.ExcludedBecause != excluded))
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.VotedOrgan, organ).SetProperty(p => p.ExcludedBecause, excluded), ct);
        }
        return photosChanged;
    }

    private static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-9;

    /// <summary>
    /// Taxon names to labels: checklist order first, then unknown names in ordinal order. Each
    /// distinct name is normalised and looked up in the checklist once (Checklist.IndexOf allocates),
    /// so a batch naming thousands of taxa in millions of votes, known or not, costs thousands of
    /// look-ups; after that a name's label is one dictionary read.
    /// </summary>
    private sealed class LabelMap
    {
        private readonly Checklist _checklist;
        private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);
        private readonly List<string> _extraNames = [];

        public LabelMap(Checklist checklist, IEnumerable<string> names)
        {
            _checklist = checklist;
            foreach (var name in names)
            {
                ref var label = ref CollectionsMarshal.GetValueRefOrAddDefault(_labels, name, out var seen);
                if (seen) continue;
                label = checklist.IndexOf(name);
                if (label < 0) _extraNames.Add(name);
            }
            _extraNames.Sort(StringComparer.Ordinal);
            for (var i = 0; i < _extraNames.Count; i++) _labels[_extraNames[i]] = checklist.Taxa.Count + i;
        }

        public int Count => _checklist.Taxa.Count + _extraNames.Count;
        public int Of(string name) => _labels[name];
        public string Name(int label) => label < _checklist.Taxa.Count ? _checklist.Taxa[label].ScientificNameWithoutAuthor : _extraNames[label - _checklist.Taxa.Count];
    }
}

/// <summary>
/// How a batch that changes most observations writes them on PostgreSQL. <see cref="Online"/> (the servers'
/// periodic job): row by row, every index kept, readers never wait. <see cref="Rebuild"/> (`florascope revise
/// --rebuild-indexes`, for a first batch or a maintenance window): the table is locked, the indexes on the
/// changed columns dropped and rebuilt after one update, several times faster, but readers wait meanwhile.
/// </summary>
public enum BatchWrite
{
    Online,
    Rebuild,
}
