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
    public static void Map(WebApplication app, EmulatorState state, FaultInjector faults, ConcurrentEdits concurrentEdits)
    {
        var group = app.MapGroup(Pipeline.ControlPrefix);

        group.MapGet("/stats", () =>
        {
            var byRoute = new JsonObject();
            foreach (var (route, count) in state.Stats.ByRoute) byRoute[route] = count;
            return Http.Json(new JsonObject { ["total"] = state.Stats.Total, ["held"] = state.Stats.Held, ["byRoute"] = byRoute });
        });

        group.MapPost("/stats/reset", () =>
        {
            state.Stats.Reset();
            return Results.NoContent();
        });

        group.MapGet("/faults", () => Results.Json(faults.Settings));

        // Another user's edit that lands just before the next write to its page (see ConcurrentEdits).
        group.MapPost("/concurrent-edits", async (HttpContext context) =>
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException e)
            {
                return Results.BadRequest(new { message = "Body must be JSON like {\"pageId\":\"42\",\"body\":\"<p>x</p>\",\"title\":null,\"user\":\"bob@example.com\"}: " + e.Message });
            }
            try
            {
                var rawId = body.Str("pageId") ?? throw new ArgumentException("pageId is required.");
                if (!long.TryParse(rawId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pageId))
                    throw new ArgumentException($"pageId must be a page id, not '{rawId}'.");
                var text = body.Str("body") ?? throw new ArgumentException("body (storage format) is required.");
                var author = AuthorOf(state, body.Str("user"));
                var edit = new ConcurrentEdit(pageId, text, body.Str("title"), author, body.Str("message") ?? "Edited by " + author.DisplayName + " while a sync ran");
                concurrentEdits.Arm(edit);
                return Http.Json(EditJson(edit), 201);
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { message = e.Message });
            }
            catch (StoreException e)
            {
                return Results.Json(new { message = e.Message }, statusCode: e.Kind == StoreErrorKind.NotFound ? 404 : 400);
            }
        });

        group.MapGet("/concurrent-edits", () =>
        {
            var pending = new JsonArray();
            foreach (var e in concurrentEdits.Pending) pending.Add(EditJson(e));
            var applied = new JsonArray();
            foreach (var a in concurrentEdits.Applied)
                applied.Add(new JsonObject { ["pageId"] = Http.Id(a.PageId), ["version"] = a.Version, ["error"] = a.Error });
            return Http.Json(new JsonObject { ["pending"] = pending, ["applied"] = applied });
        });

        group.MapDelete("/concurrent-edits", () =>
        {
            concurrentEdits.Clear();
            return Results.NoContent();
        });

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
                // Cloud profile visibility (State.HideEmail), and Data Center administrators (who see everyone's e-mail;
                // added users are not administrators unless asked): out-of-process tests have no State to set them on.
                var emailHidden = body.Bool("emailHidden") ?? false;
                var administrator = body.Bool("administrator") ?? false;
                var user = state.AddUser(displayName, email, body.Str("username"), body.Str("timeZone"),
                    body.Str("apiToken"), body.Str("password"), body.Str("personalAccessToken"));
                if (emailHidden) state.HideEmail(user);
                if (administrator) state.AddUserToGroup(user, EmulatorState.AdministratorsGroup);
                return Http.Json(UserJson(user), 201);
            }
            catch (Exception e) when (e is ArgumentException or StoreException)
            {
                return Results.BadRequest(new { message = e.Message });
            }
        });

        // Cloud's page archive (the product's own archive endpoints are not served: SpaceSync never archives).
        group.MapPost("/pages/{id}/archive", (string id) => ArchiveControl(state, id, archive: true));
        group.MapPost("/pages/{id}/unarchive", (string id) => ArchiveControl(state, id, archive: false));

        // A body as an old page, an import or a database restore can hold it: stored as given (not checked, not converted).
        group.MapPut("/pages/{id}/body", async (string id, HttpContext context) => await PlantBodyAsync(state, id, context));

        // Whether the sync account administers the spaces (purging from the trash needs it).
        group.MapGet("/space-admin", () => Http.Json(new JsonObject { ["spaceAdmin"] = state.AdminIsSpaceAdmin }));
        group.MapPut("/space-admin", async (HttpContext context) =>
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException e)
            {
                return Results.BadRequest(new { message = "Body must be JSON like {\"spaceAdmin\":false}: " + e.Message });
            }
            if (body?["spaceAdmin"] is not JsonValue flag || !flag.TryGetValue<bool>(out var isAdmin))
                return Results.BadRequest(new { message = "Body must be JSON like {\"spaceAdmin\":false}." });
            state.SetSpaceAdmin(isAdmin);
            return Http.Json(new JsonObject { ["spaceAdmin"] = state.AdminIsSpaceAdmin });
        });

        // The search index's lag (CQL and Cloud v2 modified-date listings show a write this much later).
        group.MapGet("/index-lag", () => IndexLagJson(state));
        group.MapPut("/index-lag", async (HttpContext context) =>
        {
            var (body, refusal) = await ReadJsonAsync(context, "{\"seconds\":5}");
            if (refusal is not null) return refusal;
            if (body?["seconds"] is not JsonValue value || !value.TryGetValue<double>(out var seconds) || seconds < 0 || seconds > 86_400)
                return Results.BadRequest(new { message = "Body must be JSON like {\"seconds\":5}: a number of seconds between 0 and 86400 (0 = indexed at once)." });
            state.IndexLag = TimeSpan.FromSeconds(seconds);
            return IndexLagJson(state);
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

    private static async Task<IResult> PlantBodyAsync(EmulatorState state, string id, HttpContext context)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pageId))
            return Results.BadRequest(new { message = $"'{id}' is not a page id." });
        string? text;
        try
        {
            text = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)).Str("body");
        }
        catch (JsonException e)
        {
            return Results.BadRequest(new { message = "Body must be JSON like {\"body\":\"<p>x</p>\"}: " + e.Message });
        }
        if (text is null) return Results.BadRequest(new { message = "body (the text to store, as given) is required." });
        try
        {
            var page = state.RequirePageIgnoringViewer(pageId);
            var updated = state.UpdatePage(pageId, new PageUpdate(page.Current.Number + 1, null, text, Message: "Planted by the emulator's control endpoint"));
            return Http.Json(new JsonObject { ["pageId"] = Http.Id(updated.Id), ["version"] = updated.Current.Number });
        }
        catch (StoreException e)
        {
            return Results.Json(new { message = e.Message }, statusCode: e.Kind == StoreErrorKind.NotFound ? 404 : 400);
        }
    }

    private static IResult ArchiveControl(EmulatorState state, string id, bool archive)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pageId))
            return Results.BadRequest(new { message = $"'{id}' is not a page id." });
        try
        {
            if (archive) state.ArchivePage(pageId);
            else state.UnarchivePage(pageId);
            var page = state.RequirePageIgnoringViewer(pageId);
            return Http.Json(new JsonObject { ["pageId"] = Http.Id(page.Id), ["status"] = page.Status });
        }
        catch (StoreException e)
        {
            return Results.Json(new { message = e.Message }, statusCode: e.Kind == StoreErrorKind.NotFound ? 404 : 400);
        }
    }

    /// <summary>The named user (email, account id, user key or username), else the first user who is not the admin.</summary>
    private static User AuthorOf(EmulatorState state, string? name)
    {
        if (name is null)
            return state.GetUsers().FirstOrDefault(u => u != state.Admin) ?? state.Admin;
        return state.FindUserByEmail(name) ?? state.FindUserByAccountId(name) ?? state.FindUserByKey(name) ?? state.FindUserByUsername(name)
            ?? throw new ArgumentException($"No user '{name}' (give an email, account id, user key or username).");
    }

    private static JsonObject EditJson(ConcurrentEdit e) => new()
    {
        ["pageId"] = Http.Id(e.PageId),
        ["title"] = e.Title,
        ["body"] = e.Body,
        ["user"] = e.Author.Email,
        ["message"] = e.Message,
    };

    private static JsonObject UserJson(User u) => new()
    {
        ["accountId"] = u.AccountId,
        ["userKey"] = u.UserKey,
        ["username"] = u.Username,
        ["displayName"] = u.DisplayName,
        ["email"] = u.Email,
        ["timeZone"] = u.TimeZone,
        ["emailHidden"] = u.EmailHidden,
        ["groups"] = new JsonArray(u.Groups.Select(g => (JsonNode)g).ToArray()),
    };

    /// <summary>The request's JSON body, or a 400 that shows the shape expected.</summary>
    private static async Task<(JsonNode? Body, IResult? Refusal)> ReadJsonAsync(HttpContext context, string example)
    {
        try
        {
            return (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted), null);
        }
        catch (JsonException e)
        {
            return (null, Results.BadRequest(new { message = $"Body must be JSON like {example}: {e.Message}" }));
        }
    }

    private static IResult IndexLagJson(EmulatorState state) =>
        Http.Json(new JsonObject { ["seconds"] = state.IndexLag.TotalSeconds, ["queued"] = state.IndexQueueLength });
}
