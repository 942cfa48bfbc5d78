using Florascope.Web.Assets;

namespace Florascope.Web.Challenges;

/// <summary>The challenge pages: the list, one challenge (team, downloads, runs, leaderboards) and the administrators' page; each is filled by its script from the JSON API.</summary>
public static class ChallengePagesApi
{
    public static IEndpointRouteBuilder MapChallengePages(this IEndpointRouteBuilder app)
    {
        app.MapPage("/challenges", "challenges");
        app.MapPage("/challenges/{slug}", "challenge");
        app.MapPage("/admin/challenges", "admin-challenges");
        return app;
    }
}
