using Florascope.Data.Observations;
using Florascope.Revision;
using Florascope.Taxonomy;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Revision;

/// <summary>One vote as the observation page explains it.</summary>
public sealed record CountedVote(int? UserId, string Voter, string Value, int Expertise, double Weight, bool Agrees);

/// <summary>The outcome of the weighted vote on one observation, with the votes that made it.</summary>
public sealed record Revised(string? TaxonName, double Confidence, double Accuracy, bool IsValid, string Status, IReadOnlyList<CountedVote> Votes);

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
        var votes = new List<WeightedVote>();
        foreach (var i in identifications) votes.Add(new WeightedVote(labels.Of(i.Taxon), settings.Weight(i.Expertise)));
        var modelVotes = modelTaxon is not null && LabelAggregation.AiVotes(0, modelScore ?? 0, settings);
        if (modelVotes) votes.Add(new WeightedVote(labels.Of(modelTaxon!), settings.AiWeight));
        var outcome = LabelAggregation.Decide(votes.ToArray(), settings);
        var taxon = outcome.Label < 0 ? null : labels.Name(outcome.Label);
        var counted = identifications.Select(i => new CountedVote(i.UserId, i.Voter, i.Taxon, i.Expertise, settings.Weight(i.Expertise), i.Taxon == taxon)).ToList();
        if (modelVotes) counted.Add(new CountedVote(null, ModelVoter, modelTaxon!, 0, settings.AiWeight, modelTaxon == taxon));
        return new Revised(taxon, outcome.Confidence, outcome.Accuracy, outcome.Valid, StatusOf(outcome, votes), counted);
    }

    public static string StatusOf(TaskOutcome outcome, IReadOnlyList<WeightedVote> votes) =>
        outcome.Valid ? ObservationStatus.Valid
        : votes.Select(v => v.Label).Distinct().Count() > 1 ? ObservationStatus.Disputed
        : ObservationStatus.NeedsVotes;

    /// <summary>Loads an observation's current identifications and their authors' expertise and decides it (nothing saved).</summary>
    public static async Task<Revised> ExplainAsync(FlorascopeDb db, Observation observation, Checklist checklist, AggregationSettings settings, CancellationToken ct)
    {
        var ids = await (from i in db.Identifications.AsNoTracking()
                         join u in db.Users.AsNoTracking() on i.UserId equals u.Id
                         where i.ObservationId == observation.Id && i.IsCurrent && i.TaxonName != null
                         orderby i.CreatedUtc, i.Id
                         select new { i.UserId, u.DisplayName, u.UserName, Taxon = i.TaxonName!, u.Expertise }).ToListAsync(ct);
        return Decide([.. ids.Select(i => (i.UserId, i.DisplayName.Length > 0 ? i.DisplayName : i.UserName, i.Taxon, i.Expertise))],
            observation.ModelTaxonName, observation.ModelScore, checklist, settings);
    }

    /// <summary>Re-decides one (tracked) observation with the current weights; the caller saves.</summary>
    public static async Task<Revised> ReviseObservationAsync(FlorascopeDb db, Observation observation, Checklist checklist, AggregationSettings settings,
        DateTime nowUtc, CancellationToken ct)
    {
        var revised = await ExplainAsync(db, observation, checklist, settings, ct);
        Apply(observation, revised, nowUtc);
        return revised;
    }

    /// <summary>
    /// The game's score of everyone who identified this observation (its author excepted): their
    /// current identifications of others' observations that agree with a valid taxon. Run after a
    /// change of the observation's outcome; the batch recomputes every score the same way.
    /// </summary>
    public static async Task UpdateScoresAsync(FlorascopeDb db, int observationId, CancellationToken ct)
    {
        var voters = await db.Identifications.Where(i => i.ObservationId == observationId && i.IsCurrent).Select(i => i.UserId).Distinct().ToListAsync(ct);
        foreach (var user in voters)
        {
            var score = await ScoreQuery(db, user).CountAsync(ct);
            await db.Users.Where(u => u.Id == user && u.Score != score).ExecuteUpdateAsync(s => s.SetProperty(u => u.Score, score), ct);
        }
    }

    /// <summary>A user's identifications that count for their score.</summary>
    public static IQueryable<Observations.Identification> ScoreQuery(FlorascopeDb db, int userId) =>
        from i in db.Identifications
        join o in db.Observations on i.ObservationId equals o.Id
        where i.UserId == userId && i.IsCurrent && o.IsValid && o.AuthorId != userId && i.TaxonName == o.TaxonName && !o.IsSynthetic
        select i;

    private static void Apply(Observation o, Revised r, DateTime nowUtc)
    {
        (o.TaxonName, o.Confidence, o.Accuracy, o.IsValid, o.Status, o.RevisedUtc) = (r.TaxonName, r.Confidence, r.Accuracy, r.IsValid, r.Status, nowUtc);
    }

    /// <summary>The weighted vote on each aspect of a photo, from its current votes.</summary>
    public static (string? VotedOrgan, string? ExcludedBecause) DecidePhoto(IEnumerable<(string Aspect, string Value, int Expertise)> votes, AggregationSettings settings)
    {
        string? organ = null, excluded = null;
        foreach (var aspect in votes.GroupBy(v => v.Aspect))
        {
            var weighted = aspect.Select(v => new WeightedVote(PhotoAspects.Label(aspect.Key, v.Value), settings.Weight(v.Expertise)))
                .Where(v => v.Label >= 0).ToArray();
            var outcome = LabelAggregation.Decide(weighted, settings);
            if (!outcome.Valid) continue;
            if (aspect.Key == PhotoAspects.Organ) organ = PhotoAspects.Value(aspect.Key, outcome.Label);
            else if (outcome.Label == 1) excluded ??= aspect.Key;
        }
        // One reason is kept; the order of PhotoAspects.Flags decides which.
        if (excluded is not null)
            excluded = PhotoAspects.Flags.First(f => votes.Any(v => v.Aspect == f) && Excludes(votes, f, settings));
        return (organ, excluded);
    }

    private static bool Excludes(IEnumerable<(string Aspect, string Value, int Expertise)> votes, string flag, AggregationSettings settings)
    {
        var weighted = votes.Where(v => v.Aspect == flag).Select(v => new WeightedVote(PhotoAspects.Label(flag, v.Value), settings.Weight(v.Expertise))).ToArray();
        var o = LabelAggregation.Decide(weighted, settings);
        return o.Valid && o.Label == 1;
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
    public static async Task<BatchReport> RunBatchAsync(FlorascopeDb db, Checklist checklist, AggregationSettings settings, TimeProvider clock,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var started = clock.GetTimestamp();
        var observations = await db.Observations.AsNoTracking().Where(o => !o.IsSynthetic).OrderBy(o => o.Id)
            .Select(o => new { o.Id, o.AuthorId, o.ModelTaxonName, o.ModelScore, o.TaxonName, o.Confidence, o.Accuracy, o.IsValid, o.Status }).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.Expertise, u.Score }).ToListAsync(ct);
        var identifications = await (from i in db.Identifications.AsNoTracking()
                                     join o in db.Observations.AsNoTracking() on i.ObservationId equals o.Id
                                     where i.IsCurrent && i.TaxonName != null && !o.IsSynthetic
                                     select new { i.ObservationId, i.UserId, Taxon = i.TaxonName! }).ToListAsync(ct);
        progress?.Report($"loaded {observations.Count} observations, {identifications.Count} identifications, {users.Count} users");

        var task = new Dictionary<int, int>(observations.Count);
        for (var t = 0; t < observations.Count; t++) task[observations[t].Id] = t;
        var worker = new Dictionary<int, int>(users.Count);
        for (var j = 0; j < users.Count; j++) worker[users[j].Id] = j;
        var labels = new LabelMap(checklist, identifications.Select(i => i.Taxon).Concat(observations.Where(o => o.ModelTaxonName != null).Select(o => o.ModelTaxonName!)));

        var builder = new CrowdVotesBuilder(observations.Count);
        builder.Reserve(labels.Count, users.Count);
        foreach (var i in identifications) builder.AddVote(task[i.ObservationId], worker[i.UserId], labels.Of(i.Taxon));
        for (var t = 0; t < observations.Count; t++)
        {
            builder.SetAuthor(t, worker.GetValueOrDefault(observations[t].AuthorId, -1));
            if (observations[t].ModelTaxonName is { } m) builder.SetAi(t, labels.Of(m), (float)(observations[t].ModelScore ?? 0));
        }
        var crowd = builder.Build();
        var result = LabelAggregation.Run(crowd, settings, progress);
        var now = clock.GetUtcNow().UtcDateTime;

        // Observations whose outcome changed.
        var changed = 0;
        for (var t = 0; t < observations.Count; t++)
        {
            var o = observations[t];
            var votes = new List<WeightedVote>();
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++) votes.Add(new WeightedVote(crowd.VoteLabel[v], 0));
            if (LabelAggregation.AiVotes(crowd.AiLabel[t], crowd.AiScore[t], settings)) votes.Add(new WeightedVote(crowd.AiLabel[t], 0));
            var outcome = result.Outcome(t);
            var taxon = outcome.Label < 0 ? null : labels.Name(outcome.Label);
            var status = StatusOf(outcome, votes);
            if (taxon == o.TaxonName && status == o.Status && outcome.Valid == o.IsValid && Same(outcome.Confidence, o.Confidence) && Same(outcome.Accuracy, o.Accuracy))
                continue;
            var stub = new Observation { Id = o.Id };
            var entry = db.Attach(stub);
            Apply(stub, new Revised(taxon, outcome.Confidence, outcome.Accuracy, outcome.Valid, status, []), now);
            foreach (var p in new[] { nameof(Observation.TaxonName), nameof(Observation.Confidence), nameof(Observation.Accuracy), nameof(Observation.IsValid), nameof(Observation.Status), nameof(Observation.RevisedUtc) })
                entry.Property(p).IsModified = true;
            if (++changed % 1000 == 0) await SaveAndClearAsync(db, ct);
        }
        await SaveAndClearAsync(db, ct);

        // Expertise, and the game's score: identifications of others' observations that agree with their valid taxon.
        var score = new int[users.Count];
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            if (!result.Valid[t]) continue;
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++)
                if (crowd.VoteWorker[v] != crowd.Author[t] && crowd.VoteLabel[v] == result.Label[t]) score[crowd.VoteWorker[v]]++;
        }
        var usersChanged = 0;
        for (var j = 0; j < users.Count; j++)
        {
            if (users[j].Expertise == result.WorkerN[j] && users[j].Score == score[j]) continue;
            await db.Users.Where(u => u.Id == users[j].Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Expertise, result.WorkerN[j]).SetProperty(u => u.Score, score[j]), ct);
            usersChanged++;
        }

        // Photos, with the new expertise.
        var photoVotes = await (from v in db.PhotoVotes.AsNoTracking()
                                where v.IsCurrent
                                select new { v.PhotoId, v.UserId, v.Aspect, v.Value }).ToListAsync(ct);
        var expertise = new Dictionary<int, int>(users.Count);
        for (var j = 0; j < users.Count; j++) expertise[users[j].Id] = result.WorkerN[j];
        var photosChanged = 0;
        foreach (var group in photoVotes.GroupBy(v => v.PhotoId))
        {
            var (organ, excluded) = DecidePhoto(group.Select(v => (v.Aspect, v.Value, expertise.GetValueOrDefault(v.UserId))).ToList(), settings);
            photosChanged += await db.ObservationPhotos.Where(p => p.Id == group.Key && (p.VotedOrgan != organ || p.ExcludedBecause != excluded))
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.VotedOrgan, organ).SetProperty(p => p.ExcludedBecause, excluded), ct);
        }
        var report = new BatchReport(observations.Count, crowd.VoteCount, users.Count, result.Rounds, result.Converged, result.Valid.Count(v => v),
            changed, usersChanged, photosChanged, clock.GetElapsedTime(started));
        progress?.Report($"revised {report.Observations} observations ({report.Valid} valid, {report.ObservationsChanged} changed), " +
            $"{report.UsersChanged} users and {report.PhotosChanged} photos changed, {report.Rounds} rounds, in {report.Elapsed.TotalSeconds:0.0} s");
        return report;
    }

    private static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-9;

    private static async Task SaveAndClearAsync(FlorascopeDb db, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Taxon names to labels: checklist order first, then unknown names in ordinal order.</summary>
    private sealed class LabelMap
    {
        private readonly Checklist _checklist;
        private readonly Dictionary<string, int> _extra = new(StringComparer.Ordinal);
        private readonly List<string> _extraNames;

        public LabelMap(Checklist checklist, IEnumerable<string> names)
        {
            _checklist = checklist;
            _extraNames = [.. names.Where(n => checklist.IndexOf(n) < 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            for (var i = 0; i < _extraNames.Count; i++) _extra[_extraNames[i]] = checklist.Taxa.Count + i;
        }

        public int Count => _checklist.Taxa.Count + _extraNames.Count;
        public int Of(string name) => _checklist.IndexOf(name) is var i and >= 0 ? i : _extra[name];
        public string Name(int label) => label < _checklist.Taxa.Count ? _checklist.Taxa[label].ScientificNameWithoutAuthor : _extraNames[label - _checklist.Taxa.Count];
    }
}
