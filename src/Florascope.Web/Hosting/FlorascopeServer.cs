using Florascope.Bundles;
using Florascope.Data;
using Florascope.Engine;
using Florascope.Identification;
using Florascope.Revision;
using Florascope.Data.Observations;
using Florascope.Web.Accounts;
using Florascope.Web.Assets;
using Florascope.Web.Challenges;
using Florascope.Web.Game;
using Florascope.Web.Home;
using Florascope.Web.Observations;
using Florascope.Web.OpenData;
using Florascope.Web.Identify;
using Florascope.Web.Survey;
using Florascope.Web.Jobs;
using Florascope.Web.Media;
using Florascope.Web.Models;
using Florascope.Web.Revision;
using Florascope.Web.Statistics;
using Florascope.Web.Quota;
using Florascope.Web.Taxonomy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Scalar.AspNetCore;

namespace Florascope.Web.Hosting;

/// <summary>Builds the web application; Program.cs and the tests both start it from here.</summary>
public static class FlorascopeServer
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = WebRoot() });
        configure?.Invoke(builder);
        var options = builder.Configuration.GetSection(FlorascopeOptions.Section).Get<FlorascopeOptions>() ?? new FlorascopeOptions();
        builder.Services.Configure<FlorascopeOptions>(builder.Configuration.GetSection(FlorascopeOptions.Section));
        builder.AddSecurityHosting(options);
        builder.AddWebAssets(builder.Environment.WebRootPath);

        var database = new DatabaseSettings
        {
            DataDirectory = options.DataDirectory is { Length: > 0 } d ? d : DatabaseSettings.DefaultDataDirectory,
            Provider = DatabaseSettings.ParseProvider(options.Database),
            ConnectionString = builder.Configuration.GetConnectionString("Florascope") is { Length: > 0 } cs ? cs : null,
        };
        Directory.CreateDirectory(database.DataDirectory);
        if (database.Provider == DatabaseProvider.Sqlite)
            builder.Services.AddDbContext<FlorascopeDb, SqliteFlorascopeDb>(database.Configure);
        else
            builder.Services.AddDbContext<FlorascopeDb, PostgresFlorascopeDb>(database.Configure);
        builder.Services.AddSingleton(database);
        builder.Services.TryAddTimeProvider();

        var bundle = ModelBundle.Load(options.ModelDirectory is { Length: > 0 } md ? md : ModelBundle.DefaultDirectory);
        var imageDirectory = options.ImageDirectory is { Length: > 0 } id ? id : ModelBundle.DefaultDataDirectory;
        var inference = options.Inference;
        builder.Services.AddSingleton(_ => new Backbone(new BackboneOptions { IntraOpThreads = inference.EffectiveThreads }));
        builder.Services.AddSingleton(sp => new ModelHost(new IdentificationEngine(bundle, new Embedder(sp.GetRequiredService<Backbone>()))));
        // Per request: a request keeps the model it started with when a promoted one is switched in.
        builder.Services.AddScoped(sp => sp.GetRequiredService<ModelHost>().Current);
        builder.Services.AddHostedService<ModelWatcher>();
        var revision = builder.Configuration.GetSection(FlorascopeOptions.Section + ":Revision").Get<AggregationSettings>() ?? AggregationSettings.Default;
        revision.Validate();
        builder.Services.AddSingleton(revision);
        builder.Services.AddSingleton<RevisionScheduler>();
        builder.Services.AddSingleton<Jobs.IJob>(sp => sp.GetRequiredService<RevisionScheduler>());
        builder.Services.AddSingleton(new InferencePool(inference.EffectiveWorkers, inference.QueueLimit));
        builder.Services.AddSurveys(builder.Configuration, inference.EffectiveWorkers);
        builder.Services.AddSingleton(sp => new ServerPaths(database.DataDirectory, imageDirectory, sp.GetRequiredService<ModelHost>()));
        // Photos and model bundles: folders under the data directory, or an S3 bucket every node shares (docs/storage.md).
        var storage = builder.Configuration.GetSection(Florascope.Data.Storage.StorageSettings.Section).Get<Florascope.Data.Storage.StorageSettings>() ?? new();
        builder.Services.AddSingleton(new PhotoStore(storage.CreatePhotoStore(database.DataDirectory)));
        builder.Services.AddSingleton(new Florascope.Data.Models.BundleStore(storage.CreateModelStore(), Path.Combine(database.DataDirectory, Florascope.Data.Models.BundleStore.CacheFolder)));
        // Shared secrets come from the database: resolved at first use, after the migrations below.
        builder.Services.AddSingleton(sp => WithDb(sp, db => AddressSalt.Load(db, database.DataDirectory, sp.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime)));
        builder.Services.AddSingleton<Jobs.IJob, PhotoGarbageCollector>();
        builder.Services.AddSingleton<Jobs.IJob, Housekeeping>();
        builder.Services.AddFlorascopeJobs(options);
        builder.Services.AddSingleton<StatsCache>();
        options.SignIn.Validate();
        builder.Services.AddFlorascopeAccounts();
        builder.Services.AddFlorascopeLanguages();
        builder.Services.AddFlorascopeHealth();
        // The key ring that signs cookies and anti-forgery tokens lives in the database, so every node
        // of a deployment (and a restarted container) reads the same keys.
        builder.Services.AddDataProtection().SetApplicationName("Florascope").PersistKeysToDbContext<FlorascopeDb>();
        // Geoprivacy: one key for every process writing public positions (see docs/security.md).
        builder.Services.AddSingleton(sp => WithDb(sp, db => Florascope.Data.Privacy.GeoprivacyKey.Load(db, database.DataDirectory,
            builder.Configuration[FlorascopeOptions.Section + ":GeoprivacyKey"], sp.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime)));
        builder.Services.AddSingleton<PrivacyStartup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PrivacyStartup>());
        builder.Services.AddAntiforgery(a => a.HeaderName = "X-CSRF-TOKEN");
        builder.Services.AddOpenData(options);
        builder.Services.AddFlorascopeChallenges(builder.Configuration, storage, database.DataDirectory);
        builder.Services.AddSingleton<Jobs.IJob, BaselineRuns>();

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.WebHost.ConfigureKestrel(k => ClientLimits.Configure(k.Limits, options.Clients));
        builder.Services.AddClientLimits(options);
        builder.Services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = options.MaxRequestBytes;
            f.ValueCountLimit = 64;
        });
        // Any origin may call the API from a browser: keys travel in the query, no cookies are used.
        builder.Services.AddCors(c => c.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
            .WithExposedHeaders("RateLimit", "RateLimit-Policy", "Retry-After")));
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

        var app = builder.Build();
        database.Migrate();
        app.UseCompression();
        app.UseForwardedAndSecurityHeaders();
        app.UseRequestLocalization();
        app.UseApiErrorBodies();
        app.UseHostChecks();
        app.UseFingerprintedStaticFiles();
        app.UseCors();
        app.UseServerMetrics();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseSessionHint();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHomeApi();
        app.MapIdentifyApi();
        app.MapWebIdentifyApi();
        app.MapSurveyApi();
        app.MapTaxonomyApi();
        app.MapQuotaApi();
        app.MapMediaApi();
        app.MapAccountsApi();
        app.MapAccountKeysApi();
        app.MapProfilesApi();
        app.MapObservationsApi();
        app.MapTaxaPagesApi();
        app.MapGameApi();
        app.MapModelsApi();
        app.MapOpenDataApi();
        app.MapStatsApi();
        app.MapJobsApi();
        app.MapAdminKeysApi();
        app.MapChallengesApi();
        app.MapChallengeAdminApi();
        app.MapChallengePages();
        // The pages are static HTML filled by their script from the JSON API (text only, never markup).
        foreach (var (route, page) in new[] { ("/map", "map"), ("/app", "app"), ("/account", "account"), ("/observations", "latest"),
            ("/observations/{id:int}", "observation"), ("/taxa/{name}", "taxon"), ("/users/{id:int}", "profile"), ("/search", "search"),
            ("/help", "help"), ("/models", "models"), ("/stats", "stats"), ("/admin/jobs", "jobs") })
            app.MapPage(route, page);
        app.MapServiceWorker();
        app.MapFlorascopeHealth();
        app.MapServerMetrics();
        return app;
    }

    /// <summary>wwwroot of the project when run from it, else the copy next to the binaries.</summary>
    private static string? WebRoot() =>
        Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "wwwroot")) ? null : Path.Combine(AppContext.BaseDirectory, "wwwroot");

    private static T WithDb<T>(IServiceProvider services, Func<FlorascopeDb, T> read)
    {
        using var scope = services.CreateScope();
        return read(scope.ServiceProvider.GetRequiredService<FlorascopeDb>());
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}
