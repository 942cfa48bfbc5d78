using Florascope.Web.Hosting;

namespace Florascope.Web.Challenges;

/// <summary>Challenges for administrators: create, edit dates and limits, close (docs/api.md, "Challenges").</summary>
public static class ChallengeAdminApi
{
    public static RouteGroupBuilder MapChallengeAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/challenges").WithTags("Administration").RequireAuthorization(Accounts.SessionCookie.AdminPolicy).WithDomainErrors();
        return g;
    }
}
