using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Media;

/// <summary>
/// Cloud's media host (api.media.atlassian.com on a real site): another origin, here a second loopback listener on its
/// own port, that serves attachment bytes at /file/{fileId}/binary to whoever brings a valid `token=` from the REST
/// download's redirect, and to nobody else. It takes no Confluence credentials: a request that carries an Authorization
/// header is refused, as is one without a token, with an edited or expired one, or for another file. Its requests are
/// counted in the site's <see cref="RequestStats"/> (route "GET /file/{fileId}/binary"); the fault knobs, which model
/// Confluence's own limits, do not apply to it.
/// </summary>
internal sealed class MediaHost : IAsyncDisposable
{
    public const string Route = "/file/{fileId}/binary";

    private readonly WebApplication _app;
    private readonly EmulatorState _state;

    private MediaHost(WebApplication app, EmulatorState state, MediaTokens tokens, Uri origin)
    {
        _app = app;
        _state = state;
        Tokens = tokens;
        Origin = origin;
    }

    /// <summary>http://127.0.0.1:PORT, another port than the site's.</summary>
    public Uri Origin { get; }

    public MediaTokens Tokens { get; }

    /// <summary>
    /// Starts on loopback next to the site (the site's IP when it listens on one, else 127.0.0.1), on a free port.
    /// </summary>
    public static async Task<MediaHost> StartAsync(EmulatorState state, string siteUrls, TimeSpan tokenLifetime, CancellationToken ct)
    {
        var tokens = new MediaTokens(tokenLifetime);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>() });
        builder.WebHost.UseUrls("http://" + ListenHost(siteUrls) + ":0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            state.Stats.Record(context.Request.Method, Route);
            await next(context);
        });
        app.MapGet(Route, (HttpContext context, string fileId) => Serve(context, state, tokens, fileId));
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MediaHost(app, state, tokens, new Uri(address.TrimEnd('/')));
    }

    /// <summary>The redirect target for one attachment version: absolute, on this host, with a fresh token.</summary>
    public string Link(Attachment attachment, AttachmentVersion version)
    {
        var token = Tokens.Issue(attachment.FileId, attachment.Id, version.Number, _state.Clock.GetUtcNow());
        return Origin.AbsoluteUri.TrimEnd('/') + "/file/" + attachment.FileId + "/binary?token=" + token +
               "&client=" + Tokens.ClientId + "&name=" + Uri.EscapeDataString(attachment.FileName);
    }

    private static IResult Serve(HttpContext context, EmulatorState state, MediaTokens tokens, string fileId)
    {
        if (context.Request.Headers.Authorization.Count > 0)
        {
            return Refuse(401, "The media host takes the token in the URL only; this request carries an Authorization header (Confluence credentials must not be sent here).");
        }

        var (attachmentId, number, refusal) = tokens.Verify(context.Request.Query["token"].LastOrDefault(), fileId, state.Clock.GetUtcNow());
        if (refusal is not null) return Refuse(401, refusal);

        AttachmentVersion? version;
        string name;
        lock (state.Gate)
        {
            // The token is the permission: the store is read whoever is viewing (nobody signs in here).
            var attachment = state.FindAttachment(attachmentId);
            version = attachment?.FileId == fileId ? attachment.Versions.FirstOrDefault(v => v.Number == number) : null;
            name = attachment?.FileName ?? "";
        }

        if (version is null || !File.Exists(version.FilePath)) return Refuse(404, $"File {fileId} does not exist (any more).");
        return Results.File(version.FilePath, version.MediaType, name, enableRangeProcessing: true);
    }

    private static IResult Refuse(int status, string message) =>
        Results.Json(new { code = status, message }, statusCode: status);

    private static string ListenHost(string siteUrls)
    {
        var first = siteUrls.Split(';')[0];
        return Uri.TryCreate(first, UriKind.Absolute, out var url) && System.Net.IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) &&
               !ip.Equals(System.Net.IPAddress.Any) && !ip.Equals(System.Net.IPAddress.IPv6Any)
            ? url.Host
            : "127.0.0.1";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
