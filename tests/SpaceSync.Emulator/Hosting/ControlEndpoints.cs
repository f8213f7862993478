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

        // Users for mentions and user mapping; the demo adds them without touching the process.
        group.MapGet("/users", () =>
        {
            var users = new JsonArray();
            foreach (var u in state.GetUsers()) users.Add(UserJson(u));
            return Http.Json(users);
        });

        group.MapPost("/users", async (HttpContext context) =>
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException e)
            {
                return Results.BadRequest(new { message = "Body must be JSON: " + e.Message });
            }
            try
            {
                var displayName = body.Str("displayName") ?? throw new ArgumentException("displayName is required.");
                var email = body.Str("email") ?? throw new ArgumentException("email is required.");
                var user = state.AddUser(displayName, email, body.Str("username"), body.Str("timeZone"),
                    body.Str("apiToken"), body.Str("password"), body.Str("personalAccessToken"));
                return Http.Json(UserJson(user), 201);
            }
            catch (Exception e) when (e is ArgumentException or StoreException)
            {
                return Results.BadRequest(new { message = e.Message });
            }
        });

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

    private static JsonObject UserJson(User u) => new()
    {
        ["accountId"] = u.AccountId,
        ["userKey"] = u.UserKey,
        ["username"] = u.Username,
        ["displayName"] = u.DisplayName,
        ["email"] = u.Email,
        ["timeZone"] = u.TimeZone,
    };
}
