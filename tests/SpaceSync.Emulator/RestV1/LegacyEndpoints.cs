using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.Cql;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.RestV1;

/// <summary>
/// Operations of the classic `/rest/api` both products serve alike: users, CQL search, labels,
/// attachments, read restrictions. Mounted at /wiki/rest/api (Cloud) or [context]/rest/api (DC).
/// </summary>
internal static class LegacyEndpoints
{
    public static void Map(WebApplication app, string prefix, Site site)
    {
        var api = app.MapGroup(prefix);

        // ------------------------------------------------------------ users
        api.MapGet("/user/current", (HttpContext ctx, EmulatorState state) =>
            Http.Json(new LegacyJson(ctx, site, state).User(ctx.Caller(), detailed: true, personal: PersonalExpanded(ctx))));

        api.MapGet("/user", (HttpContext ctx, EmulatorState state) =>
        {
            User? user;
            if (site.IsCloud)
            {
                var accountId = ctx.Query("accountId") ?? throw new StoreException(StoreErrorKind.BadRequest, "The accountId parameter is required.");
                user = state.FindUserByAccountId(accountId);
            }
            else if (ctx.Query("key") is { } key) user = state.FindUserByKey(key);
            else if (ctx.Query("username") is { } username) user = state.FindUserByUsername(username);
            else throw new StoreException(StoreErrorKind.BadRequest, "Either the key or the username parameter is required.");
            if (user is null) throw new StoreException(StoreErrorKind.NotFound, "No user found with the given identifier.");
            return Http.Json(new LegacyJson(ctx, site, state).User(user, detailed: true, personal: PersonalExpanded(ctx)));
        });

        if (!site.IsCloud)
        {
            api.MapGet("/user/list", (HttpContext ctx, EmulatorState state) =>
            {
                var start = ctx.QueryInt("start", 0, int.MaxValue) ?? 0;
                var limit = Math.Min(ctx.QueryInt("limit", 0, int.MaxValue) ?? 200, 1000);
                var users = state.GetUsers().OrderBy(u => u.Username, StringComparer.OrdinalIgnoreCase).ToList();
                var json = new LegacyJson(ctx, site, state);
                var results = new JsonArray();
                var personal = PersonalExpanded(ctx);
                foreach (var u in users.Skip(start).Take(limit)) results.Add(json.User(u, personal: personal));
                var next = limit > 0 && start + limit < users.Count
                    ? NextLink(ctx, site, new Dictionary<string, string?> { ["start"] = (start + limit).ToString(CultureInfo.InvariantCulture), ["limit"] = limit.ToString(CultureInfo.InvariantCulture) })
                    : null;
                return Http.Json(json.Array(results, start, limit, next, json.Base + RelativePath(ctx, site) + ctx.Request.QueryString.Value));
            });
        }

        if (site.IsCloud)
        {
            api.MapGet("/search/user", (HttpContext ctx, EmulatorState state) => SearchUsers(ctx, state, site));

            api.MapGet("/user/bulk", (HttpContext ctx, EmulatorState state) =>
            {
                var ids = ctx.QueryList("accountId");
                if (ids.Count == 0) throw new StoreException(StoreErrorKind.BadRequest, "The accountId parameter is required.");
                var limit = Math.Min(ctx.QueryInt("limit", 1, 200) ?? 200, 200);
                var json = new LegacyJson(ctx, site, state);
                var results = new JsonArray();
                foreach (var id in ids.Distinct().Take(limit))
                    if (state.FindUserByAccountId(id) is { } user) results.Add(json.User(user, detailed: true));
                return Http.Json(json.Array(results, 0, limit, null, json.Base + RelativePath(ctx, site) + ctx.Request.QueryString.Value));
            });

            api.MapGet("/user/email", (HttpContext ctx, EmulatorState state) =>
            {
                var accountId = ctx.Query("accountId") ?? throw new StoreException(StoreErrorKind.BadRequest, "The accountId parameter is required.");
                RequireEmailApproval(state);
                var user = state.FindUserByAccountId(accountId) ?? throw new StoreException(StoreErrorKind.NotFound, $"No user with accountId {accountId}.");
                return Http.Json(new JsonObject { ["accountId"] = user.AccountId, ["email"] = user.Email });
            });

            // accountId is style=form, explode=false in the document (a,b,c); repeated parameters are read too.
            // Accounts that do not exist are left out, as the document says.
            api.MapGet("/user/email/bulk", (HttpContext ctx, EmulatorState state) =>
            {
                var ids = ctx.QueryList("accountId");
                if (ids.Count == 0) throw new StoreException(StoreErrorKind.BadRequest, "The accountId parameter is required.");
                RequireEmailApproval(state);
                var records = new JsonArray();
                foreach (var id in ids.Distinct(StringComparer.Ordinal))
                    if (state.FindUserByAccountId(id) is { } user)
                        records.Add(new JsonObject { ["accountId"] = user.AccountId, ["email"] = user.Email });
                return Http.Json(records);
            });
        }

        // ------------------------------------------------------------ search
        api.MapGet("/content/search", (HttpContext ctx, EmulatorState state) => Search(ctx, state, site, wrapped: false));
        api.MapGet("/search", (HttpContext ctx, EmulatorState state) => Search(ctx, state, site, wrapped: true));

        // ------------------------------------------------------------ labels
        api.MapGet("/content/{id}/label", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var prefixFilter = ctx.Query("prefix");
            var start = ctx.QueryInt("start", 0, int.MaxValue) ?? 0;
            var limit = Math.Min(ctx.QueryInt("limit", 1, int.MaxValue) ?? 200, 200);
            lock (state.Gate)
            {
                var page = state.RequirePage(Http.ParseId(id, "content id"));
                var labels = page.Labels.Where(l => prefixFilter is null || l.Prefix == prefixFilter).ToList();
                return Http.Json(LabelArray(ctx, site, state, labels, start, limit));
            }
        });

