using Florascope.Identification;
using Florascope.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Florascope.Web.Hosting;

/// <summary>The API's error body <c>{"statusCode", "error", "message"}</c> for every status.</summary>
public static class ApiErrors
{
    public static JsonHttpResult<ApiError> Error(int status, string message) =>
        TypedResults.Json(new ApiError(status, ReasonPhrases.GetReasonPhrase(status), message), statusCode: status);

    public static JsonHttpResult<ApiError> BadRequest(string message) => Error(StatusCodes.Status400BadRequest, message);

    /// <summary>Turns anything unhandled into the same body (500), never an HTML page or a stack trace.</summary>
    public static void UseApiErrorBodies(this WebApplication app)
    {
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var status = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error switch
            {
                BadHttpRequestException b => b.StatusCode,
                _ => StatusCodes.Status500InternalServerError,
            };
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new ApiError(status, ReasonPhrases.GetReasonPhrase(status),
                status == 500 ? "Internal error." : "The request could not be read."));
        }));
        app.UseStatusCodePages(async ctx =>
        {
            var response = ctx.HttpContext.Response;
            if (response.HasStarted || response.ContentLength is > 0) return;
            var status = response.StatusCode;
            await response.WriteAsJsonAsync(new ApiError(status, ReasonPhrases.GetReasonPhrase(status),
                status == 404 ? "No such resource." : ReasonPhrases.GetReasonPhrase(status)));
        });
    }
}
