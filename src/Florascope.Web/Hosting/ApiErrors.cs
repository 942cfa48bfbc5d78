using Florascope.Identification;
using Florascope.Imaging;
using Florascope.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;

namespace Florascope.Web.Hosting;

/// <summary>The API's error body <c>{"statusCode", "error", "message"}</c> for every status.</summary>
public static class ApiErrors
{
    public static JsonHttpResult<ApiError> Error(int status, string message) =>
        TypedResults.Json(new ApiError(status, ReasonPhrases.GetReasonPhrase(status), message), statusCode: status);

    public static JsonHttpResult<ApiError> BadRequest(string message) => Error(StatusCodes.Status400BadRequest, message);

    /// <summary>An error whose message the observatory API answers in the request's language (English elsewhere).</summary>
    public static JsonHttpResult<ApiError> Error(int status, MessageText message) =>
        TypedResults.Json(Body(status, message), statusCode: status);

    public static JsonHttpResult<ApiError> BadRequest(MessageText message) => Error(StatusCodes.Status400BadRequest, message);

    /// <summary>The body in English, keeping the message's key and values for <see cref="InRequestLanguage(HttpContext, ApiError)"/>.</summary>
    public static ApiError Body(int status, MessageText message) =>
        new(status, ReasonPhrases.GetReasonPhrase(status), message.English) { Text = message };

    /// <summary>
    /// The one place where answers take the request's language: the observatory API's (/api/*)
    /// messages are translated (the "server.*" keys of wwwroot/i18n through <see cref="IStringLocalizer"/>);
    /// every other path, /v2 first, keeps English byte for byte, since its clients match the messages.
    /// The reason phrase ("error") stays English everywhere.
    /// </summary>
    public static ApiError InRequestLanguage(HttpContext context, ApiError body)
    {
        if (body.Text is not { Key: not null } text || !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)) return body;
        var localizer = context.RequestServices.GetRequiredService<IStringLocalizerFactory>().Create(typeof(ApiErrors));
        return body with { Message = text.In(key => localizer[key] is { ResourceNotFound: false } s ? s.Value : null) };
    }

    /// <summary>A handler's answer with its error body in the request's language (<see cref="InRequestLanguage(HttpContext, ApiError)"/>); any other answer as it is.</summary>
    public static object? InRequestLanguage(HttpContext context, object? result)
    {
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        return inner is JsonHttpResult<ApiError> { Value: { Text: not null } body } json
            ? TypedResults.Json(InRequestLanguage(context, body), json.JsonSerializerOptions, json.ContentType, json.StatusCode)
            : result;
    }

    /// <summary>Writes an error body (middleware and events, where no handler answers), in the request's language.</summary>
    public static Task WriteAsync(HttpContext context, int status, MessageText message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(InRequestLanguage(context, Body(status, message)));
    }

    /// <summary>Turns anything unhandled into the same body (500), never an HTML page or a stack trace.</summary>
    public static void UseApiErrorBodies(this WebApplication app)
    {
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var exception = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
            if (Florascope.Data.DatabaseFaults.IsUnavailable(exception))
            {
                // The database is restarting or unreachable: a quick, retryable answer, not a 500 (the node recovers by itself).
                context.Response.Headers.RetryAfter = "5";
                await WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    MessageText.Of("server.database-unavailable", "The database is unavailable for a moment; try again in a few seconds."));
                return;
            }
            var status = exception switch
            {
                BadHttpRequestException b => b.StatusCode,
                _ => StatusCodes.Status500InternalServerError,
            };
            await WriteAsync(context, status, status == 500
                ? MessageText.Of("server.internal-error", "Internal error.")
                : MessageText.Of("server.unreadable-request", "The request could not be read."));
        }));
        app.UseStatusCodePages(async ctx =>
        {
            var response = ctx.HttpContext.Response;
            if (response.HasStarted || response.ContentLength is > 0) return;
            var status = response.StatusCode;
            await WriteAsync(ctx.HttpContext, status, status == 404
                ? MessageText.Of("server.no-such-resource", "No such resource.")
                : MessageText.Untranslated(ReasonPhrases.GetReasonPhrase(status)));
        });
    }
}
