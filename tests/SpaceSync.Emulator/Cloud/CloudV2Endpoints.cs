using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Cloud;

/// <summary>Confluence Cloud REST v2 under /wiki/api/v2: spaces, pages, children, labels, attachments, versions.</summary>
internal static class CloudV2Endpoints
{
    private const int DefaultLimit = 25;
    /// <summary>`GET /pages?id=`: at most this many ids (the v2 document's maxItems).</summary>
    private const int MaxIdFilter = 250;
    private const int MaxLimit = 250;

    public static void Map(WebApplication app)
    {
        var v2 = app.MapGroup("/wiki/api/v2");

        v2.MapGet("/spaces", (HttpContext ctx, EmulatorState state) =>
        {
            var keys = ctx.QueryList("keys");
            var ids = ctx.QueryList("ids").Select(i => Http.ParseId(i, "space id")).ToList();
            var status = ctx.Query("status");
            var type = ctx.Query("type");
            lock (state.Gate)
            {
                var spaces = state.AllSpaces
                    .Where(s => keys.Count == 0 || keys.Contains(s.Key, StringComparer.Ordinal))
                    .Where(s => ids.Count == 0 || ids.Contains(s.Id))
                    .Where(s => status is null || s.Status == status)
                    .Where(s => type is null || s.Type == type)
                    .OrderBy(s => s.Id).ToList();
                return Paged(ctx, spaces, DefaultLimit, CloudV2Json.Space);
            }
        });

        v2.MapGet("/spaces/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            lock (state.Gate)
            {
                var space = RequireSpace(state, id);
                return Single(ctx, CloudV2Json.Space(space));
            }
        });

        v2.MapPost("/spaces", async (HttpContext ctx, EmulatorState state) =>
        {
            var body = await ctx.ReadObjectAsync();
            var key = body.Str("key");
            var name = body.Str("name") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'name' is required.");
            if (key is null)
                throw new StoreException(StoreErrorKind.BadRequest, body.Str("alias") is null
                    ? "Field 'key' (or 'alias') is required."
                    : "This emulator creates spaces by 'key'; 'alias' alone is not supported.");
            var description = body["description"].Str("value");
            var space = state.CreateSpace(key, name, ctx.Caller(), description);
            lock (state.Gate) return Single(ctx, CloudV2Json.Space(space), 201);
        });

        v2.MapGet("/spaces/{id}/operations", (HttpContext ctx, EmulatorState state, string id) =>
        {
            lock (state.Gate)
            {
                RequireSpace(state, id);
                var operations = new JsonArray();
                foreach (var (operation, target) in new[]
                {
                    ("read", "space"), ("create", "page"), ("create", "blogpost"), ("create", "comment"),
                    ("create", "attachment"), ("delete", "page"), ("delete", "attachment"), ("archive", "page"),
                    ("restrict_content", "space"), ("export", "space"), ("administer", "space"),
                })
                    operations.Add(new JsonObject { ["operation"] = operation, ["targetType"] = target });
                return Http.Json(new JsonObject { ["operations"] = operations });
            }
        });

