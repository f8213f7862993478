using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.RestV1;

/// <summary>
/// Page restrictions (read/update, users and groups). Cloud v1: GET/PUT/POST/DELETE /restriction,
/// GET /restriction/byOperation[/{op}], GET/PUT/DELETE /byOperation/{op}/user. Data Center: GET byOperation
/// and PUT /restriction. Read restrictions hide pages from callers they do not name (see EmulatorState.CanView).
/// </summary>
internal static class RestrictionEndpoints
{
    private static readonly string[] Operations = { "read", "update" };

    public static void Map(RouteGroupBuilder api, Site site)
    {
        api.MapGet("/content/{id}/restriction/byOperation", (HttpContext ctx, EmulatorState state, string id) =>
        {
            lock (state.Gate)
            {
                var page = state.RequirePage(Http.ParseId(id, "content id"));
                var json = new LegacyJson(ctx, site, state);
                var body = new JsonObject();
                foreach (var op in Operations) body[op] = json.Restriction(page, op);
                body["_links"] = new JsonObject { ["base"] = json.Base, ["context"] = json.Context };
                return Http.Json(body);
            }
        });

        if (!site.IsCloud)
        {
            api.MapPut("/content/{id}/restriction", async (HttpContext ctx, EmulatorState state, string id) =>
            {
                var pageId = Http.ParseId(id, "content id");
                var updates = ParseUpdates(await ctx.ReadNodeAsync(), state, site);
                Apply(state, pageId, updates, replaceAll: true);
                return Array(ctx, state, site, pageId);
            });
            return;
        }

        api.MapGet("/content/{id}/restriction", (HttpContext ctx, EmulatorState state, string id) =>
            Array(ctx, state, site, Http.ParseId(id, "content id")));

        api.MapPut("/content/{id}/restriction", async (HttpContext ctx, EmulatorState state, string id) =>
        {
            var pageId = Http.ParseId(id, "content id");
            Apply(state, pageId, ParseUpdates(await ctx.ReadNodeAsync(), state, site), replaceAll: true);
            return Array(ctx, state, site, pageId);
        });

        api.MapPost("/content/{id}/restriction", async (HttpContext ctx, EmulatorState state, string id) =>
        {
            var pageId = Http.ParseId(id, "content id");
            Apply(state, pageId, ParseUpdates(await ctx.ReadNodeAsync(), state, site), replaceAll: false);
            return Array(ctx, state, site, pageId);
        });

        api.MapDelete("/content/{id}/restriction", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var pageId = Http.ParseId(id, "content id");
            state.ClearRestrictions(pageId);
            return Array(ctx, state, site, pageId);
        });

        api.MapGet("/content/{id}/restriction/byOperation/{operationKey}", (HttpContext ctx, EmulatorState state, string id, string operationKey) =>
        {
            CheckOperation(operationKey);
            lock (state.Gate)
            {
                var page = state.RequirePage(Http.ParseId(id, "content id"));
                return Http.Json(new LegacyJson(ctx, site, state).Restriction(page, operationKey));
            }
        });

        api.MapGet("/content/{id}/restriction/byOperation/{operationKey}/user", (HttpContext ctx, EmulatorState state, string id, string operationKey) =>
        {
            CheckOperation(operationKey);
            var user = QueryUser(ctx, state);
            lock (state.Gate)
            {
                var page = state.RequirePage(Http.ParseId(id, "content id"));
                return page.Restrictions.TryGetValue(operationKey, out var r) && r.Users.Contains(user)
                    ? Results.Ok()
                    : Errors.Result(ctx, 404, $"User is not in the {operationKey} restriction of content {id}.");
            }
        });

        api.MapPut("/content/{id}/restriction/byOperation/{operationKey}/user", (HttpContext ctx, EmulatorState state, string id, string operationKey) =>
        {
            CheckOperation(operationKey);
            state.SetRestriction(Http.ParseId(id, "content id"), operationKey, new[] { QueryUser(ctx, state) }, System.Array.Empty<string>(), add: true);
            return Results.Ok();
        });