        var addLabels = api.MapPost("/content/{id}/label", async (HttpContext ctx, EmulatorState state, string id) =>
        {
            var pageId = Http.ParseId(id, "content id");
            var node = await ctx.ReadNodeAsync();
            var items = node switch
            {
                JsonArray array => array.ToList(),
                JsonObject single => new List<JsonNode?> { single },
                _ => throw new StoreException(StoreErrorKind.BadRequest, "The body must be a label {prefix,name} or an array of them."),
            };
            var labels = items.Select(i => (i.Str("prefix") ?? "global", i.Str("name") ?? throw new StoreException(StoreErrorKind.BadRequest, "Each label needs a name."))).ToList();
            state.AddLabels(pageId, labels);
            lock (state.Gate)
            {
                var page = state.RequirePage(pageId);
                return Http.Json(LabelArray(ctx, site, state, page.Labels.ToList(), 0, 200));
            }
        });
        if (site.IsCloud) addLabels.WithMetadata(Declares403.Instance); // DC declares only 200/404 here

        api.MapDelete("/content/{id}/label", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var name = ctx.Query("name") ?? throw new StoreException(StoreErrorKind.BadRequest, "The name parameter is required.");
            state.RemoveLabel(Http.ParseId(id, "content id"), name);
            return Results.NoContent();
        }).WithMetadata(Declares403.Instance);

        api.MapDelete("/content/{id}/label/{label}", (EmulatorState state, string id, string label) =>
        {
            state.RemoveLabel(Http.ParseId(id, "content id"), label);
            return Results.NoContent();
        }).WithMetadata(Declares403.Instance);

        // ------------------------------------------------------------ attachments
        api.MapGet("/content/{id}/child/attachment", (HttpContext ctx, EmulatorState state, string id) =>
        {
            var fileName = ctx.Query("filename");
            var mediaType = ctx.Query("mediaType");
            var expand = LegacyJson.Expand(ctx);
            var start = ctx.QueryInt("start", 0, int.MaxValue) ?? 0;
            var limit = Math.Min(ctx.QueryInt("limit", 1, int.MaxValue) ?? (site.IsCloud ? 25 : 50), 200);
            lock (state.Gate)
            {
                var page = state.RequirePage(Http.ParseId(id, "content id"));
                var json = new LegacyJson(ctx, site, state);
                var all = page.Attachments.Where(a => a.Status == "current")
                    .Where(a => fileName is null || a.FileName == fileName)
                    .Where(a => mediaType is null || a.Current.MediaType == mediaType)
                    .OrderBy(a => a.Id).ToList();
                var results = new JsonArray();
                foreach (var a in all.Skip(start).Take(limit)) results.Add(json.Attachment(a, expand));
                var next = start + limit < all.Count
                    ? NextLink(ctx, site, new Dictionary<string, string?> { ["start"] = (start + limit).ToString(CultureInfo.InvariantCulture), ["limit"] = limit.ToString(CultureInfo.InvariantCulture) })
                    : null;
                return Http.Json(json.Array(results, start, limit, next, json.Base + RelativePath(ctx, site)));
            }
        });

        api.MapPost("/content/{id}/child/attachment", (HttpContext ctx, EmulatorState state, string id) =>
            AttachmentUpload.CreateAsync(ctx, state, site, Http.ParseId(id, "content id"))).WithMetadata(Declares403.Instance);

        api.MapPost("/content/{id}/child/attachment/{attachmentId}/data", (HttpContext ctx, EmulatorState state, string id, string attachmentId) =>
            AttachmentUpload.NewVersionAsync(ctx, state, site, Http.ParseId(id, "content id"), Http.ParseId(attachmentId, "attachment id")));

        RestrictionEndpoints.Map(api, site);

        if (site.IsCloud)
        {
            // Cloud v1 move: append | before | after relative to a target page; no new version.
            api.MapPut("/content/{pageId}/move/{position}/{targetId}", (EmulatorState state, string pageId, string position, string targetId) =>
            {
                var page = state.MovePage(Http.ParseId(pageId, "page id"), position, Http.ParseId(targetId, "target id"));
                return Http.Json(new JsonObject { ["pageId"] = Http.Id(page.Id) });
            }).WithMetadata(Declares403.Instance);
        }
    }

    /// <summary>The request path relative to `_links.base`.</summary>
    internal static string RelativePath(HttpContext ctx, Site site)
    {
        var path = ctx.Request.Path.Value ?? "";
        return site.IsCloud && path.StartsWith("/wiki", StringComparison.Ordinal) ? path[5..] : path;
    }

    /// <summary>A next link relative to `_links.base`, keeping the caller's other parameters.</summary>
    internal static string NextLink(HttpContext ctx, Site site, IDictionary<string, string?> replace)
    {
        var full = ctx.SelfWith("", replace);
        return site.IsCloud && full.StartsWith("/wiki/", StringComparison.Ordinal) ? full[5..] : full;
    }

    private static JsonObject LabelArray(HttpContext ctx, Site site, EmulatorState state, List<Label> labels, int start, int limit)
    {
        var json = new LegacyJson(ctx, site, state);
        var results = new JsonArray();
        foreach (var l in labels.Skip(start).Take(limit)) results.Add(LegacyJson.Label(l));
        var next = start + limit < labels.Count
            ? NextLink(ctx, site, new Dictionary<string, string?> { ["start"] = (start + limit).ToString(CultureInfo.InvariantCulture), ["limit"] = limit.ToString(CultureInfo.InvariantCulture) })
            : null;
        return json.Array(results, start, limit, next, json.Base + RelativePath(ctx, site));
    }

    /// <summary>One hit of the wrapped search (/search): the content with its title, place and time.</summary>
    private static JsonObject SearchResult(LegacyJson json, Site site, JsonObject content, string title, Page page, string type, DateTimeOffset modified) => new()
    {
        ["content"] = content,
        ["title"] = title,
        ["excerpt"] = "",
        ["url"] = content["_links"]!["webui"]!.GetValue<string>(),
        ["resultGlobalContainer"] = new JsonObject
        {
            ["title"] = page.Space.Name,
            ["displayUrl"] = (site.IsCloud ? "/spaces/" : "/display/") + page.Space.Key,
        },
        ["breadcrumbs"] = new JsonArray(),
        ["entityType"] = "content",
        ["iconCssClass"] = "aui-icon content-type-" + type,
        ["lastModified"] = json.Time(modified),
        ["friendlyLastModified"] = modified.UtcDateTime.ToString("MMM dd, yyyy", CultureInfo.InvariantCulture),
        ["score"] = 0.0,
    };

    /// <summary>A search hit: a page (or blog post), or an attachment or footer comment, which belongs to its <see cref="Page"/>.</summary>
    private abstract class ContentSubject : ICqlSubject
    {
        public abstract Page Page { get; }
        public abstract long Id { get; }
        public abstract string Type { get; }
        public abstract string Title { get; }
        public string SpaceKey => Page.Space.Key;
        public abstract DateTimeOffset LastModified { get; }
        public abstract DateTimeOffset Created { get; }
        public abstract long? ParentId { get; }
        public abstract IEnumerable<long> AncestorIds { get; }
        public abstract IEnumerable<string> Labels { get; }
        public string? UserAccountId => null;
        public string? UserFullName => null;
    }

    /// <summary>An attachment as the index holds it: its file name is its title, its indexed version's time its last modification.</summary>
    private sealed class AttachmentSubject : ContentSubject
    {
        public AttachmentSubject(IndexedAttachment indexed, IndexedPage page)
        {
            Indexed = indexed;
            Container = page;
        }

        public IndexedAttachment Indexed { get; }
        public IndexedPage Container { get; }
        public override Page Page => Indexed.Attachment.Page;
        public override long Id => Indexed.Attachment.Id;
        public override string Type => "attachment";
        public override string Title => Indexed.Attachment.FileName;
        public override DateTimeOffset LastModified => Indexed.LastModified;
        public override DateTimeOffset Created => Indexed.Attachment.CreatedAt;
        public override long? ParentId => Page.Id;
        public override IEnumerable<long> AncestorIds => Container.AncestorIds.Append(Page.Id);
        public override IEnumerable<string> Labels => Array.Empty<string>();
    }

    /// <summary>A footer comment as the index holds it: its space is its page's; it has no parent page or labels here.</summary>
    private sealed class CommentSubject : ContentSubject
    {
        public CommentSubject(IndexedComment indexed) => Indexed = indexed;

        public IndexedComment Indexed { get; }
        public override Page Page => Indexed.Comment.Page;
        public override long Id => Indexed.Comment.Id;
        public override string Type => "comment";
        public override string Title => Indexed.AtVersion.Title;
        public override DateTimeOffset LastModified => Indexed.LastModified;
        public override DateTimeOffset Created => Indexed.Comment.CreatedAt;
        public override long? ParentId => null;
        public override IEnumerable<long> AncestorIds => Array.Empty<long>();
        public override IEnumerable<string> Labels => Array.Empty<string>();
    }

    /// <summary>A page as the index holds it: what CQL clauses test.</summary>
    private sealed class PageSubject : ContentSubject
    {
        public PageSubject(IndexedPage indexed) => Indexed = indexed;

        public IndexedPage Indexed { get; }
        public override Page Page => Indexed.Page;
        public override long Id => Page.Id;
        public override string Type => Page.Type;
        public override string Title => Indexed.Title;
        public override DateTimeOffset LastModified => Indexed.LastModified;
        public override DateTimeOffset Created => Page.CreatedAt;
        public override long? ParentId => Indexed.ParentId;
        public override IEnumerable<long> AncestorIds => Indexed.AncestorIds;
        public override IEnumerable<string> Labels => Indexed.Labels.Select(l => l.Name);
    }

    /// <summary>Adapts a user to what CQL clauses test (type user, user, user.fullname).</summary>
    private sealed class UserSubject : ICqlSubject
    {
        public UserSubject(User user, long order)
        {
            User = user;
            Id = order;
        }

        public User User { get; }
        public long Id { get; }
        public string Type => "user";
        public string Title => User.DisplayName;
        public string SpaceKey => "";
        public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;
        public DateTimeOffset Created => DateTimeOffset.UnixEpoch;
        public long? ParentId => null;
        public IEnumerable<long> AncestorIds => Array.Empty<long>();
        public IEnumerable<string> Labels => Array.Empty<string>();
        public string? UserAccountId => User.AccountId;
        public string? UserFullName => User.DisplayName;
    }

    /// <summary>`expand=details.personal` (or `details`): the only way a Data Center user object carries an e-mail.</summary>
    private static bool PersonalExpanded(HttpContext ctx)
    {
        var expand = LegacyJson.Expand(ctx);
        return expand.Contains("details.personal") || expand.Contains("details");
    }

    /// <summary>Cloud's e-mail API is for apps Atlassian approved; others get 400.</summary>
    private static void RequireEmailApproval(EmulatorState state)
    {
        if (!state.EmailApiApproved)
            throw new StoreException(StoreErrorKind.BadRequest, "This API is only available to apps approved by Atlassian to access email addresses.");
    }

    /// <summary>Cloud `GET /search/user?cql=`: users matched by `type = user`, `user`, `user.fullname ~`.</summary>
    private static IResult SearchUsers(HttpContext ctx, EmulatorState state, Site site)
    {
        var cqlText = ctx.Query("cql");
        CqlQuery query;
        try
        {
            query = CqlQuery.Parse(cqlText);
        }
        catch (CqlException e)
        {
            return Errors.Result(ctx, 400, "Could not parse cql : " + cqlText + " : " + e.Message);
        }
        var start = ctx.QueryInt("start", 0, int.MaxValue) ?? 0;
        var limit = Math.Min(ctx.QueryInt("limit", 0, int.MaxValue) ?? 25, 1000);
        List<UserSubject> hits;
        try
        {
            var users = state.GetUsers();
            hits = users.Select((u, i) => new UserSubject(u, i)).Where(u => query.Matches(u, TimeZoneInfo.Utc)).ToList();
        }
        catch (CqlException e)
        {
            return Errors.Result(ctx, 400, "Could not parse cql : " + cqlText + " : " + e.Message);
        }
        lock (state.Gate)
        {
            var json = new LegacyJson(ctx, site, state);
            var results = new JsonArray();
            foreach (var hit in hits.Skip(start).Take(limit))
                results.Add(new JsonObject
                {
                    ["user"] = json.User(hit.User),
                    ["title"] = hit.User.DisplayName,
                    ["excerpt"] = "",
                    ["url"] = "/people/" + hit.User.AccountId,
                    ["breadcrumbs"] = new JsonArray(),
                    ["entityType"] = "user",
                    ["iconCssClass"] = "aui-icon content-type-profile",
                    ["lastModified"] = json.Time(DateTimeOffset.UnixEpoch),
                    ["score"] = 0.0,
                });
            var next = limit > 0 && start + limit < hits.Count
                ? NextLink(ctx, site, new Dictionary<string, string?> { ["start"] = (start + limit).ToString(CultureInfo.InvariantCulture), ["limit"] = limit.ToString(CultureInfo.InvariantCulture) })
                : null;
            var body = json.Array(results, start, limit, next, json.Base + RelativePath(ctx, site) + ctx.Request.QueryString.Value);
            body["totalSize"] = hits.Count;
            body["cqlQuery"] = query.Text;
            body["searchDuration"] = 1;
            return Http.Json(body);
        }
    }

    /// <summary>
    /// CQL over the search index (its current pages and their files and comments, each as last indexed: writes show
    /// after the index lag, see EmulatorState.IndexLag). Literal times are read in the caller's zone at minute resolution.
    /// Limits are capped as the products cap them (lower when bodies are expanded); Cloud pages by cursor, DC by start.
    /// </summary>
    private static IResult Search(HttpContext ctx, EmulatorState state, Site site, bool wrapped)
    {
        var cqlText = ctx.Query("cql");
        CqlQuery query;
        try
        {
            query = CqlQuery.Parse(cqlText);
        }
        catch (CqlException e)
        {
            return Errors.Result(ctx, 400, "Could not parse cql : " + cqlText + " : " + e.Message);
        }
        var expand = LegacyJson.Expand(ctx);
        var bodyExpanded = expand.Any(e => e.StartsWith("body", StringComparison.Ordinal) || e.Contains(".body", StringComparison.Ordinal));
        var cap = bodyExpanded ? 50 : site.IsCloud ? 250 : expand.Count > 0 ? 200 : 1000;
        var limit = Math.Min(ctx.QueryInt("limit", 0, int.MaxValue) ?? 25, cap);
        int start;
        if (site.IsCloud && ctx.Query("cursor") is { } cursor) start = Http.DecodeCursor(cursor);
        else start = ctx.QueryInt("start", 0, int.MaxValue) ?? 0;

        var zone = TimeZones.Find(ctx.Caller().TimeZone);
        // Cloud leaves archived pages out of search unless cqlcontext's contentStatuses asks for them.
        var archivedToo = site.IsCloud && ContextStatuses(ctx).Contains("archived");
        lock (state.Gate)
        {
            List<ContentSubject> hits;
            try
            {
                // Confluence indexes attachments and footer comments as content too (type = attachment, title = file name;
                // type = comment), in their page's space: those of pages the index holds as current, as last indexed.
                // A query confined to ids (a batch read) looks those up rather than testing the whole index.
                var only = query.CandidateIds();
                var pages = state.IndexedPages(only is null ? null : state.WithTheirPages(only))
                    .Where(e => e.Status == "current" || (e.Status == "archived" && archivedToo))
                    .ToDictionary(e => e.Page.Id);
                var subjects = pages.Values.Where(e => only is null || only.Contains(e.Page.Id)).Select(e => (ContentSubject)new PageSubject(e))
                    .Concat(state.IndexedAttachmentsOf(only).Where(a => a.Status == "current" && pages.ContainsKey(a.Attachment.Page.Id))
                        .Select(a => new AttachmentSubject(a, pages[a.Attachment.Page.Id])))
                    .Concat(state.IndexedCommentsOf(only).Where(c => pages.ContainsKey(c.Comment.Page.Id)).Select(c => new CommentSubject(c)));
                hits = query.Sort(subjects.Where(s => query.Matches(s, zone))).ToList();
            }
            catch (CqlException e)
            {
                return Errors.Result(ctx, 400, "Could not parse cql : " + cqlText + " : " + e.Message);
            }
            var json = new LegacyJson(ctx, site, state);
            var results = new JsonArray();
            foreach (var hit in hits.Skip(start).Take(limit))
            {
                var asked = expand.Select(e => wrapped && e.StartsWith("content.", StringComparison.Ordinal) ? e[8..] : e).ToHashSet();
                var content = hit switch
                {
                    AttachmentSubject file => json.Attachment(file.Indexed.Attachment, asked, file.Indexed.AtVersion, file.Indexed.Status),
                    CommentSubject comment => json.Comment(comment.Indexed.Comment, asked, comment.Indexed.AtVersion),
                    PageSubject page => json.Content(hit.Page, asked, indexed: page.Indexed),
                    _ => throw new InvalidOperationException("Unknown search hit."),
                };
                if (!wrapped)
                {
                    results.Add(content);
                    continue;
                }
                results.Add(SearchResult(json, site, content, hit.Title, hit.Page, hit.Type, hit.LastModified));
            }

            string? next = null;
            if (limit > 0 && start + limit < hits.Count)
            {
                var replace = site.IsCloud
                    ? new Dictionary<string, string?> { ["cursor"] = Http.EncodeCursor(start + limit), ["next"] = "true", ["limit"] = limit.ToString(CultureInfo.InvariantCulture), ["start"] = null }
                    : new Dictionary<string, string?> { ["start"] = (start + limit).ToString(CultureInfo.InvariantCulture), ["limit"] = limit.ToString(CultureInfo.InvariantCulture) };
                next = NextLink(ctx, site, replace);
            }
            var body = json.Array(results, start, limit, next, json.Base + RelativePath(ctx, site) + ctx.Request.QueryString.Value);
            if (wrapped)
            {
                body["totalSize"] = hits.Count;
                body["cqlQuery"] = query.Text;
                body["searchDuration"] = 1;
            }
            else if (!site.IsCloud)
            {
                body["totalSize"] = hits.Count;
            }
            return Http.Json(body);
        }
    }

    /// <summary>cqlcontext's contentStatuses (Cloud: `{"contentStatuses":["current","archived"]}`); empty when not given.</summary>
    private static IReadOnlyCollection<string> ContextStatuses(HttpContext ctx)
    {
        if (ctx.Query("cqlcontext") is not { } raw) return Array.Empty<string>();
        try
        {
            return JsonNode.Parse(raw)?["contentStatuses"] is JsonArray statuses
                ? statuses.Select(s => s?.GetValue<string>() ?? "").ToList()
                : Array.Empty<string>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new StoreException(StoreErrorKind.BadRequest, "cqlcontext must be a JSON object such as {\"contentStatuses\":[\"current\",\"archived\"]}: " + e.Message);
        }
    }
}
