using Florascope.Data.Observations;

namespace Florascope.Web.Hosting;

/// <summary>
/// The one place where the domain's typed errors become HTTP answers: route groups add
/// <see cref="WithDomainErrors"/> and their handlers let the errors propagate.
/// </summary>
public static class DomainErrors
{
    public static int StatusOf(ObservationError error) => error switch
    {
        ObservationError.NotFound => StatusCodes.Status404NotFound,
        ObservationError.Forbidden => StatusCodes.Status403Forbidden,
        ObservationError.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>Answers an <see cref="ObservationException"/> thrown by a handler of the group with the documented error body.</summary>
    public static RouteGroupBuilder WithDomainErrors(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (ObservationException e)
            {
                return ApiErrors.Error(StatusOf(e.Kind), e.Message);
            }
        });
        return group;
    }
}
