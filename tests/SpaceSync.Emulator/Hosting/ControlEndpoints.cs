using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.Faults;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator;

/// <summary>The test-only control surface under /__emulator/ (no auth, not counted, never faulted).</summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app, EmulatorState state, FaultInjector faults)
    {
        var group = app.MapGroup(Pipeline.ControlPrefix);

        group.MapGet("/stats", () =>
        {
            var byRoute = new JsonObject();
            foreach (var (route, count) in state.Stats.ByRoute) byRoute[route] = count;
            return Http.Json(new JsonObject { ["total"] = state.Stats.Total, ["byRoute"] = byRoute });
        });

        group.MapPost("/stats/reset", () =>
        {
            state.Stats.Reset();
            return Results.NoContent();
        });

        group.MapGet("/faults", () => Results.Json(faults.Settings));

        group.MapPut("/faults", async (HttpContext context) =>
        {
            FaultSettings? settings;
            try
            {
                settings = await JsonSerializer.DeserializeAsync<FaultSettings>(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException e)
            {
                return Results.BadRequest(new { message = "Body must be JSON like {\"latencyMs\":0,\"rateLimit\":{\"limit\":10,\"windowSeconds\":1},\"failPercent\":0,\"dropPercent\":0}: " + e.Message });
            }
            if (settings is null) return Results.BadRequest(new { message = "Body must be a JSON object." });
            try
            {
                faults.Apply(settings);
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { message = e.Message });
            }
            return Results.Json(faults.Settings);
        });
    }
}
