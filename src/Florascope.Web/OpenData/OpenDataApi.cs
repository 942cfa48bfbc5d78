using Florascope.Data;
using Florascope.Data.OpenData;
using Florascope.Data.Storage;
using Florascope.DarwinCore;
using Florascope.Identification;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Florascope.Web.OpenData;

/// <summary>The observatory's open data: the Darwin Core Archive GBIF harvests.</summary>
public static class OpenDataApi
{
    /// <summary>Seconds a client is told to wait before the first build is done.</summary>
    public const int RetryAfterSeconds = 60;

    public static IServiceCollection AddOpenData(this IServiceCollection services, FlorascopeOptions options)
    {
        options.OpenData.Validate();
        // The archive the server publishes; a test may register its own builder first.
        services.TryAddSingleton(new OpenDataArchive(DarwinCoreArchiveAsync));
        // The same Florascope:Storage settings as photos: with S3, every node serves the one archive in the bucket.
        services.AddSingleton(sp => new SharedArchiveStore(
            (sp.GetRequiredService<IConfiguration>().GetSection(StorageSettings.Section).Get<StorageSettings>() ?? new()).CreateOpenDataStore()));
        services.AddSingleton<OpenDataArchiveFile>();
        services.AddSingleton<Jobs.IJob, OpenDataRebuild>();
        services.AddHostedService<OpenDataStartup>();
        return services;
    }

    /// <summary>
    /// The observatory's Darwin Core Archive (<see cref="DwcaWriter"/>) over the running model's
    /// checklist, with the dataset metadata of <c>Florascope:OpenData</c>.
    /// </summary>
    public static Task DarwinCoreArchiveAsync(IServiceProvider services, Stream output, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<FlorascopeOptions>>().Value;
        var o = options.OpenData;
        return DwcaWriter.WriteAsync(services.GetRequiredService<FlorascopeDb>(), services.GetRequiredService<IdentificationEngine>().Bundle.Checklist, output,
            new DwcaOptions
            {
                BaseUrl = ArchiveBaseUrl(services, options),
                Metadata = new DatasetMetadata
                {
                    Title = o.Title, Abstract = o.Abstract, CreatorName = o.CreatorName, ContactEmail = o.ContactEmail,
                    Citation = o.Citation.Length > 0 ? o.Citation : null,
                },
                Clock = services.GetRequiredService<TimeProvider>(),
            }, null, ct);
    }

    /// <summary>
    /// PublicBaseUrl; without it (development, warned at start) the address the server listens on,
    /// so that a background build, which has no request, still writes absolute URLs.
    /// </summary>
    private static string ArchiveBaseUrl(IServiceProvider services, FlorascopeOptions options)
    {
        if (options.PublicBaseUrl.Length > 0) return options.PublicBaseUrl.TrimEnd('/');
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
        foreach (var wildcard in new[] { "://+", "://*", "://0.0.0.0", "://[::]" })
            address = address.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        return address.TrimEnd('/');
    }

    public static RouteGroupBuilder MapOpenDataApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/open-data").WithTags("Open data").WithDomainErrors();
        // HEAD too: harvesters check Last-Modified and the ETag before downloading.
        g.MapMethods("/dwca.zip", [HttpMethods.Get, HttpMethods.Head], Archive).WithSummary(
            "The observatory's Darwin Core Archive (valid observations, public positions), rebuilt in the background; ETag, Last-Modified and ranges; 503 with Retry-After before the first build; 404 when the rebuild is off and none is in place.");
        return g;
    }

    public static async Task<Results<FileStreamHttpResult, JsonHttpResult<ApiError>>> Archive(OpenDataArchiveFile archive, HttpResponse response, CancellationToken ct)
    {
        // Opened first, then described from the opened bytes: a rebuild putting a new archive in place
        // in between cannot pair the new bytes with the old validators.
        // A shared store that cannot be reached throws ObjectStoreUnavailableException: 503 (WithDomainErrors).
        var opened = await archive.OpenAsync(ct);
        if (opened is null && !archive.IsScheduled)
            return ApiErrors.Error(StatusCodes.Status404NotFound, "This server does not publish an open-data archive (Florascope:OpenData:RebuildMinutes is 0 and none is in place).");
        if (opened is null)
        {
            response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, "The open-data archive is being built for the first time; retry in a minute.");
        }
        // From the size and last write, which every node reads alike from a shared store: one ETag for one archive.
        var tag = new EntityTagHeaderValue($"\"{opened.Length:x}-{opened.LastModifiedUtc.Ticks:x}\"");
        // Caches may keep it, but must ask again: it changes at every rebuild.
        response.Headers.CacheControl = "public, no-cache";
        return TypedResults.Stream(opened.Content, "application/zip", OpenDataArchiveFile.FileName, new DateTimeOffset(opened.LastModifiedUtc, TimeSpan.Zero), tag, enableRangeProcessing: true);
    }
}
