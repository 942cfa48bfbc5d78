using Florascope.Data.Accounts;
using Florascope.Identification;
using Florascope.Imaging;
using Florascope.Data.Observations;

namespace Florascope.Web.Hosting;

/// <summary>
/// The one place where the domain's typed errors become HTTP answers: route groups add
/// <see cref="WithDomainErrors"/> and their handlers let the errors propagate.
/// </summary>
public static class DomainErrors
{
    /// <summary>The status of a refused identification (the core's typed error).</summary>
    public static int StatusOf(IdentifyException e) => e.Error switch
    {
        IdentifyError.UnknownProject => StatusCodes.Status404NotFound,
        IdentifyError.BadImage when e.InnerException is ImageInputException image => StatusOf(image),
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The status of a photo that cannot be used (identify, survey): a format not read 415, too large 413, else 400.</summary>
    public static int StatusOf(ImageInputException e) => e.Problem switch
    {
        ImageProblem.UnsupportedFormat => StatusCodes.Status415UnsupportedMediaType,
        ImageProblem.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    };

    public static int StatusOf(ObservationError error) => error switch
    {
        ObservationError.NotFound => StatusCodes.Status404NotFound,
        ObservationError.Forbidden => StatusCodes.Status403Forbidden,
        ObservationError.Conflict => StatusCodes.Status409Conflict,
        ObservationError.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ObservationError.UnsupportedMedia => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status400BadRequest,
    };

    public static int StatusOf(AccountError error) => error switch
    {
        AccountError.Taken => StatusCodes.Status409Conflict,
        AccountError.UnknownUser => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status400BadRequest,
    };

    public static int StatusOf(Florascope.Data.Models.ModelRegistryError error) => error switch
    {
        Florascope.Data.Models.ModelRegistryError.AlreadyRegistered => StatusCodes.Status409Conflict,
        Florascope.Data.Models.ModelRegistryError.BundleMissing => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status404NotFound,
    };

    public static int StatusOf(Florascope.Data.Challenges.ChallengeError error) => error switch
    {
        Florascope.Data.Challenges.ChallengeError.NotFound => StatusCodes.Status404NotFound,
        Florascope.Data.Challenges.ChallengeError.Forbidden => StatusCodes.Status403Forbidden,
        Florascope.Data.Challenges.ChallengeError.Conflict => StatusCodes.Status409Conflict,
        Florascope.Data.Challenges.ChallengeError.LimitReached => StatusCodes.Status429TooManyRequests,
        Florascope.Data.Challenges.ChallengeError.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>Every survey refusal (too many windows, settings out of bounds) is the request's fault.</summary>
    public static int StatusOf(Florascope.Survey.SurveyError error) => error switch
    {
        _ => StatusCodes.Status400BadRequest,
    };

    public static int StatusOf(Florascope.Data.ApiKeys.ApiKeyError error) => error switch
    {
        Florascope.Data.ApiKeys.ApiKeyError.Revoked => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status404NotFound,
    };

    /// <summary>
    /// Answers an <see cref="ObservationException"/>, <see cref="AccountException"/>, model-registry error or unreachable object store (503) thrown
    /// by a handler of the group with the documented error body, and every error body of the group in the
    /// request's language (<see cref="ApiErrors.InRequestLanguage(HttpContext, ApiError)"/>).
    /// </summary>
    public static TBuilder WithDomainErrors<TBuilder>(this TBuilder group) where TBuilder : IEndpointConventionBuilder
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            object? result;
            try
            {
                result = await next(context);
            }
            catch (ObservationException e)
            {
                result = ApiErrors.Error(StatusOf(e.Kind), e.Text);
            }
            catch (ImageInputException e)
            {
                result = ApiErrors.Error(StatusOf(e), e.Text);
            }
            catch (AccountException e)
            {
                result = ApiErrors.Error(StatusOf(e.Error), e.Text);
            }
            catch (Florascope.Data.Models.ModelRegistryException e)
            {
                result = ApiErrors.Error(StatusOf(e.Error), e.Text);
            }
            catch (Florascope.Data.Challenges.ChallengeException e)
            {
                result = ApiErrors.Error(StatusOf(e.Error), e.Text);
            }
            catch (Florascope.Data.ApiKeys.ApiKeyException e)
            {
                result = ApiErrors.Error(StatusOf(e.Error), e.Text);
            }
            catch (Florascope.Survey.SurveyException e)
            {
                result = ApiErrors.Error(StatusOf(e.Error), e.Text);
            }
            catch (BackgroundCpuBusyException)
            {
                context.HttpContext.Response.Headers.RetryAfter = "30";
                result = ApiErrors.Error(StatusCodes.Status503ServiceUnavailable,
                    Florascope.Messages.MessageText.Of("server.challenges.busy", "Too many runs are being checked right now: try again in a minute."));
            }
            catch (Florascope.Data.Storage.ObjectStoreUnavailableException e)
            {
                // Nothing was stored (photos are written before any row); the client may retry.
                context.HttpContext.Response.Headers.RetryAfter = "30";
                result = ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, e.Text);
            }
            return ApiErrors.InRequestLanguage(context.HttpContext, result);
        });
        return group;
    }
}
