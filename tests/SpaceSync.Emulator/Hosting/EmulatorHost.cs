using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpaceSync.Emulator.Faults;
using SpaceSync.Emulator.Media;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator;

/// <summary>Starts an emulator on real loopback HTTP, in-process.</summary>
public static class EmulatorHost
{
    public static async Task<RunningEmulator> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ContextPath = EmulatorOptions.NormalizeContextPath(options.ContextPath ?? "");
        options.Validate();

        var site = new Site(options);
        var state = new EmulatorState(options.Flavor, options.Seed, options.AdminTimeZone)
        {
            PostingZone = site.IsCloud ? TimeZoneInfo.Utc : site.ServerZone,
            MaxAttachmentBytes = options.MaxAttachmentBytes,
            RewritesBodies = options.CloudBodyRewrite,
            RefusedConstructs = options.CloudRefusedConstructs,
            IndexLag = options.IndexLag,
        };
        if (!options.SpaceAdmin) state.SetSpaceAdmin(false);
        if (options.AdminToken is { } token) state.AddToken(state.Admin, token);
        MediaHost? media = null;
        try
        {
            if (options.SeedSpace is { } key)
                Seeder.Seed(state, key, options.SeedPages, options.Seed, inlineComments: options.SeedInlineComments, folders: options.SeedFolders, bodies: options.SeedBodies);

            var faults = new FaultInjector(options.Flavor, new FaultSettings
            {
                LatencyMs = options.LatencyMs,
                FailPercent = options.FailPercent,
                FailRetryAfterSeconds = options.FailRetryAfterSeconds,
                DropPercent = options.DropPercent,
                DropAfterPercent = options.DropAfterPercent,
                RateLimit = options.RateLimit > 0
                    ? new RateLimitSettings
                    {
                        Limit = options.RateLimit,
                        WindowSeconds = options.RateLimitWindowSeconds,
                        Signal = options.RateLimitSignal,
                        RetryAfterSeconds = options.RateLimitRetryAfterSeconds,
                        NearLimitPercent = options.NearLimitPercent,
                    }
                    : null,
            }, options.Seed);

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>() });
            builder.WebHost.UseUrls(options.Urls);
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 512L * 1024 * 1024);
            // stdout carries only the "Listening on" line; real errors go to stderr.
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Error);
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Services.AddSingleton(state);
            builder.Services.AddSingleton(site);
            builder.Services.AddSingleton(faults);
            var concurrentEdits = new ConcurrentEdits(state);
            builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(f => f.MultipartBodyLengthLimit = 512L * 1024 * 1024);

            var app = builder.Build();
            Pipeline.Use(app, site, state, faults, concurrentEdits);
            ControlEndpoints.Map(app, state, faults, concurrentEdits);
            if (site.IsCloud)
            {
                // Cloud serves attachment bytes from another origin: the media host the REST download redirects to.
                media = await MediaHost.StartAsync(state, options.Urls, options.MediaTokenLifetime, ct).ConfigureAwait(false);
                Cloud.CloudV2Endpoints.Map(app);
                RestV1.LegacyEndpoints.Map(app, "/wiki/rest/api", site);
                RestV1.DownloadEndpoints.MapCloudRest(app, media);
                RestV1.DownloadEndpoints.MapServlet(app, "/wiki/download", refuseApiTokens: !options.CloudDownloadServlet);
            }
            else
            {
                DataCenter.DataCenterEndpoints.Map(app);
                RestV1.LegacyEndpoints.Map(app, "/rest/api", site);
                RestV1.DownloadEndpoints.MapServlet(app, "/download", refuseApiTokens: false);
            }

            await app.StartAsync(ct).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var root = address.TrimEnd('/');
            var siteUrl = site.IsCloud ? root + "/wiki" : root + site.ContextPath;
            return new RunningEmulator(app, media, state, faults, concurrentEdits, options, new Uri(siteUrl));
        }
        catch
        {
            if (media is not null) await media.DisposeAsync().ConfigureAwait(false);
            state.Dispose();
            throw;
        }
    }
}

/// <summary>A started emulator; dispose to stop it and delete its attachment files.</summary>
public sealed class RunningEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MediaHost? _media;

    internal RunningEmulator(WebApplication app, MediaHost? media, EmulatorState state, FaultInjector faults, ConcurrentEdits concurrentEdits, EmulatorOptions options, Uri baseUrl)
    {
        _app = app;
        _media = media;
        State = state;
        Faults = faults;
        ConcurrentEdits = concurrentEdits;
        Options = options;
        BaseUrl = baseUrl;
    }

    /// <summary>The site URL a scope file names: http://127.0.0.1:PORT/wiki (Cloud) or http://127.0.0.1:PORT[/context] (DC).</summary>
    public Uri BaseUrl { get; }

    /// <summary>BaseUrl as text without a trailing slash.</summary>
    public string SiteUrl => BaseUrl.ToString().TrimEnd('/');

    /// <summary>Direct access to the store: users, spaces, pages, request counters.</summary>
    public EmulatorState State { get; }

    /// <summary>The fault knobs (same as PUT /__emulator/faults).</summary>
    public FaultInjector Faults { get; }

    /// <summary>Edits by another user armed to land just before the next write to their page (same as POST /__emulator/concurrent-edits).</summary>
    public ConcurrentEdits ConcurrentEdits { get; }

    public EmulatorOptions Options { get; }

    /// <summary>Cloud: the media host's origin (http://127.0.0.1:PORT, another port than the site's); null for Data Center.</summary>
    public Uri? MediaUrl => _media?.Origin;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            if (_media is not null) await _media.DisposeAsync().ConfigureAwait(false);
            State.Dispose();
        }
    }
}
