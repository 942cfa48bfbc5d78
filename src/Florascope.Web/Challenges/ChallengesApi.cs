using Florascope.Web.Hosting;

namespace Florascope.Web.Challenges;

/// <summary>Challenges for participants: listing, teams, downloads, runs, leaderboards (docs/api.md, "Challenges").</summary>
public static class ChallengesApi
{
    public static RouteGroupBuilder MapChallengesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/challenges").WithTags("Challenges").WithDomainErrors();
        return g;
    }
}
