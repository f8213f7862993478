using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Cloud;

/// <summary>
/// Cloud v2 comments. Footer comments: list per page, create (201), read, update (version + 1), delete (204). Inline
/// comments: the root comments of a page or blog post, one comment, its replies, create (anchored by a text selection:
/// the page body gets a marker, no new page version), update (body and/or resolution), delete. Each API knows its own
/// kind only: an inline comment's id is 404 to the footer-comment operations and the other way round.
/// </summary>
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
                var comments = Sorted(page.Comments.Where(c => !c.IsInline && c.ParentCommentId is null), sort);
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
                var parent = RequireKind(state, commentId, inline: false);
                var replies = Sorted(parent.Page.Comments.Where(c => c.ParentCommentId == parent.Id), sort);
                return CloudV2Endpoints.Paged(ctx, replies.ToList(), 25, c => CloudV2Json.Comment(c, bodyFormat));
            }
        });

        v2.MapGet("/footer-comments/{commentId}", (HttpContext ctx, EmulatorState state, string commentId) =>
        {
            var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
            lock (state.Gate)
                return CloudV2Endpoints.Single(ctx, CloudV2Json.Comment(RequireKind(state, commentId, inline: false), bodyFormat));
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
                var answered = RequireKind(state, parentRaw, inline: false, what: "parentCommentId");
                parent = answered.Id;
                pageId = answered.Page.Id;
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
            var id = RequireKind(state, commentId, inline: false).Id;
            var body = await ctx.ReadObjectAsync();
            var number = body["version"].Int("number") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'version.number' is required.");
            var storage = CloudV2Endpoints.StorageValue(body["body"]) ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'body' is required.");
            var comment = state.UpdateComment(id, number, storage, ctx.Caller(), body["version"].Str("message"));
            lock (state.Gate) return CloudV2Endpoints.Single(ctx, CloudV2Json.Comment(comment, "storage"));
        });

        v2.MapDelete("/footer-comments/{commentId}", (EmulatorState state, string commentId) =>
        {
            state.DeleteComment(RequireKind(state, commentId, inline: false).Id);
            return Results.NoContent();
        });

        MapInline(v2);
    }

    /// <summary>A comment of the kind an operation serves; the other kind is 404, as for a comment that is not there.</summary>
    private static Comment RequireKind(EmulatorState state, string raw, bool inline, string what = "comment id")
    {
        var comment = state.FindComment(Http.ParseId(raw, what));
        return comment is not null && comment.IsInline == inline
            ? comment
            : throw new StoreException(StoreErrorKind.NotFound, $"No {(inline ? "inline" : "footer")} comment with id {raw}.");
    }

    private static readonly HashSet<string> ResolutionStatuses = new(StringComparer.Ordinal) { "open", "reopened", "resolved", "dangling" };

    private static void MapInline(RouteGroupBuilder v2)
    {
        foreach (var (route, type) in new[] { ("/pages/{id}/inline-comments", "page"), ("/blogposts/{id}/inline-comments", "blogpost") })
        {
            v2.MapGet(route, (HttpContext ctx, EmulatorState state, string id) =>
            {
                var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
                var sort = ctx.Query("sort") ?? "created-date";
                var wanted = ctx.QueryList("resolution-status");
                foreach (var status in wanted)
                    if (!ResolutionStatuses.Contains(status))
                        throw new StoreException(StoreErrorKind.BadRequest, $"resolution-status must be open, reopened, resolved or dangling, not '{status}'.");
                lock (state.Gate)
                {
                    var page = CloudV2Endpoints.RequirePage(state, id, type);
                    var roots = page.Comments.Where(c => c.IsInline && c.ParentCommentId is null && (wanted.Count == 0 || wanted.Contains(c.ResolutionStatus)));
                    return CloudV2Endpoints.Paged(ctx, Sorted(roots, sort).ToList(), 25, c => CloudV2Json.InlineComment(c, bodyFormat, CloudV2Json.InlineShape.Listed));
                }
            });
        }

        v2.MapGet("/inline-comments/{commentId}/children", (HttpContext ctx, EmulatorState state, string commentId) =>
        {
            var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
            var sort = ctx.Query("sort") ?? "created-date";
            lock (state.Gate)
            {
                var parent = RequireKind(state, commentId, inline: true);
                var replies = Sorted(parent.Page.Comments.Where(c => c.ParentCommentId == parent.Id), sort);
                return CloudV2Endpoints.Paged(ctx, replies.ToList(), 25, c => CloudV2Json.InlineComment(c, bodyFormat, CloudV2Json.InlineShape.Child));
            }
        });

        v2.MapGet("/inline-comments/{commentId}", (HttpContext ctx, EmulatorState state, string commentId) =>
        {
            var bodyFormat = CloudV2Endpoints.BodyFormat(ctx);
            lock (state.Gate)
                return CloudV2Endpoints.Single(ctx, CloudV2Json.InlineComment(RequireKind(state, commentId, inline: true), bodyFormat, CloudV2Json.InlineShape.Single));
        });

        // Top level: pageId or blogPostId and inlineCommentProperties (the text to highlight, which match of it, and how many
        // matches there are); a reply: parentCommentId only.
        v2.MapPost("/inline-comments", async (HttpContext ctx, EmulatorState state) =>
        {
            var body = await ctx.ReadObjectAsync();
            var storage = CloudV2Endpoints.StorageValue(body["body"]) ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'body' is required.");
            Comment comment;
            if (body.Str("parentCommentId") is { } parentRaw)
            {
                var parent = RequireKind(state, parentRaw, inline: true, what: "parentCommentId");
                comment = state.AddComment(parent.Page.Id, storage, parent.Id, ctx.Caller());
            }
            else
            {
                var target = body.Str("pageId") ?? body.Str("blogPostId")
                    ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'pageId' (or 'blogPostId' or 'parentCommentId') is required.");
                var page = CloudV2Endpoints.RequirePage(state, target, body.Str("pageId") is null ? "blogpost" : "page");
                var properties = body["inlineCommentProperties"]
                    ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'inlineCommentProperties' is required for a top-level inline comment.");
                var selection = properties.Str("textSelection");
                if (string.IsNullOrEmpty(selection))
                    throw new StoreException(StoreErrorKind.BadRequest, "Field 'inlineCommentProperties.textSelection' is required.");
                comment = state.AddInlineComment(page.Id, selection, storage, ctx.Caller(),
                    properties.Int("textSelectionMatchIndex") ?? 0, properties.Int("textSelectionMatchCount"));
            }
            lock (state.Gate) return CloudV2Endpoints.Single(ctx, CloudV2Json.InlineComment(comment, "storage", CloudV2Json.InlineShape.Single), 201);
        });

        // The body (with version = current + 1), the resolution (resolved true/false), or both.
        v2.MapPut("/inline-comments/{commentId}", async (HttpContext ctx, EmulatorState state, string commentId) =>
        {
            var id = RequireKind(state, commentId, inline: true).Id;
            var body = await ctx.ReadObjectAsync();
            var storage = CloudV2Endpoints.StorageValue(body["body"]);
            var resolved = body.Bool("resolved");
            if (storage is null && resolved is null)
                throw new StoreException(StoreErrorKind.BadRequest, "Give 'body' (with 'version.number') or 'resolved'.");
            Comment comment = state.FindComment(id)!;
            if (storage is not null)
            {
                var number = body["version"].Int("number") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'version.number' is required.");
                comment = state.UpdateComment(id, number, storage, ctx.Caller(), body["version"].Str("message"));
            }
            if (resolved is bool resolve) comment = state.SetInlineResolution(id, resolve, ctx.Caller());
            lock (state.Gate) return CloudV2Endpoints.Single(ctx, CloudV2Json.InlineComment(comment, "storage", CloudV2Json.InlineShape.Single));
        });

        v2.MapDelete("/inline-comments/{commentId}", (EmulatorState state, string commentId) =>
        {
            state.DeleteComment(RequireKind(state, commentId, inline: true).Id);
            return Results.NoContent();
        });
    }
}