        api.MapDelete("/content/{id}/restriction/byOperation/{operationKey}/user", (HttpContext ctx, EmulatorState state, string id, string operationKey) =>
        {
            CheckOperation(operationKey);
            state.RemoveRestrictionUser(Http.ParseId(id, "content id"), operationKey, QueryUser(ctx, state));
            return Results.Ok();
        });
    }

    private sealed record Update(string Operation, List<User> Users, List<string> Groups);

    private static void CheckOperation(string operation)
    {
        if (!Operations.Contains(operation))
            throw new StoreException(StoreErrorKind.BadRequest, $"Restriction operation '{operation}' is not supported (read, update).");
    }

    private static User QueryUser(HttpContext ctx, EmulatorState state)
    {
        var accountId = ctx.Query("accountId") ?? throw new StoreException(StoreErrorKind.BadRequest, "The accountId parameter is required.");
        return state.FindUserByAccountId(accountId) ?? throw new StoreException(StoreErrorKind.NotFound, $"No user with accountId {accountId}.");
    }

    private static void Apply(EmulatorState state, long pageId, List<Update> updates, bool replaceAll) =>
        state.ApplyRestrictions(pageId, updates.Select(u => (u.Operation, (IEnumerable<User>)u.Users, (IEnumerable<string>)u.Groups)), replaceAll);

    /// <summary>Accepts `[...]` or `{results:[...]}`; users by accountId (Cloud) or userKey/username (DC).</summary>
    private static List<Update> ParseUpdates(JsonNode? body, EmulatorState state, Site site)
    {
        var items = body switch
        {
            JsonArray a => a,
            JsonObject o when o["results"] is JsonArray r => r,
            _ => throw new StoreException(StoreErrorKind.BadRequest, "The body must be an array of restrictions (or {results:[...]})."),
        };
        var updates = new List<Update>();
        foreach (var item in items)
        {
            var operation = item?["operation"] is JsonObject opObject ? opObject.Str("operationKey") : item.Str("operation");
            if (operation is null) throw new StoreException(StoreErrorKind.BadRequest, "Each restriction needs an operation.");
            CheckOperation(operation);
            var restrictions = item?["restrictions"];
            var userNodes = restrictions?["user"] switch
            {
                JsonArray a => a,
                JsonObject o when o["results"] is JsonArray r => r,
                null => new JsonArray(),
                _ => throw new StoreException(StoreErrorKind.BadRequest, "restrictions.user must be an array."),
            };
            var users = new List<User>();
            foreach (var u in userNodes)
            {
                User? user = site.IsCloud
                    ? u.Str("accountId") is { } accountId ? state.FindUserByAccountId(accountId) : null
                    : u.Str("userKey") is { } key ? state.FindUserByKey(key) : u.Str("username") is { } name ? state.FindUserByUsername(name) : null;
                users.Add(user ?? throw new StoreException(StoreErrorKind.BadRequest, "A restriction names a user that does not exist (identify users by " + (site.IsCloud ? "accountId" : "userKey or username") + ")."));
            }
            var groups = new List<string>();
            if (restrictions?["group"] is JsonArray groupNodes)
                foreach (var g in groupNodes)
                    groups.Add(g.Str("name") ?? throw new StoreException(StoreErrorKind.BadRequest, "Each group needs a name."));
            updates.Add(new Update(operation, users, groups));
        }
        return updates;
    }

    /// <summary>
    /// The page's restrictions after a read or a write. A write may have just hidden the page from its caller
    /// (a read restriction naming others only): it took effect, so it is answered 200 with what was written.
    /// </summary>
    private static IResult Array(HttpContext ctx, EmulatorState state, Site site, long pageId)
    {
        lock (state.Gate)
        {
            var page = HttpMethods.IsGet(ctx.Request.Method) ? state.RequirePage(pageId) : state.RequirePageIgnoringViewer(pageId);
            var json = new LegacyJson(ctx, site, state);
            var results = new JsonArray();
            foreach (var op in Operations) results.Add(json.Restriction(page, op));
            var body = new JsonObject
            {
                ["results"] = results,
                ["start"] = 0,
                ["limit"] = 100,
                ["size"] = results.Count,
            };
            if (site.IsCloud) body["restrictionsHash"] = EmulatorState.Hex("restrictions:" + page.Id + ":" + Hash(page), 32);
            body["_links"] = new JsonObject { ["base"] = json.Base, ["context"] = json.Context };
            return Http.Json(body);
        }
    }

    private static string Hash(Page page) =>
        string.Join(";", page.Restrictions.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => r.Key + "=" + string.Join(",", r.Value.Users.Select(u => u.AccountId)) + "/" + string.Join(",", r.Value.Groups)));
}
