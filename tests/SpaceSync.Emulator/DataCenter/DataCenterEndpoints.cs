using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.RestV1;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.DataCenter;

/// <summary>Confluence Data Center `/rest/api` spaces and content (under the context path, if any).</summary>
internal static class DataCenterEndpoints
{
    // What POST/PUT answer with, as DC does after a write.
    private static readonly HashSet<string> WriteExpand = new(StringComparer.Ordinal) { "space", "history", "version", "ancestors", "body.storage" };

    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/rest/api");
        var site = app.Services.GetRequiredService<Site>();

        // ------------------------------------------------------------ spaces
        api.MapGet("/space", (HttpContext ctx, EmulatorState state) =>
        {
            var keys = ctx.QueryList("spaceKey");
            var type = ctx.Query("type");
            var status = ctx.Query("status");
            var expand = LegacyJson.Expand(ctx);
            var (start, limit) = Window(ctx, 25, 500);
            lock (state.Gate)
            {
                var json = new LegacyJson(ctx, site, state);
                var spaces = state.AllSpaces
                    .Where(s => keys.Count == 0 || keys.Contains(s.Key, StringComparer.OrdinalIgnoreCase))
                    .Where(s => type is null || s.Type == type)
                    .Where(s => status is null || s.Status == status)
                    .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase).ToList();
                return Offset(ctx, site, json, spaces, start, limit, s => json.Space(s, expand));
            }
        });

        api.MapGet("/space/{spaceKey}", (HttpContext ctx, EmulatorState state, string spaceKey) =>
        {
            lock (state.Gate)
                return Http.Json(new LegacyJson(ctx, site, state).Let(j => j.Top(j.Space(RequireSpace(state, spaceKey), LegacyJson.Expand(ctx)))));
        });

        api.MapPost("/space", async (HttpContext ctx, EmulatorState state) =>
        {
            var body = await ctx.ReadObjectAsync();
            var key = body.Str("key") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'key' is required.");
            var name = body.Str("name") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'name' is required.");
            var description = body["description"]?["plain"].Str("value");
            var space = state.CreateSpace(key, name, ctx.Caller(), description);
            lock (state.Gate)
            {
                var json = new LegacyJson(ctx, site, state);
                return Http.Json(json.Top(json.Space(space, new HashSet<string> { "description", "homepage" })));
            }
        });

        api.MapGet("/space/{spaceKey}/permissions/user/{userKey}", (HttpContext ctx, EmulatorState state, string spaceKey, string userKey) =>
        {
            lock (state.Gate)
            {
                var space = RequireSpace(state, spaceKey);
                var user = state.FindUserByKey(userKey) ?? throw new StoreException(StoreErrorKind.NotFound, $"No user with key {userKey}.");
                var permissions = new JsonArray();
                foreach (var (operation, target) in new[]
                {
                    ("read", "space"), ("create", "page"), ("create", "blogpost"), ("create", "comment"), ("create", "attachment"),
                    ("delete", "page"), ("delete", "blogpost"), ("delete", "comment"), ("delete", "attachment"),
                    ("restrict_content", "space"), ("export", "space"), ("administer", "space"),
                })
                {
                    permissions.Add(new JsonObject
                    {
                        ["operation"] = new JsonObject { ["targetType"] = target, ["operationKey"] = operation },
                        ["subject"] = new JsonObject { ["type"] = "user", ["displayName"] = user.DisplayName, ["userKey"] = user.UserKey, ["username"] = user.Username },
                        ["spaceKey"] = space.Key,
                        ["spaceId"] = space.Id,
                    });
                }
                return Http.Json(permissions);
            }
        });

        // ------------------------------------------------------------ content
        api.MapGet("/content", (HttpContext ctx, EmulatorState state) =>
        {
            var spaceKey = ctx.Query("spaceKey");
            var type = ctx.Query("type") ?? "page";
            var title = ctx.Query("title");
            var postingDay = PostingDay(ctx);
            var statuses = Statuses(ctx);
            var expand = LegacyJson.Expand(ctx);
            var (start, limit) = Window(ctx, 25, 200);
            lock (state.Gate)
            {
                var json = new LegacyJson(ctx, site, state);
                var pages = state.AllPages
                    .Where(p => p.Type == type)
                    .Where(p => spaceKey is null || string.Equals(p.Space.Key, spaceKey, StringComparison.OrdinalIgnoreCase))
                    .Where(p => statuses.Contains(p.Status))
                    .Where(p => title is null || string.Equals(p.Title, title, StringComparison.OrdinalIgnoreCase))
                    .Where(p => postingDay is null || state.PostingDay(p) == postingDay)
                    .OrderBy(p => p.Id).ToList();
                return Offset(ctx, site, json, pages, start, limit, p => json.Content(p, expand));
            }
        });

        api.MapGet("/content/scan", (HttpContext ctx, EmulatorState state) =>
        {
            var spaceKey = ctx.Query("spaceKey");
            var type = ctx.Query("type") ?? "page";
            var statuses = Statuses(ctx);
            var expand = LegacyJson.Expand(ctx);
            var limit = Math.Min(ctx.QueryInt("limit", 1, int.MaxValue) ?? 100, 2000);
            var cursor = ctx.Query("cursor");
            var after = ScanCursor(cursor);
            lock (state.Gate)
            {
                var json = new LegacyJson(ctx, site, state);
                var pages = state.AllPages
                    .Where(p => p.Type == type)
                    .Where(p => spaceKey is null || string.Equals(p.Space.Key, spaceKey, StringComparison.OrdinalIgnoreCase))
                    .Where(p => statuses.Contains(p.Status))
                    .Where(p => p.Id > after)
                    .OrderBy(p => p.Id).ToList();
                var results = new JsonArray();
                foreach (var p in pages.Take(limit)) results.Add(json.Content(p, expand));
                var links = new JsonObject { ["self"] = json.Base + ctx.Request.Path + ctx.Request.QueryString };
                var body = new JsonObject { ["results"] = results };
                if (cursor is not null) body["cursor"] = cursor;
                if (pages.Count > limit)
                {
                    var nextCursor = "content:false:" + pages[limit - 1].Id.ToString(CultureInfo.InvariantCulture);
                    body["nextCursor"] = nextCursor;
                    links["next"] = ctx.SelfWith("", new Dictionary<string, string?> { ["cursor"] = nextCursor, ["limit"] = limit.ToString(CultureInfo.InvariantCulture) });
                }
                if (cursor is not null) body["prevCursor"] = "content:true:" + (after + 1).ToString(CultureInfo.InvariantCulture);
                body["limit"] = limit;
                body["size"] = results.Count;
                links["base"] = json.Base;
                links["context"] = json.Context;
                body["_links"] = links;
                return Http.Json(body);
            }
        });

        api.MapGet("/content/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var statuses = Statuses(ctx);
            var versionNumber = ctx.QueryInt("version", 1, int.MaxValue);
            var expand = LegacyJson.Expand(ctx);
            lock (state.Gate)
            {
                if (state.FindComment(ContentId(id)) is { } comment)
                    return statuses.Contains("current") ? Http.Json(new LegacyJson(ctx, site, state).Let(j => j.Top(j.Comment(comment, expand)))) : throw NotFound(id);
                var page = RequireContent(state, id);
                PageVersion? version = null;
                if (versionNumber is int n && n != page.Current.Number)
                    version = page.Versions.FirstOrDefault(v => v.Number == n) ?? throw NotFound(id);
                else if (!statuses.Contains(page.Status))
                    throw NotFound(id);
                return Http.Json(new LegacyJson(ctx, site, state).Let(j => j.Top(j.Content(page, expand, version))));
            }
        });

        api.MapPost("/content", async (HttpContext ctx, EmulatorState state) =>
        {
            var body = await ctx.ReadObjectAsync();
            var type = body.Str("type") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'type' is required.");
            if (type == "comment") return CreateComment(ctx, state, site, body);
            if (type is not ("page" or "blogpost")) throw new StoreException(StoreErrorKind.BadRequest, $"Content type '{type}' is not supported by this emulator (page, blogpost, comment).");
            var status = body.Str("status") ?? "current";
            if (status != "current") throw new StoreException(StoreErrorKind.BadRequest, $"Creating content with status '{status}' is not supported by this emulator.");
            var spaceKey = body["space"].Str("key") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'space.key' is required.");
            var storage = Storage(body) ?? "";
            var parent = Parent(body);
            lock (state.Gate)
            {
                var space = state.FindSpaceByKey(spaceKey) ?? throw new StoreException(StoreErrorKind.BadRequest, $"No space with key : {spaceKey}");
                if (type == "blogpost" && parent is not null)
                    throw new StoreException(StoreErrorKind.BadRequest, "A blog post cannot have ancestors.");
                var page = type == "blogpost"
                    ? state.CreateBlogPost(space.Id, body.Str("title") ?? "", storage, ctx.Caller(), body["version"].Str("message"))
                    : state.CreatePage(space.Id, body.Str("title") ?? "", storage, parent, ctx.Caller(), body["version"].Str("message"));
                return Http.Json(new LegacyJson(ctx, site, state).Let(j => j.Top(j.Content(page, WriteExpand))));
            }
        });

        api.MapPut("/content/{id}", async (HttpContext ctx, EmulatorState state, string id) =>
        {
            var pageId = ContentId(id);
            var body = await ctx.ReadObjectAsync();
            if (body.Str("id") is { } bodyId && ContentId(bodyId) != pageId)
                throw new StoreException(StoreErrorKind.BadRequest, "The id in the body does not match the id in the path.");
            var number = body["version"].Int("number") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'version.number' is required.");
            if (state.FindComment(pageId) is not null)
            {
                var comment = state.UpdateComment(pageId, number, Storage(body) ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'body.storage' is required."),
                    ctx.Caller(), body["version"].Str("message"));
                lock (state.Gate) return Http.Json(new LegacyJson(ctx, site, state).Let(j => j.Top(j.Comment(comment, CommentExpand))));
            }
            var requestedType = body.Str("type");
            var parent = Parent(body);
            var update = new PageUpdate(number, body.Str("title"), Storage(body), body.Str("status"),
                Move: parent is not null, NewParentId: parent, Message: body["version"].Str("message"),
                MinorEdit: body["version"].Bool("minorEdit") ?? false);
            lock (state.Gate)
            {
                var page = RequireContent(state, id);
                if (requestedType is not null && requestedType != page.Type)
                    throw new StoreException(StoreErrorKind.BadRequest, $"Content {id} is a {page.Type}, not a {requestedType}.");
                if (page.Status != "trashed" && update.Title is null)
                    throw new StoreException(StoreErrorKind.BadRequest, "Field 'title' is required.");
                state.UpdatePage(pageId, update, ctx.Caller());
                return Http.Json(new LegacyJson(ctx, site, state).Let(j => j.Top(j.Content(page, WriteExpand))));
            }
        }).WithMetadata(Declares403.Instance);

        api.MapDelete("/content/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var pageId = ContentId(id);
            var status = ctx.Query("status");
            lock (state.Gate)
            {
                if (state.FindComment(pageId) is not null)
                {
                    // Comments are not trashable: deleted for good, with the "purged" code.
                    state.DeleteComment(pageId);
                    return Results.NoContent();
                }
                var page = RequireContent(state, id);
                if (status == "trashed")
                {
                    if (page.Status != "trashed") throw NotFound(id);
                    state.PurgePage(pageId);
                    return Results.NoContent();
                }
                if (page.Status != "current") throw NotFound(id);
                state.TrashPage(pageId);
                // The 10.0.3 document declares 200 for "trashed" and 204 for "purged".
                return Results.Ok();
            }
        });

        api.MapDelete("/content/{id}/child/attachment/{attachmentId}", (EmulatorState state, string id, string attachmentId) =>
        {
            var attachment = state.FindAttachment(Http.ParseId(attachmentId, "attachment id"));
            if (attachment is null || attachment.Page.Id != ContentId(id) || attachment.Status != "current")
                throw new StoreException(StoreErrorKind.NotFound, $"No attachment {attachmentId} on content {id}.");
            state.TrashAttachment(attachment.Id);
            return Results.NoContent();
        });

        api.MapGet("/content/{id}/child/page", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var expand = LegacyJson.Expand(ctx);
            var (start, limit) = Window(ctx, 25, 200);
            lock (state.Gate)
            {
                var page = RequireContent(state, id);
                var json = new LegacyJson(ctx, site, state);
                return Offset(ctx, site, json, state.VisibleChildren(page), start, limit, p => json.Content(p, expand));
            }
        });

        api.MapGet("/content/{id}/descendant/page", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var expand = LegacyJson.Expand(ctx);
            var (start, limit) = Window(ctx, 25, 200);
            lock (state.Gate)
            {
                var root = RequireContent(state, id);
                // Breadth-first: children before grandchildren, siblings in position order.
                var descendants = new List<Page>();
                var frontier = new Queue<Page>(new[] { root });
                while (frontier.Count > 0)
                    foreach (var child in state.VisibleChildren(frontier.Dequeue()))
                    {
                        descendants.Add(child);
                        frontier.Enqueue(child);
                    }
                var json = new LegacyJson(ctx, site, state);
                return Offset(ctx, site, json, descendants, start, limit, p => json.Content(p, expand));
            }
        });

        api.MapGet("/content/{id}/child/comment", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var expand = LegacyJson.Expand(ctx);
            var depth = ctx.Query("depth") ?? "";
            if (depth is not ("" or "all" or "root"))
                throw new StoreException(StoreErrorKind.BadRequest, $"depth must be empty, root or all, not '{depth}'.");
            var (start, limit) = Window(ctx, 25, 200);
            // Several location values (repeated or comma separated) select their union; none selects every comment. The
            // document declares no 400: a value other than footer, inline or resolved selects nothing.
            var locations = ctx.QueryList("location");
            lock (state.Gate)
            {
                var page = RequireContent(state, id);
                var json = new LegacyJson(ctx, site, state);
                bool Wanted(Comment c) => locations.Count == 0 || locations.Contains(c.Location) ||
                                          (locations.Contains("resolved") && c.IsInline && ThreadOf(c).ResolutionStatus == "resolved");
                var comments = page.Comments.Where(c => (depth == "all" || c.ParentCommentId is null) && Wanted(c)).OrderBy(c => c.Id).ToList();
                return Offset(ctx, site, json, comments, start, limit, c => json.Comment(c, expand));
            }
        });

        api.MapGet("/content/{id}/history", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var expand = LegacyJson.Expand(ctx);
            lock (state.Gate)
            {
                var page = RequireContent(state, id);
                var json = new LegacyJson(ctx, site, state);
                var history = new JsonObject
                {
                    ["latest"] = true,
                    ["createdBy"] = json.User(page.Creator),
                    ["createdDate"] = json.Time(page.CreatedAt),
                    ["lastUpdated"] = json.Version(page.Current, page),
                };
                if (page.Current.Number > 1 && (expand.Contains("previousVersion") || expand.Count == 0))
                    history["previousVersion"] = json.Version(page.Versions[^2], page);
                var contributors = new JsonArray();
                foreach (var author in page.Versions.Select(v => v.Author).Distinct()) contributors.Add(json.User(author));
                history["contributors"] = new JsonObject { ["publishers"] = new JsonObject { ["users"] = contributors, ["userKeys"] = new JsonArray(page.Versions.Select(v => (JsonNode)v.Author.UserKey).Distinct().ToArray()) } };
                history["_links"] = new JsonObject { ["base"] = json.Base, ["context"] = json.Context, ["self"] = json.Base + "/rest/api/content/" + page.Id + "/history" };
                return Http.Json(history);
            }
        });
    }

    private static readonly HashSet<string> CommentExpand = new(StringComparer.Ordinal) { "body.storage", "version", "container", "ancestors" };

    /// <summary>POST /content with type comment: `container{id}` names the page, `ancestors[{id}]` a parent comment.</summary>
    private static IResult CreateComment(HttpContext ctx, EmulatorState state, Site site, JsonObject body)
    {
        var storage = Storage(body) ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'body.storage' is required.");
        var parent = Parent(body);
        if (parent is long named && state.FindComment(named) is null) parent = null; // ancestors naming the page itself
        long pageId;
        if (body["container"].Str("id") is { } containerId)
            pageId = ContentId(containerId);
        else if (parent is long parentId)
            pageId = state.RequireComment(parentId).Page.Id;
        else
            throw new StoreException(StoreErrorKind.BadRequest, "A comment needs 'container.id' (the page) or 'ancestors' (the parent comment).");
        var location = body["extensions"].Str("location") ?? "footer";
        Comment comment;
        if (location == "inline" && parent is null)
        {
            // What the editor sends, which the REST API insists on (other clients found each key refused when missing).
            var properties = body["extensions"]?["inlineProperties"];
            var missing = InlineKeys.Where(k => properties?[k] is null).ToList();
            if (missing.Count > 0)
            {
                var refusal = Errors.EnvelopeBody(400, "Could not create content with type comment");
                var errors = (JsonArray)refusal["data"]!["errors"]!;
                foreach (var key in missing) errors.Add(new JsonObject { ["message"] = new JsonObject { ["key"] = key } });
                return Http.Json(refusal, 400);
            }
            comment = state.AddInlineComment(pageId, properties.Str("originalSelection") ?? "", storage, ctx.Caller(),
                properties.Int("matchIndex") ?? -1, properties.Int("numMatches"));
        }
        else if (location is "inline" or "footer")
        {
            // A reply lives in its parent's thread, whatever location it names.
            comment = state.AddComment(pageId, storage, parent, ctx.Caller());
        }
        else throw new StoreException(StoreErrorKind.BadRequest, $"extensions.location must be footer or inline, not '{location}'.");
        lock (state.Gate) return Http.Json(new LegacyJson(ctx, site, state).Let(j => j.Top(j.Comment(comment, CommentExpand))));
    }

    private static readonly string[] InlineKeys = { "originalSelection", "numMatches", "matchIndex", "lastFetchTime", "serializedHighlights" };

    private static Comment ThreadOf(Comment c)
    {
        while (c.ParentCommentId is long up && c.Page.Comments.FirstOrDefault(x => x.Id == up) is { } parent) c = parent;
        return c;
    }

    private static StoreException NotFound(string id) =>
        new(StoreErrorKind.NotFound, $"No content found with id: ContentId{{id={id}}}");

    private static long ContentId(string raw) =>
        long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : throw NotFound(raw);

    private static Page RequireContent(EmulatorState state, string raw) =>
        state.FindPage(ContentId(raw)) ?? throw NotFound(raw);

    private static Space RequireSpace(EmulatorState state, string key) =>
        state.FindSpaceByKey(key) ?? throw new StoreException(StoreErrorKind.NotFound, $"No space with key : {key}");

    private static HashSet<string> Statuses(HttpContext ctx)
    {
        var list = ctx.QueryList("status");
        if (list.Contains("any")) return new HashSet<string> { "current", "trashed", "historical", "draft" };
        return list.Count == 0 ? new HashSet<string> { "current" } : list.ToHashSet();
    }

    /// <summary>`postingDay=yyyy-MM-dd` (blog posts of that day).</summary>
    private static DateTime? PostingDay(HttpContext ctx)
    {
        var raw = ctx.Query("postingDay");
        if (raw is null) return null;
        return DateTime.TryParseExact(raw, new[] { "yyyy-MM-dd", "yyyy/MM/dd" }, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.Date
            : throw new StoreException(StoreErrorKind.BadRequest, $"postingDay must look like yyyy-MM-dd, not '{raw}'.");
    }

    private static (int Start, int Limit) Window(HttpContext ctx, int defaultLimit, int maxLimit) =>
        (ctx.QueryInt("start", 0, int.MaxValue) ?? 0, Math.Min(ctx.QueryInt("limit", 0, int.MaxValue) ?? defaultLimit, maxLimit));

    private static long ScanCursor(string? cursor)
    {
        if (cursor is null) return 0;
        var parts = cursor.Split(':');
        if (parts.Length == 3 && parts[0] == "content" && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return parts[1] == "true" ? Math.Max(0, id - 1) : id;
        throw new StoreException(StoreErrorKind.BadRequest, $"Invalid cursor '{cursor}'.");
    }

    /// <summary>Offset paging: `{results,start,limit,size,_links{base,context,self[,next]}}`, next relative to base.</summary>
    private static IResult Offset<T>(HttpContext ctx, Site site, LegacyJson json, IReadOnlyList<T> items, int start, int limit, Func<T, JsonNode> render)
    {
        var results = new JsonArray();
        foreach (var item in items.Skip(start).Take(limit)) results.Add(render(item));
        var next = limit > 0 && start + limit < items.Count
            ? LegacyEndpoints.NextLink(ctx, site, new Dictionary<string, string?> { ["start"] = (start + limit).ToString(CultureInfo.InvariantCulture), ["limit"] = limit.ToString(CultureInfo.InvariantCulture) })
            : null;
        return Http.Json(json.Array(results, start, limit, next, json.Base + ctx.Request.Path + ctx.Request.QueryString));
    }

    private static string? Storage(JsonObject body)
    {
        var node = body["body"];
        if (node is null) return null;
        var storage = node["storage"];
        if (storage is null)
            throw new StoreException(StoreErrorKind.BadRequest, "This emulator accepts bodies in storage representation only (body.storage).");
        var representation = storage.Str("representation") ?? "storage";
        if (representation != "storage")
            throw new StoreException(StoreErrorKind.BadRequest, $"Body representation '{representation}' is not supported; use storage.");
        var value = storage.Str("value") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'body.storage.value' is required.");
        StorageXhtml.Check(value); // Data Center refuses a body that is not storage format: 400 "Error parsing xhtml"
        return value;
    }

    /// <summary>The immediate parent named by `ancestors` (the last entry), or null when none is given.</summary>
    private static long? Parent(JsonObject body)
    {
        if (body["ancestors"] is not JsonArray ancestors || ancestors.Count == 0) return null;
        var raw = ancestors[^1].Str("id") ?? throw new StoreException(StoreErrorKind.BadRequest, "Each ancestor needs an id.");
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new StoreException(StoreErrorKind.BadRequest, $"Ancestor id '{raw}' is not a number.");
    }
}
