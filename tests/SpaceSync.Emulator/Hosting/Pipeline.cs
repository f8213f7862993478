using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpaceSync.Emulator.Faults;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator;

/// <summary>
/// Middleware in the order a real site applies it: context path, counting, faults, authentication,
/// and translation of store refusals into each API's error shape.
/// </summary>
internal static class Pipeline
{
    public const string ControlPrefix = "/__emulator";

    public static void Use(WebApplication app, Site site, EmulatorState state, FaultInjector faults, ConcurrentEdits concurrentEdits)
    {
        // Data Center behind a servlet context: only paths below it exist; the control endpoint answers everywhere.
        app.Use(async (context, next) =>
        {
            if (site.ContextPath.Length > 0 && !IsControl(context.Request.Path))
            {
                if (!context.Request.Path.StartsWithSegments(site.ContextPath, StringComparison.Ordinal, out var rest))
                {
                    context.Response.StatusCode = 404;
                    return;
                }
                context.Request.PathBase = context.Request.PathBase.Add(site.ContextPath);
                context.Request.Path = rest;
            }
            await next(context);
        });

        app.UseRouting();

        app.Use(async (context, next) =>
        {
            if (IsControl(context.Request.Path))
            {
                await next(context);
                return;
            }
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            state.Stats.Record(context.Request.Method, route is null ? "(unmatched)" : "/" + route.TrimStart('/'));

            var outcome = await faults.TryPassAsync(context);
            if (outcome == FaultOutcome.Handled) return;
            concurrentEdits.BeforeRequest(context);
            var hold = faults.HoldFor(context.Request);
            if (hold is not null && outcome == FaultOutcome.Proceed)
            {
                if (hold.Mode == HoldSettings.ModeSilent)
                {
                    await SilentAsync(context, state);
                    return;
                }
                await HeldAsync(context, hold.Mode == HoldSettings.ModeStallBody ? -1 : hold.Ms, () => AuthenticatedAsync(context, next, site, state), state);
                return;
            }
            if (outcome == FaultOutcome.ProceedThenDrop)
            {
                // The work happens, the answer goes nowhere, then the connection dies: a lost response.
                context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
                try
                {
                    await AuthenticatedAsync(context, next, site, state);
                }
                finally
                {
                    context.Abort();
                }
                return;
            }
            await AuthenticatedAsync(context, next, site, state);
        });
    }

    /// <summary>
    /// A stuck site or proxy: the connection is accepted, nothing is done and nothing is sent until the client leaves
    /// (or the emulator stops).
    /// </summary>
    private static async Task SilentAsync(HttpContext context, EmulatorState state)
    {
        state.Stats.RecordHeld();
        await WaitForClientToLeaveAsync(context);
    }

    private static async Task WaitForClientToLeaveAsync(HttpContext context)
    {
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, gone.Token);
        }
        catch (OperationCanceledException)
        {
            context.Abort();   // never a complete answer: the connection just ends
        }
    }

    /// <summary>
    /// Does the work with the answer buffered, then holds it for <paramref name="holdMs"/> before sending it. A client
    /// that gives up or dies meanwhile changes nothing: the work is already in the store. <paramref name="holdMs"/> -1:
    /// the status, headers and half the body go out at once, the rest never (a body that stalls).
    /// </summary>
    private static async Task HeldAsync(HttpContext context, int holdMs, Func<Task> work, EmulatorState state)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await work();
        }
        finally
        {
            context.Features.Set(original);
        }
        state.Stats.RecordHeld();
        if (holdMs < 0)
        {
            // Announce the whole body, send half of it (at least one byte short), then go quiet.
            context.Response.ContentLength = Math.Max(buffer.Length, 1);
            await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)(buffer.Length / 2)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await WaitForClientToLeaveAsync(context);
            return;
        }
        try
        {
            await Task.Delay(holdMs, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;   // the client is gone; nobody is left to answer
        }
        buffer.Position = 0;
        if (buffer.Length == 0) return;
        context.Response.ContentLength = buffer.Length;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static async Task AuthenticatedAsync(HttpContext context, RequestDelegate next, Site site, EmulatorState state)
    {
        var user = Authenticate(context, state);
        if (user is null)
        {
            context.Response.StatusCode = 401;
            if (!site.IsCloud) context.Response.Headers.WWWAuthenticate = "Basic realm=\"Confluence\"";
            await Errors.WriteAsync(context, 401, "Unauthorized",
                "Authentication failed: send valid credentials (" + (site.IsCloud ? "Basic email:api-token" : "Bearer personal access token or Basic username:password") + ").");
            return;
        }
        context.Items[typeof(User)] = user;
        state.Viewer = user;

        try
        {
            await next(context);
        }
        catch (StoreException e) when (!context.Response.HasStarted)
        {
            await Errors.FromStore(context, e).ExecuteAsync(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await Errors.Result(context, 400, e.Message).ExecuteAsync(context);
        }
        catch (InvalidDataException e) when (!context.Response.HasStarted)
        {
            await Errors.Result(context, 400, "Malformed request body: " + e.Message).ExecuteAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            // An emulator bug: say so in the product's shape instead of an empty 500.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SpaceSync.Emulator")
                .LogError(e, "Unhandled error serving {Method} {Path}", context.Request.Method, context.Request.Path);
            await Errors.Result(context, 500, "Internal emulator error: " + e.GetType().Name + ": " + e.Message).ExecuteAsync(context);
        }
    }

    private static bool IsControl(PathString path) => path.StartsWithSegments(ControlPrefix, StringComparison.Ordinal);

    private static User? Authenticate(HttpContext context, EmulatorState state)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrEmpty(value.Parameter))
            return null;
        if (string.Equals(value.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
            return state.AuthenticateBearer(value.Parameter);
        if (!string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
            return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : state.AuthenticateBasic(decoded[..colon], decoded[(colon + 1)..]);
    }
}
