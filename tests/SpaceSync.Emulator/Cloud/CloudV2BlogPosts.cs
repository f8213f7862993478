using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Cloud;

/// <summary>Cloud v2 blog posts: list (all or per space), create (200), read, update (version + 1, restore), delete/purge.</summary>
internal static class CloudV2BlogPosts
{
    public static void Map(RouteGroupBuilder v2)
    {
        v2.MapGet("/blogposts", (HttpContext ctx, EmulatorState state) =>
        {
            var spaceIds = ctx.QueryList("space-id").Select(i => Http.ParseId(i, "space id")).ToList();
            var ids = ctx.QueryList("id").Select(i => Http.ParseId(i, "blog post id")).ToList();
            return List(ctx, state, p => (spaceIds.Count == 0 || spaceIds.Contains(p.Space.Id)) && (ids.Count == 0 || ids.Contains(p.Id)));
        });

        v2.MapGet("/spaces/{id}/blogposts", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var space = state.FindSpace(Http.ParseId(id, "space id")) ?? throw new StoreException(StoreErrorKind.NotFound, $"No space with id {id}.");
            return List(ctx, state, p => p.Space == space);
        });

        v2.MapGet("/blogposts/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
            var wanted = ctx.QueryList("status");
            var versionNumber = ctx.QueryInt("version", 1, int.MaxValue);
            lock (state.Gate)
            {
                var post = CloudV2Endpoints.RequirePage(state, id, "blogpost");
                if (wanted.Count > 0 && !wanted.Contains(post.Status))
                    throw new StoreException(StoreErrorKind.NotFound, $"No blog post {id} with status {string.Join(",", wanted)}.");
                PageVersion? version = null;
                if (versionNumber is int n)
                    version = post.Versions.FirstOrDefault(v => v.Number == n) ?? throw new StoreException(StoreErrorKind.NotFound, $"Blog post {id} has no version {n}.");
                return CloudV2Endpoints.Single(ctx, CloudV2Json.BlogPost(post, bodyFormat, version));
            }
        });

        v2.MapPost("/blogposts", async (HttpContext ctx, EmulatorState state) =>
        {
            var body = await ctx.ReadObjectAsync();
            var spaceId = body.Str("spaceId") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'spaceId' is required.");
            var status = body.Str("status") ?? "current";
            if (status != "current")
                throw new StoreException(StoreErrorKind.BadRequest, $"Status '{status}' is not supported by this emulator; create blog posts as current.");
            var storage = CloudEditorConversion.Store(state, CloudV2Endpoints.StorageValue(body["body"]) ?? "");
            var space = state.FindSpace(Http.ParseId(spaceId, "space id")) ?? throw new StoreException(StoreErrorKind.BadRequest, $"No space with id {spaceId}.");
            var post = state.CreateBlogPost(space.Id, body.Str("title") ?? "", storage, ctx.Caller());
            lock (state.Gate) return CloudV2Endpoints.Single(ctx, CloudV2Json.BlogPost(post, "storage"));
        });

        v2.MapPut("/blogposts/{id}", async (HttpContext ctx, EmulatorState state, string id) =>
        {
            var postId = Http.ParseId(id, "blog post id");
            var body = await ctx.ReadObjectAsync();
            if (body.Str("id") is not { } bodyId || Http.ParseId(bodyId, "id") != postId)
                throw new StoreException(StoreErrorKind.BadRequest, "Field 'id' is required and must match the blog post id in the path.");
            var status = body.Str("status") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'status' is required.");
            var number = body["version"].Int("number") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'version.number' is required.");
            var title = body.Str("title") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'title' is required.");
            var storage = CloudV2Endpoints.StorageValue(body["body"]) is { } given ? CloudEditorConversion.Store(state, given) : null;
            lock (state.Gate)
            {
                var post = CloudV2Endpoints.RequirePage(state, id, "blogpost");
                if (storage is null && post.Status != "trashed")
                    throw new StoreException(StoreErrorKind.BadRequest, "Field 'body' is required.");
                state.UpdatePage(postId, new PageUpdate(number, title, storage, status, Message: body["version"].Str("message")), ctx.Caller());
                return CloudV2Endpoints.Single(ctx, CloudV2Json.BlogPost(post, "storage"));
            }
        });

        v2.MapDelete("/blogposts/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var postId = Http.ParseId(id, "blog post id");
            CloudV2Endpoints.RequirePage(state, id, "blogpost");
            if (ctx.QueryBool("purge")) state.PurgePage(postId);
            else state.TrashPage(postId);
            return Results.NoContent();
        });
    }

    private static IResult List(HttpContext ctx, EmulatorState state, Func<Page, bool> filter)
    {
        var title = ctx.Query("title");
        var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
        var statuses = CloudV2Endpoints.Statuses(ctx);
        var sortKey = ctx.Query("sort");
        if (sortKey is "title" or "-title")
            throw new StoreException(StoreErrorKind.BadRequest, "Blog posts sort by id, created-date or modified-date (optionally with '-').");
        var sort = CloudV2Endpoints.PageSort(sortKey);
        lock (state.Gate)
        {
            if (CloudV2Endpoints.ByModifiedDate(sortKey))
            {
                var indexed = CloudV2Endpoints.SortIndexed(state.IndexedPages()
                    .Where(e => e.Page.IsBlogPost && filter(e.Page))
                    .Where(e => statuses.Contains(e.Status))
                    .Where(e => title is null || e.Title == title), sortKey!).ToList();
                return CloudV2Endpoints.Paged(ctx, indexed, 25, e => CloudV2Json.BlogPost(e.Page, bodyFormat, indexed: e));
            }
            var posts = sort(state.AllPages
                .Where(p => p.IsBlogPost && filter(p))
                .Where(p => statuses.Contains(p.Status))
                .Where(p => title is null || p.Title == title)).ToList();
            return CloudV2Endpoints.Paged(ctx, posts, 25, p => CloudV2Json.BlogPost(p, bodyFormat));
        }
    }
}
