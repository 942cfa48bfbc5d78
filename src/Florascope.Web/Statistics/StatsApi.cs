using System.Globalization;
using Florascope.Data;
using Florascope.Data.Statistics;
using Florascope.Identification;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Florascope.Messages;

namespace Florascope.Web.Statistics;

/// <summary>The filters every statistic takes: a flora ("all" or none for every one) and observation dates yyyy-MM-dd (UTC, inclusive).</summary>
public sealed record StatsQuery(string? Project, string? From, string? To);

public sealed record StatsOverview(string Project, IReadOnlyList<MonthCount> Monthly, IReadOnlyList<ProjectCount> Projects, IReadOnlyList<TaxonCount> TopTaxa);

public sealed record TaxonStats(string TaxonName, string Project, double Cell, IReadOnlyList<GridCellCount> Distribution, IReadOnlyList<PhenologyMonth> Phenology);

/// <summary>Public statistics (no account): activity per month and flora, top taxa, a taxon's distribution and phenology.</summary>
public static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        // Each figure scans many rows: a client has the per-address cap, and answers are kept a minute (StatsCache).
        var g = app.MapGroup("/api/stats").WithTags("Statistics").WithDomainErrors().RequireClientLimits();
        g.MapGet("", Overview).WithSummary("Observations, valid observations and contributors per month (UTC) and per flora, and the top taxa by valid observations (project, from, to, top).");
        g.MapGet("/taxa/{name}", Taxon).WithSummary("A taxon's distribution (counts on a grid of public positions, cell in degrees) and phenology (observations by month of the year).");
        return g;
    }

    public static async Task<Ok<StatsOverview>> Overview([AsParameters] StatsQuery query, string? top, FlorascopeDb db, IdentificationEngine engine,
        StatsCache cache, CancellationToken ct)
    {
        // Every parameter is checked before the first query.
        var limit = ObservatoryStatistics.TopTaxaLimit(top);
        var filter = StatisticsFilter.Of(engine.Bundle.Checklist, query.Project, query.From, query.To);
        return TypedResults.Ok(await cache.GetAsync(("overview", filter, limit), async () => new StatsOverview(
            filter.Project ?? Florascope.Taxonomy.Checklist.AllProject,
            await ObservatoryStatistics.MonthlyAsync(db, filter, ct),
            await ObservatoryStatistics.ByProjectAsync(db, filter, ct),
            await ObservatoryStatistics.TopTaxaAsync(db, filter, limit, ct))));
    }

    public static async Task<Ok<TaxonStats>> Taxon(string name, [AsParameters] StatsQuery query, string? cell, FlorascopeDb db, IdentificationEngine engine,
        StatsCache cache, CancellationToken ct)
    {
        // Cheap checks first: the parameters, then the taxon, before any query.
        var grid = StatisticsGrid.Of(NumberOf(cell, "cell"));
        var filter = StatisticsFilter.Of(engine.Bundle.Checklist, query.Project, query.From, query.To);
        var taxon = ObservatoryStatistics.TaxonOf(engine.Bundle.Checklist, name);
        return TypedResults.Ok(await cache.GetAsync(("taxon", filter, taxon, grid.Size), async () => new TaxonStats(
            taxon, filter.Project ?? Florascope.Taxonomy.Checklist.AllProject, grid.Size,
            await ObservatoryStatistics.DistributionAsync(db, filter, taxon, grid, ct),
            await ObservatoryStatistics.PhenologyAsync(db, filter, taxon, ct))));
    }

    private static double? NumberOf(string? text, string name) =>
        string.IsNullOrEmpty(text) ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
        : throw new Florascope.Data.Observations.ObservationException(MessageText.Of("server.stats.not-a-number", "{name} is a number.", ("name", name)));
}