        v2.MapGet("/spaces/{id}/pages", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var depth = ctx.Query("depth") ?? "all";
            if (depth is not ("all" or "root"))
                throw new StoreException(StoreErrorKind.BadRequest, $"depth must be 'all' or 'root', not '{depth}'.");
            var title = ctx.Query("title");
            var bodyFormat = BodyFormat(ctx);
            var statuses = Statuses(ctx);
            var sortKey = ctx.Query("sort");
            var sort = PageSort(sortKey);
            lock (state.Gate)
            {
                var space = RequireSpace(state, id);
                if (ByModifiedDate(sortKey))
                {
                    var indexed = SortIndexed(state.IndexedPages()
                        .Where(e => e.Page.Type == "page" && e.Page.Space == space && statuses.Contains(e.Status))
                        .Where(e => depth == "all" || e.ParentId is null)
                        .Where(e => title is null || e.Title == title), sortKey!).ToList();
                    return Paged(ctx, indexed, DefaultLimit, e => CloudV2Json.Page(state, e.Page, bodyFormat, indexed: e));
                }
                var pages = sort(state.PagesOf(space)
                    .Where(p => p.Type == "page")
                    .Where(p => statuses.Contains(p.Status))
                    .Where(p => depth == "all" || p.ParentId is null)
                    .Where(p => title is null || p.Title == title)).ToList();
                return Paged(ctx, pages, DefaultLimit, p => CloudV2Json.Page(state, p, bodyFormat));
            }
        });

        v2.MapGet("/pages", (HttpContext ctx, EmulatorState state) =>
        {
            var spaceIds = ctx.QueryList("space-id").Select(i => Http.ParseId(i, "space id")).ToList();
            var ids = ctx.QueryList("id").Select(i => Http.ParseId(i, "page id")).ToList();
            // The document caps the id filter (maxItems 250): a client batching page reads by id must split above it.
            if (ids.Count > MaxIdFilter)
                throw new StoreException(StoreErrorKind.BadRequest, $"id: at most {MaxIdFilter} page ids may be given, not {ids.Count}.");
            var title = ctx.Query("title");
            var bodyFormat = BodyFormat(ctx);
            var statuses = Statuses(ctx);
            var sortKey = ctx.Query("sort");
            var sort = PageSort(sortKey);
            lock (state.Gate)
            {
                if (ByModifiedDate(sortKey))
                {
                    var indexed = SortIndexed(state.IndexedPages()
                        .Where(e => e.Page.Type == "page")
                        .Where(e => spaceIds.Count == 0 || spaceIds.Contains(e.Page.Space.Id))
                        .Where(e => ids.Count == 0 || ids.Contains(e.Page.Id))
                        .Where(e => statuses.Contains(e.Status))
                        .Where(e => title is null || e.Title == title), sortKey!).ToList();
                    return Paged(ctx, indexed, DefaultLimit, e => CloudV2Json.Page(state, e.Page, bodyFormat, indexed: e));
                }
                var pages = sort(state.AllPages
                    .Where(p => p.Type == "page")
                    .Where(p => spaceIds.Count == 0 || spaceIds.Contains(p.Space.Id))
                    .Where(p => ids.Count == 0 || ids.Contains(p.Id))
                    .Where(p => statuses.Contains(p.Status))
                    .Where(p => title is null || p.Title == title)).ToList();
                return Paged(ctx, pages, DefaultLimit, p => CloudV2Json.Page(state, p, bodyFormat));
            }
        });

        v2.MapGet("/pages/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var bodyFormat = BodyFormat(ctx);
            var wanted = ctx.QueryList("status");
            var versionNumber = ctx.QueryInt("version", 1, int.MaxValue);
            lock (state.Gate)
            {
                var page = RequirePage(state, id);
                if (wanted.Count > 0 && !wanted.Contains(page.Status))
                    throw new StoreException(StoreErrorKind.NotFound, $"No page {id} with status {string.Join(",", wanted)}.");
                PageVersion? version = null;
                if (versionNumber is int n)
                    version = page.Versions.FirstOrDefault(v => v.Number == n)
                        ?? throw new StoreException(StoreErrorKind.NotFound, $"Page {id} has no version {n}.");
                var json = CloudV2Json.Page(state, page, bodyFormat, version);
                if (ctx.QueryBool("include-labels"))
                    json["labels"] = Optional(page.Labels.Select(CloudV2Json.Label), $"/wiki/api/v2/pages/{page.Id}/labels");
                if (ctx.QueryBool("include-versions"))
                    json["versions"] = Optional(page.Versions.Reverse().Select(CloudV2Json.Version), $"/wiki/api/v2/pages/{page.Id}/versions");
                return Single(ctx, json);
            }
        });

        v2.MapPost("/pages", async (HttpContext ctx, EmulatorState state) =>
        {
            var body = await ctx.ReadObjectAsync();
            var spaceId = body.Str("spaceId") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'spaceId' is required.");
            var status = body.Str("status") ?? "current";
            if (status != "current")
                throw new StoreException(StoreErrorKind.BadRequest, $"Status '{status}' is not supported by this emulator; create pages as current.");
            var parentRaw = body.Str("parentId");
            var rootLevel = ctx.QueryBool("root-level");
            if (rootLevel && parentRaw is not null)
                throw new StoreException(StoreErrorKind.BadRequest, "parentId must not be given when root-level=true.");
            var storage = CloudEditorConversion.Store(state, StorageValue(body["body"]) ?? "");
            lock (state.Gate)
            {
                var space = RequireSpace(state, spaceId, StoreErrorKind.BadRequest);
                long? parent = rootLevel ? null : parentRaw is null ? space.HomepageId is 0 ? null : space.HomepageId : Http.ParseId(parentRaw, "parentId");
                var page = state.CreatePage(space.Id, body.Str("title") ?? "", storage, parent, ctx.Caller());
                return Single(ctx, CloudV2Json.Page(state, page, "storage"));
            }
        });

        v2.MapPut("/pages/{id}", async (HttpContext ctx, EmulatorState state, string id) =>
        {
            var pageId = Http.ParseId(id, "page id");
            var body = await ctx.ReadObjectAsync();
            if (body.Str("id") is not { } bodyId || Http.ParseId(bodyId, "id") != pageId)
                throw new StoreException(StoreErrorKind.BadRequest, "Field 'id' is required and must match the page id in the path.");
            var status = body.Str("status") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'status' is required.");
            var number = body["version"].Int("number") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'version.number' is required.");
            var title = body.Str("title") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'title' is required.");
            var storage = StorageValue(body["body"]) is { } given ? CloudEditorConversion.Store(state, given) : null;
            var parentRaw = body.Str("parentId");
            lock (state.Gate)
            {
                var page = RequirePage(state, id);
                if (storage is null && page.Status != "trashed")
                    throw new StoreException(StoreErrorKind.BadRequest, "Field 'body' is required.");
                if (body.Str("spaceId") is { } spaceId && Http.ParseId(spaceId, "spaceId") != page.Space.Id)
                    throw new StoreException(StoreErrorKind.BadRequest, "Moving a page to a different space is not supported by this endpoint.");
                var update = new PageUpdate(number, title, storage, status,
                    Move: parentRaw is not null, NewParentId: parentRaw is null ? null : Http.ParseId(parentRaw, "parentId"),
                    Message: body["version"].Str("message"));
                state.UpdatePage(pageId, update, ctx.Caller());
                return Single(ctx, CloudV2Json.Page(state, page, "storage"));
            }
        });

        v2.MapDelete("/pages/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var pageId = Http.ParseId(id, "page id");
            if (ctx.QueryBool("draft"))
                throw new StoreException(StoreErrorKind.BadRequest, "This emulator keeps no drafts.");
            RequirePage(state, id);
            if (ctx.QueryBool("purge")) state.PurgePage(pageId);
            else state.TrashPage(pageId);
            return Results.NoContent();
        });

        v2.MapGet("/pages/{id}/operations", (HttpContext ctx, EmulatorState state, string id) =>
        {
            lock (state.Gate)
            {
                var page = RequirePage(state, id);
                var operations = new JsonArray(new JsonObject { ["operation"] = "read", ["targetType"] = "page" });
                if (state.CanEdit(page, ctx.Caller()))
                    foreach (var operation in new[] { "update", "delete", "create", "restrict_content" })
                        operations.Add(new JsonObject { ["operation"] = operation, ["targetType"] = "page" });
                return Http.Json(new JsonObject { ["operations"] = operations });
            }
        });

        v2.MapGet("/pages/{id}/ancestors", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var limit = Math.Min(ctx.QueryInt("limit", 1, int.MaxValue) ?? DefaultLimit, MaxLimit);
            lock (state.Gate)
            {
                var page = RequirePage(state, id);
                var results = new JsonArray();
                foreach (var a in state.Ancestors(page).TakeLast(limit))
                    results.Add(new JsonObject { ["id"] = Http.Id(a.Id), ["type"] = a.Type }); // folders and whiteboards with their type
                return Http.Json(new JsonObject { ["results"] = results, ["_links"] = new JsonObject { ["base"] = Base(ctx) } });
            }
        });

        v2.MapGet("/pages/{id}/children", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var sort = ctx.Query("sort") ?? "child-position";
            lock (state.Gate)
            {
                var page = RequirePage(state, id);
                IEnumerable<Page> children = state.VisibleChildren(page);
                children = sort switch
                {
                    "child-position" => children,
                    "-child-position" => children.Reverse(),
                    "id" => children.OrderBy(p => p.Id),
                    "-id" => children.OrderByDescending(p => p.Id),
                    "created-date" => children.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id),
                    "-created-date" => children.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id),
                    "modified-date" => children.OrderBy(p => p.Current.When).ThenBy(p => p.Id),
                    "-modified-date" => children.OrderByDescending(p => p.Current.When).ThenByDescending(p => p.Id),
                    _ => throw new StoreException(StoreErrorKind.BadRequest, $"Unsupported sort '{sort}'."),
                };
                return Paged(ctx, children.ToList(), DefaultLimit, c => new JsonObject
                {
                    ["id"] = Http.Id(c.Id),
                    ["status"] = c.Status,
                    ["title"] = c.Title,
                    ["spaceId"] = Http.Id(c.Space.Id),
                    ["childPosition"] = c.Position,
                });
            }
        });

        // Blog posts have the same label and attachment listings as pages.
        foreach (var (collection, type) in new[] { ("pages", "page"), ("blogposts", "blogpost") })
        {
            v2.MapGet($"/{collection}/{{id}}/labels", (HttpContext ctx, EmulatorState state, string id) =>
            {
                var prefix = ctx.Query("prefix");
                lock (state.Gate)
                {
                    var page = RequirePage(state, id, type);
                    var labels = page.Labels.Where(l => prefix is null || l.Prefix == prefix).OrderBy(l => l.Id).ToList();
                    return Paged(ctx, labels, DefaultLimit, CloudV2Json.Label);
                }
            });

            v2.MapGet($"/{collection}/{{id}}/attachments", (HttpContext ctx, EmulatorState state, string id) =>
            {
                var fileName = ctx.Query("filename");
                var mediaType = ctx.Query("mediaType");
                var statuses = Statuses(ctx);
                lock (state.Gate)
                {
                    var page = RequirePage(state, id, type);
                    var attachments = page.Attachments
                        .Where(a => statuses.Contains(a.Status))
                        .Where(a => fileName is null || a.FileName == fileName)
                        .Where(a => mediaType is null || a.Current.MediaType == mediaType)
                        .OrderBy(a => a.Id).ToList();
                    return Paged(ctx, attachments, 50, a => CloudV2Json.Attachment(a));
                }
            });
        }

        v2.MapGet("/pages/{id}/versions", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var bodyFormat = BodyFormat(ctx);
            var sort = ctx.Query("sort") ?? "-modified-date";
            if (sort is not ("modified-date" or "-modified-date"))
                throw new StoreException(StoreErrorKind.BadRequest, $"sort must be modified-date or -modified-date, not '{sort}'.");
            lock (state.Gate)
            {
                var page = RequirePage(state, id);
                var versions = sort == "modified-date" ? page.Versions.ToList() : page.Versions.Reverse().ToList();
                return Paged(ctx, versions, DefaultLimit, v =>
                {
                    var json = CloudV2Json.Version(v);
                    var entity = new JsonObject { ["title"] = v.Title, ["id"] = Http.Id(page.Id) };
                    if (bodyFormat is not null) entity["body"] = CloudV2Json.Body(v.Body, bodyFormat);
                    json["page"] = entity;
                    return json;
                });
            }
        });

        v2.MapGet("/attachments/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var versionNumber = ctx.QueryInt("version", 1, int.MaxValue);
            lock (state.Gate)
            {
                var attachment = state.FindAttachment(Http.ParseId(id, "attachment id"))
                    ?? throw new StoreException(StoreErrorKind.NotFound, $"No attachment with id {id}.");
                var version = versionNumber is int n
                    ? attachment.Versions.FirstOrDefault(v => v.Number == n) ?? throw new StoreException(StoreErrorKind.NotFound, $"Attachment {id} has no version {n}.")
                    : null;
                var json = CloudV2Json.Attachment(attachment, version);
                if (ctx.QueryBool("include-labels"))
                    json["labels"] = Optional(Enumerable.Empty<JsonNode>(), $"/wiki/api/v2/attachments/{id}/labels");
                return Single(ctx, json);
            }
        });

        v2.MapDelete("/attachments/{id}", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var attachmentId = Http.ParseId(id, "attachment id");
            if (ctx.QueryBool("purge")) state.PurgeAttachment(attachmentId);
            else state.TrashAttachment(attachmentId);
            return Results.NoContent();
        });

        CloudV2Comments.Map(v2);
        CloudV2BlogPosts.Map(v2);
        CloudV2Containers.Map(v2);
    }

    // ---------------------------------------------------------------- helpers

    private static string Base(HttpContext ctx) => ctx.Origin() + "/wiki";

    private static Space RequireSpace(EmulatorState state, string raw, StoreErrorKind missing = StoreErrorKind.NotFound)
    {
        var id = Http.ParseId(raw, "space id");
        return state.FindSpace(id) ?? throw new StoreException(missing, $"No space with id {raw}.");
    }

    /// <summary>A page (or with <paramref name="type"/> "blogpost", "folder", "whiteboard", one of those); any other kind is 404, as in v2.</summary>
    internal static Page RequirePage(EmulatorState state, string raw, string type = "page")
    {
        var name = type == "blogpost" ? "blog post" : type;
        var page = state.RequirePage(Http.ParseId(raw, name + " id"));
        return page.Type == type ? page : throw new StoreException(StoreErrorKind.NotFound, $"No {name} with id {raw}.");
    }

    internal static IResult Single(HttpContext ctx, JsonObject json, int status = 200)
    {
        var links = json["_links"] as JsonObject ?? new JsonObject();
        links["base"] = Base(ctx);
        json["_links"] = links;
        return Http.Json(json, status);
    }

    /// <summary>The `{results, meta, _links}` block of include-* options.</summary>
    private static JsonObject Optional(IEnumerable<JsonNode> items, string self)
    {
        var all = items.ToList();
        var results = new JsonArray();
        foreach (var item in all.Take(50)) results.Add(item);
        var meta = new JsonObject { ["hasMore"] = all.Count > 50 };
        if (all.Count > 50) meta["cursor"] = Http.EncodeCursor(50);
        return new JsonObject { ["results"] = results, ["meta"] = meta, ["_links"] = new JsonObject { ["self"] = self } };
    }

    /// <summary>Cursor paging: `_links.next` (relative, /wiki/...) and a `Link: <...>; rel="next"` header.</summary>
    internal static IResult Paged<T>(HttpContext ctx, IReadOnlyList<T> items, int defaultLimit, Func<T, JsonNode> render)
    {
        var limit = Math.Min(ctx.QueryInt("limit", 1, int.MaxValue) ?? defaultLimit, MaxLimit);
        var offset = Http.DecodeCursor(ctx.Query("cursor"));
        var results = new JsonArray();
        foreach (var item in items.Skip(offset).Take(limit)) results.Add(render(item));
        var links = new JsonObject();
        if (offset + limit < items.Count)
        {
            var next = ctx.SelfWith("", new Dictionary<string, string?> { ["cursor"] = Http.EncodeCursor(offset + limit) });
            links["next"] = next;
            ctx.Response.Headers.Append("Link", $"<{next}>; rel=\"next\", <{Base(ctx)}>; rel=\"base\"");
        }
        links["base"] = Base(ctx);
        return Http.Json(new JsonObject { ["results"] = results, ["_links"] = links });
    }

    internal static string? BodyFormat(HttpContext ctx)
    {
        var format = ctx.Query("body-format");
        return format switch
        {
            null => null,
            "storage" or "atlas_doc_format" => format,
            _ => throw new StoreException(StoreErrorKind.BadRequest, $"body-format '{format}' is not supported here (storage or atlas_doc_format)."),
        };
    }

    internal static HashSet<string> Statuses(HttpContext ctx)
    {
        var list = ctx.QueryList("status");
        foreach (var s in list)
            if (s is not ("current" or "archived" or "trashed" or "deleted" or "draft" or "any"))
                throw new StoreException(StoreErrorKind.BadRequest, $"Unknown status '{s}'.");
        if (list.Contains("any")) return new HashSet<string> { "current", "archived", "trashed" };
        return list.Count == 0 ? new HashSet<string> { "current", "archived" } : list.ToHashSet();
    }

    /// <summary>
    /// Page and blog post listings sorted by modification date come from the search index (issue 12 item 5): a write
    /// shows there only after the index lag, at the state indexed then, ordered by the last-modified time, which moves on
    /// changes that make no version. The other sorts list the store as it is.
    /// </summary>
    internal static bool ByModifiedDate(string? sort) => sort is "modified-date" or "-modified-date";

    internal static IEnumerable<IndexedPage> SortIndexed(IEnumerable<IndexedPage> entries, string sort) => sort == "modified-date"
        ? entries.OrderBy(e => e.LastModified).ThenBy(e => e.Page.Id)
        : entries.OrderByDescending(e => e.LastModified).ThenByDescending(e => e.Page.Id);

    internal static Func<IEnumerable<Page>, IEnumerable<Page>> PageSort(string? sort) => sort switch
    {
        null or "id" => p => p.OrderBy(x => x.Id),
        "-id" => p => p.OrderByDescending(x => x.Id),
        "created-date" => p => p.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id),
        "-created-date" => p => p.OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Id),
        "modified-date" => p => p.OrderBy(x => x.LastModified).ThenBy(x => x.Id),
        "-modified-date" => p => p.OrderByDescending(x => x.LastModified).ThenByDescending(x => x.Id),
        "title" => p => p.OrderBy(x => x.Title, StringComparer.OrdinalIgnoreCase).ThenBy(x => x.Id),
        "-title" => p => p.OrderByDescending(x => x.Title, StringComparer.OrdinalIgnoreCase).ThenByDescending(x => x.Id),
        _ => throw new StoreException(StoreErrorKind.BadRequest, $"sort must be one of id, created-date, modified-date, title (each optionally with '-'), not '{sort}'."),
    };

    /// <summary>The storage value of a v2 write body: `{representation,value}` or `{storage:{...}}`.</summary>
    internal static string? StorageValue(JsonNode? body)
    {
        if (body is null) return null;
        if (body is not JsonObject o) throw new StoreException(StoreErrorKind.BadRequest, "Field 'body' must be an object.");
        if (o["storage"] is JsonObject nested) o = nested;
        else if (o["atlas_doc_format"] is not null || o["wiki"] is not null)
            throw new StoreException(StoreErrorKind.BadRequest, "This emulator accepts bodies in storage representation only.");
        var representation = o.Str("representation") ?? "storage";
        if (representation != "storage")
            throw new StoreException(StoreErrorKind.BadRequest, $"Body representation '{representation}' is not supported; use storage.");
        var value = o.Str("value") ?? throw new StoreException(StoreErrorKind.BadRequest, "Field 'body.value' is required.");
        StorageXhtml.Check(value); // Cloud, too, refuses a body that is not storage format: 400 "Error parsing xhtml"
        return value;
    }
}
