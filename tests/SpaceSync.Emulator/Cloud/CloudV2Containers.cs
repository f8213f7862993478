using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Cloud;

/// <summary>
/// Cloud v2 folders and whiteboards, as parents of pages (docs/confluence-behaviours.md §3): what the v2 document declares
/// for both — create (200), read, delete (to the trash; its pages move up to its parent, as a trashed page's do) and
/// ancestors. Neither is a page: <c>GET /pages/{id}</c> answers 404 for them and page listings leave them out, while a
/// page below one names it as <c>parentId</c> with <c>parentType</c> "folder" or "whiteboard". The document of early
/// 2025 has no folder listing and no direct-children endpoint, so neither is served.
/// </summary>
internal static class CloudV2Containers
{
    public static void Map(RouteGroupBuilder v2)
    {
        foreach (var (collection, type) in new[] { ("folders", "folder"), ("whiteboards", "whiteboard") })
        {
            v2.MapPost($"/{collection}", async (HttpContext ctx, EmulatorState state) =>
            {
                var body = await ctx.ReadObjectAsync();
                var spaceId = body.Str("spaceId") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'spaceId' is required.");
                var parentRaw = body.Str("parentId");
                var space = state.FindSpace(Http.ParseId(spaceId, "space id"))
                    ?? throw new StoreException(StoreErrorKind.NotFound, $"No space with id {spaceId}, or no permission to create a {type} in it.");
                // Without parentId the new folder sits at the space's top level (unlike a page, which v2 puts below the homepage).
                var container = state.CreateContainer(type, space.Id, body.Str("title") ?? "Untitled " + type,
                    parentRaw is null ? null : Http.ParseId(parentRaw, "parentId"), ctx.Caller());
                lock (state.Gate) return CloudV2Endpoints.Single(ctx, CloudV2Json.Container(state, container));
            });

            v2.MapGet($"/{collection}/{{id}}", (HttpContext ctx, EmulatorState state, string id) =>
            {
                lock (state.Gate) return CloudV2Endpoints.Single(ctx, CloudV2Json.Container(state, CloudV2Endpoints.RequirePage(state, id, type)));
            });

            v2.MapDelete($"/{collection}/{{id}}", (HttpContext ctx, EmulatorState state, string id) =>
            {
                Page container;
                lock (state.Gate) container = CloudV2Endpoints.RequirePage(state, id, type);
                state.TrashPage(container.Id);
                return Results.NoContent();
            });

            v2.MapGet($"/{collection}/{{id}}/ancestors", (HttpContext ctx, EmulatorState state, string id) =>
            {
                var limit = Math.Min(ctx.QueryInt("limit", 1, int.MaxValue) ?? 25, 250);
                lock (state.Gate)
                {
                    var container = CloudV2Endpoints.RequirePage(state, id, type);
                    var results = new JsonArray();
                    foreach (var a in state.Ancestors(container).TakeLast(limit))
                        results.Add(new JsonObject { ["id"] = Http.Id(a.Id), ["type"] = a.Type });
                    return Http.Json(new JsonObject { ["results"] = results });
                }
            });
        }
    }
}
