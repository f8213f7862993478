using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Cloud;

/// <summary>Cloud v2 footer comments: list per page, create (201), read, update (version + 1), delete (204).</summary>
internal static class CloudV2Comments
{
    private static IEnumerable<Comment> Sorted(IEnumerable<Comment> comments, string sort) => sort switch
    {
        "created-date" => comments.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
        "-created-date" => comments.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        "modified-date" => comments.OrderBy(c => c.Current.When).ThenBy(c => c.Id),
        "-modified-date" => comments.OrderByDescending(c => c.Current.When).ThenByDescending(c => c.Id),
        _ => throw new StoreException(StoreErrorKind.BadRequest, $"sort must be created-date or modified-date (optionally with '-'), not '{sort}'."),
    };

    public static void Map(RouteGroupBuilder v2)
    {
        v2.MapGet("/pages/{id}/footer-comments", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
            var sort = ctx.Query("sort") ?? "created-date";
            lock (state.Gate)
            {
                var page = CloudV2Endpoints.RequirePage(state, id);
                var comments = Sorted(page.Comments.Where(c => c.ParentCommentId is null), sort);
                return CloudV2Endpoints.Paged(ctx, comments.ToList(), 25, c =>
                {
                    var json = CloudV2Json.Comment(c, bodyFormat);
                    json.Remove("parentCommentId");
                    return json;
                });
            }
        });

        // Replies to one footer comment (one level; a reply's own replies are its children).
        v2.MapGet("/footer-comments/{commentId}/children", (HttpContext ctx, EmulatorState state, string commentId) =>
        {
            var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
            var sort = ctx.Query("sort") ?? "created-date";
            lock (state.Gate)
            {
                var parent = state.RequireComment(Http.ParseId(commentId, "comment id"));
                var replies = Sorted(parent.Page.Comments.Where(c => c.ParentCommentId == parent.Id), sort);
                return CloudV2Endpoints.Paged(ctx, replies.ToList(), 25, c => CloudV2Json.Comment(c, bodyFormat));
            }
        });

        v2.MapGet("/footer-comments/{commentId}", (HttpContext ctx, EmulatorState state, string commentId) =>
        {
            var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
            lock (state.Gate)
                return CloudV2Endpoints.Single(ctx, CloudV2Json.Comment(state.RequireComment(Http.ParseId(commentId, "comment id")), bodyFormat));
        });

        v2.MapPost("/footer-comments", async (HttpContext ctx, EmulatorState state) =>
        {
            var body = await ctx.ReadObjectAsync();
            if (body.Str("attachmentId") is not null || body.Str("customContentId") is not null)
                throw new StoreException(StoreErrorKind.BadRequest, "This emulator keeps comments on pages and blog posts only (pageId, blogPostId or parentCommentId).");
            var storage = CloudV2Endpoints.StorageValue(body["body"]) ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'body' is required.");
            long pageId;
            long? parent = null;
            if (body.Str("parentCommentId") is { } parentRaw)
            {
                parent = Http.ParseId(parentRaw, "parentCommentId");
                pageId = state.RequireComment(parent.Value).Page.Id;
            }
            else
            {
                var target = body.Str("pageId") ?? body.Str("blogPostId")
                    ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'pageId' (or 'blogPostId' or 'parentCommentId') is required.");
                pageId = CloudV2Endpoints.RequirePage(state, target, body.Str("pageId") is null ? "blogpost" : "page").Id;
            }
            var comment = state.AddComment(pageId, storage, parent, ctx.Caller());
            lock (state.Gate) return CloudV2Endpoints.Single(ctx, CloudV2Json.Comment(comment, "storage"), 201);
        });

        v2.MapPut("/footer-comments/{commentId}", async (HttpContext ctx, EmulatorState state, string commentId) =>
        {
            var id = Http.ParseId(commentId, "comment id");
            var body = await ctx.ReadObjectAsync();
            var number = body["version"].Int("number") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'version.number' is required.");
            var storage = CloudV2Endpoints.StorageValue(body["body"]) ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'body' is required.");
            var comment = state.UpdateComment(id, number, storage, ctx.Caller(), body["version"].Str("message"));
            lock (state.Gate) return CloudV2Endpoints.Single(ctx, CloudV2Json.Comment(comment, "storage"));
        });

        v2.MapDelete("/footer-comments/{commentId}", (EmulatorState state, string commentId) =>
        {
            state.DeleteComment(Http.ParseId(commentId, "comment id"));
            return Results.NoContent();
        });
    }
}
