using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.RestV1;

/// <summary>
/// The classic `/rest/api` content model both products share (Cloud v1 and Data Center): Content with
/// `expand`, Space, Version, History, User. The flavour decides user identity (accountId vs userKey),
/// space id width, and the timestamp style (Z vs the server's offset).
/// </summary>
internal sealed class LegacyJson
{
    private readonly Site _site;
    private readonly EmulatorState _state;
    private readonly User? _caller;

    public LegacyJson(HttpContext context, Site site, EmulatorState state)
    {
        _site = site;
        _state = state;
        _caller = context.Items[typeof(User)] as User;
        Base = site.IsCloud ? context.Origin() + "/wiki" : context.Origin() + site.ContextPath;
    }

    /// <summary>`_links.base`: every relative link is relative to it (includes /wiki or the DC context).</summary>
    public string Base { get; }

    /// <summary>The API's path below `_links.base` (same for both products).</summary>
    public string ApiPrefix => "/rest/api";

    public string Context => _site.IsCloud ? "/wiki" : _site.ContextPath;

    public string Time(DateTimeOffset t) => _site.IsCloud ? Http.Utc(t) : Http.Local(t, _site.ServerZone);

    /// <param name="personal">
    /// `expand=details.personal` was asked. Data Center carries a person's e-mail only there (never at the top level), and
    /// only when the site lets the caller see it (<see cref="EmulatorState.EmailVisibleTo"/>); Cloud ignores it (the
    /// personal details are deprecated there; profile visibility decides the top-level `email`).
    /// </param>
    public JsonObject User(User u, bool detailed = false, bool personal = false)
    {
        var picture = new JsonObject
        {
            ["path"] = (_site.IsCloud ? "/wiki" : _site.ContextPath) + "/images/icons/profilepics/default.svg",
            ["width"] = 48,
            ["height"] = 48,
            ["isDefault"] = true,
        };
        if (_site.IsCloud)
        {
            var o = new JsonObject
            {
                ["type"] = "known",
                ["accountId"] = u.AccountId,
                ["accountType"] = "atlassian",
                ["email"] = _state.EmailVisibleTo(u, _caller) ? u.Email : "",
                ["publicName"] = u.DisplayName,
                ["profilePicture"] = picture,
                ["displayName"] = u.DisplayName,
                ["isExternalCollaborator"] = false,
            };
            if (detailed) o["timeZone"] = u.TimeZone;
            o["_expandable"] = new JsonObject { ["operations"] = "", ["personalSpace"] = "" };
            o["_links"] = new JsonObject { ["self"] = Base + "/rest/api/user?accountId=" + u.AccountId };
            return o;
        }
        var dc = new JsonObject
        {
            ["type"] = "known",
            ["username"] = u.Username,
            ["userKey"] = u.UserKey,
            ["profilePicture"] = picture,
            ["displayName"] = u.DisplayName,
        };
        if (detailed) dc["timeZone"] = u.TimeZone;
        if (personal)
        {
            var details = new JsonObject();
            if (_state.EmailVisibleTo(u, _caller)) details["email"] = u.Email;
            dc["details"] = new JsonObject { ["personal"] = details };
        }
        dc["_links"] = new JsonObject { ["self"] = Base + "/rest/api/user?key=" + u.UserKey };
        dc["_expandable"] = new JsonObject { ["status"] = "" };
        return dc;
    }

    public JsonObject Space(Space s, ISet<string>? expand = null)
    {
        var o = new JsonObject
        {
            ["id"] = s.Id,
            ["key"] = s.Key,
            ["name"] = s.Name,
            ["type"] = s.Type,
            ["status"] = s.Status,
        };
        var expandable = new JsonObject();
        void Maybe(string key, Func<JsonNode?> render)
        {
            if (expand is not null && expand.Contains(key)) o[key] = render();
            else expandable[key] = key == "homepage" ? ApiPrefix + "/content/" + s.HomepageId : "";
        }
        Maybe("homepage", () => _state.FindPage(s.HomepageId) is { } home ? Content(home, new HashSet<string>()) : null);
        Maybe("description", () => new JsonObject
        {
            ["plain"] = new JsonObject { ["value"] = s.Description ?? "", ["representation"] = "plain", ["embeddedContent"] = new JsonArray() },
        });
        Maybe("history", () => new JsonObject { ["createdDate"] = Time(s.CreatedAt), ["createdBy"] = User(s.Creator) });
        foreach (var key in new[] { "settings", "metadata", "operations", "lookAndFeel", "identifiers", "permissions", "icon", "theme" })
            expandable[key] = "";
        o["_expandable"] = expandable;
        o["_links"] = new JsonObject
        {
            ["webui"] = _site.IsCloud ? "/spaces/" + s.Key : "/display/" + s.Key,
            ["self"] = Base + ApiPrefix + "/space/" + s.Key,
        };
        return o;
    }

    public JsonObject Version(PageVersion v, Page page)
    {
        var o = new JsonObject
        {
            ["by"] = User(v.Author),
            ["when"] = Time(v.When),
            ["friendlyWhen"] = v.When.UtcDateTime.ToString("MMM dd, yyyy", CultureInfo.InvariantCulture),
            ["message"] = v.Message ?? "",
            ["number"] = v.Number,
            ["minorEdit"] = v.MinorEdit,
        };
        if (!_site.IsCloud) o["hidden"] = false;
        else o["contentTypeModified"] = false;
        o["_expandable"] = new JsonObject { ["content"] = ApiPrefix + "/content/" + page.Id, ["collaborators"] = "" };
        o["_links"] = new JsonObject { ["self"] = Base + ApiPrefix + "/content/" + page.Id + "/version/" + v.Number };
        return o;
    }

    private JsonObject AttachmentVersion(AttachmentVersion v, Attachment a)
    {
        var o = new JsonObject
        {
            ["by"] = User(v.Author),
            ["when"] = Time(v.When),
            ["message"] = v.Comment ?? "",
            ["number"] = v.Number,
            ["minorEdit"] = v.MinorEdit,
        };
        if (!_site.IsCloud) o["hidden"] = false;
        o["_links"] = new JsonObject { ["self"] = Base + ApiPrefix + "/content/" + a.ContentId + "/version/" + v.Number };
        return o;
    }

    /// <summary>
    /// A page as Content. <paramref name="expand"/> holds the expansions asked for (e.g. "body.storage",
    /// "version", "space", "ancestors", "history", "history.lastUpdated", "metadata.labels", "children.page",
    /// "children.attachment", "container"); everything else is listed in `_expandable`. A search hit passes
    /// <paramref name="indexed"/>: version, body, status, ancestors and labels are then as the index holds them.
    /// </summary>
    public JsonObject Content(Page p, ISet<string> expand, PageVersion? at = null, IndexedPage? indexed = null)
    {
        var v = indexed?.AtVersion ?? at ?? p.Current;
        var o = new JsonObject
        {
            ["id"] = Http.Id(p.Id),
            ["type"] = p.Type,
            ["status"] = indexed?.Status ?? (at is not null && at != p.Current ? "historical" : p.Status),
            ["title"] = v.Title,
        };
        var expandable = new JsonObject();
        bool Has(string key) => expand.Contains(key) || expand.Any(e => e.StartsWith(key + ".", StringComparison.Ordinal));

        if (Has("space")) o["space"] = Space(p.Space);
        else expandable["space"] = ApiPrefix + "/space/" + p.Space.Key;

        if (Has("history"))
        {
            var history = new JsonObject
            {
                ["latest"] = at is null || at == p.Current,
                ["createdBy"] = User(p.Creator),
                ["createdDate"] = Time(p.CreatedAt),
            };
            var historyExpandable = new JsonObject();
            if (expand.Contains("history.lastUpdated")) history["lastUpdated"] = Version(p.Current, p);
            else historyExpandable["lastUpdated"] = "";
            if (expand.Contains("history.previousVersion") && v.Number > 1)
                history["previousVersion"] = Version(p.Versions[v.Number - 2], p);
            else historyExpandable["previousVersion"] = "";
            historyExpandable["contributors"] = "";
            historyExpandable["nextVersion"] = "";
            history["_expandable"] = historyExpandable;
            history["_links"] = new JsonObject { ["self"] = Base + ApiPrefix + "/content/" + p.Id + "/history" };
            o["history"] = history;
        }
        else expandable["history"] = ApiPrefix + "/content/" + p.Id + "/history";

        if (Has("version")) o["version"] = Version(v, p);
        else expandable["version"] = "";

        if (Has("ancestors"))
        {
            var ancestors = new JsonArray();
            var ancestorPages = indexed is null
                ? (IEnumerable<Page>)_state.Ancestors(p)
                : indexed.AncestorIds.Select(id => _state.FindPage(id)).OfType<Page>();
            foreach (var a in ancestorPages) ancestors.Add(Content(a, new HashSet<string>()));
            o["ancestors"] = ancestors;
        }
        else expandable["ancestors"] = "";

        if (Has("container")) o["container"] = Space(p.Space);
        else expandable["container"] = ApiPrefix + "/space/" + p.Space.Key;

        if (Has("body"))
        {
            var body = new JsonObject();
            var bodyExpandable = new JsonObject();
            foreach (var representation in new[] { "editor", "view", "export_view", "styled_view", "storage", "anonymous_export_view" })
            {
                if (representation == "storage" && (expand.Contains("body.storage") || expand.Contains("body")))
                    body["storage"] = new JsonObject
                    {
                        ["value"] = v.Body,
                        ["representation"] = "storage",
                        ["embeddedContent"] = new JsonArray(),
                        ["_expandable"] = new JsonObject { ["content"] = ApiPrefix + "/content/" + p.Id },
                    };
                else bodyExpandable[representation] = "";
            }
            body["_expandable"] = bodyExpandable;
            o["body"] = body;
        }
        else expandable["body"] = "";

        if (Has("metadata"))
        {
            var labels = new JsonArray();
            foreach (var l in indexed?.Labels ?? p.Labels) labels.Add(Label(l));
            o["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject { ["results"] = labels, ["start"] = 0, ["limit"] = 200, ["size"] = labels.Count, ["_links"] = new JsonObject() },
                ["_expandable"] = new JsonObject(),
            };
        }
        else expandable["metadata"] = "";

        if (Has("children"))
        {
            var children = new JsonObject();
            if (expand.Contains("children.page"))
            {
                var pages = new JsonArray();
                foreach (var c in _state.VisibleChildren(p)) pages.Add(Content(c, new HashSet<string>()));
                children["page"] = Array(pages, 0, pages.Count, null);
            }
            if (Has("children.attachment"))
            {
                // As the products do: the list inside the expansion is capped (B33) and says so by its limit and a next
                // link to the page's own listing; nested expansions (children.attachment.version) reach each attachment.
                var inner = new HashSet<string>(expand.Where(e => e.StartsWith("children.attachment.", StringComparison.Ordinal))
                    .Select(e => e.Substring("children.attachment.".Length)), StringComparer.Ordinal);
                var current = p.Attachments.Where(a => a.Status == "current").ToList();
                var attachments = new JsonArray();
                foreach (var a in current.Take(ChildAttachmentExpansionLimit)) attachments.Add(Attachment(a, inner));
                var next = current.Count > ChildAttachmentExpansionLimit
                    ? ApiPrefix + "/content/" + p.Id + "/child/attachment?limit=" + ChildAttachmentExpansionLimit + "&start=" + ChildAttachmentExpansionLimit
                    : null;
                children["attachment"] = Array(attachments, 0, ChildAttachmentExpansionLimit, next);
            }
            children["_expandable"] = new JsonObject { ["comment"] = ApiPrefix + "/content/" + p.Id + "/child/comment" };
            children["_links"] = new JsonObject { ["self"] = Base + ApiPrefix + "/content/" + p.Id + "/child" };
            o["children"] = children;
        }
        else expandable["children"] = ApiPrefix + "/content/" + p.Id + "/child";

        expandable["descendants"] = ApiPrefix + "/content/" + p.Id + "/descendant";
        if (Has("restrictions"))
        {
            o["restrictions"] = new JsonObject
            {
                ["read"] = Restriction(p, "read"),
                ["update"] = Restriction(p, "update"),
                ["_expandable"] = new JsonObject(),
                ["_links"] = new JsonObject { ["self"] = Base + ApiPrefix + "/content/" + p.Id + "/restriction/byOperation" },
            };
        }
        else expandable["restrictions"] = ApiPrefix + "/content/" + p.Id + "/restriction/byOperation";
        expandable["operations"] = "";
        o["extensions"] = new JsonObject { ["position"] = p.Position };
        o["_links"] = new JsonObject
        {
            ["webui"] = WebUi(p, v.Title),
            ["edit"] = $"/pages/resumedraft.action?draftId={p.Id}",
            ["tinyui"] = "/x/" + Cloud.CloudV2Json.TinyId(p.Id),
            ["self"] = Base + ApiPrefix + "/content/" + p.Id,
        };
        o["_expandable"] = expandable;
        return o;
    }

    /// <summary>One operation's restriction (users and groups; empty when the page is not restricted).</summary>
    public JsonObject Restriction(Page page, string operation)
    {
        var users = new JsonArray();
        var groups = new JsonArray();
        if (page.Restrictions.TryGetValue(operation, out var r))
        {
            foreach (var u in r.Users) users.Add(User(u));
            foreach (var g in r.Groups) groups.Add(new JsonObject { ["type"] = "group", ["name"] = g });
        }
        return new JsonObject
        {
            ["operation"] = operation,
            ["restrictions"] = new JsonObject
            {
                ["user"] = new JsonObject { ["results"] = users, ["start"] = 0, ["limit"] = 200, ["size"] = users.Count },
                ["group"] = new JsonObject { ["results"] = groups, ["start"] = 0, ["limit"] = 200, ["size"] = groups.Count },
            },
            ["_expandable"] = new JsonObject { ["content"] = ApiPrefix + "/content/" + page.Id },
            ["_links"] = new JsonObject { ["self"] = Base + ApiPrefix + "/content/" + page.Id + "/restriction/byOperation/" + operation },
        };
    }

    /// <summary>
    /// A comment as Content (type comment, container = its page, extensions.location = footer or inline); a search hit
    /// passes the version the index holds.
    /// </summary>
    public JsonObject Comment(Comment c, ISet<string> expand, PageVersion? at = null)
    {
        var v = at ?? c.Current;
        var o = new JsonObject
        {
            ["id"] = Http.Id(c.Id),
            ["type"] = "comment",
            ["status"] = "current",
            ["title"] = v.Title,
        };
        var expandable = new JsonObject();
        bool Has(string key) => expand.Contains(key) || expand.Any(e => e.StartsWith(key + ".", StringComparison.Ordinal));
        if (Has("space")) o["space"] = Space(c.Page.Space);
        else expandable["space"] = ApiPrefix + "/space/" + c.Page.Space.Key;
        if (Has("history"))
            o["history"] = new JsonObject
            {
                ["latest"] = true,
                ["createdBy"] = User(c.Creator),
                ["createdDate"] = Time(c.CreatedAt),
                ["_links"] = new JsonObject { ["self"] = Base + ApiPrefix + "/content/" + c.Id + "/history" },
            };
        else expandable["history"] = ApiPrefix + "/content/" + c.Id + "/history";
        if (Has("version"))
        {
            var version = new JsonObject
            {
                ["by"] = User(v.Author),
                ["when"] = Time(v.When),
                ["message"] = v.Message ?? "",
                ["number"] = v.Number,
                ["minorEdit"] = v.MinorEdit,
            };
            if (!_site.IsCloud) version["hidden"] = false;
            version["_links"] = new JsonObject { ["self"] = Base + ApiPrefix + "/content/" + c.Id + "/version/" + v.Number };
            o["version"] = version;
        }
        else expandable["version"] = "";
        if (Has("ancestors"))
        {
            var ancestors = new JsonArray();
            if (c.ParentCommentId is long parent && _state.FindComment(parent) is { } p)
                ancestors.Add(new JsonObject { ["id"] = Http.Id(p.Id), ["type"] = "comment", ["status"] = "current", ["title"] = p.Current.Title });
            o["ancestors"] = ancestors;
        }
        else expandable["ancestors"] = "";
        if (Has("container")) o["container"] = Content(c.Page, new HashSet<string>());
        else expandable["container"] = ApiPrefix + "/content/" + c.Page.Id;
        if (expand.Contains("body.storage") || expand.Contains("body"))
            o["body"] = new JsonObject
            {
                ["storage"] = new JsonObject { ["value"] = v.Body, ["representation"] = "storage", ["embeddedContent"] = new JsonArray() },
                ["_expandable"] = new JsonObject { ["editor"] = "", ["view"] = "", ["export_view"] = "", ["styled_view"] = "", ["anonymous_export_view"] = "" },
            };
        else expandable["body"] = "";
        o["extensions"] = CommentExtensions(c, expand);
        o["_links"] = new JsonObject
        {
            ["webui"] = $"/pages/viewpage.action?pageId={c.Page.Id}&focusedCommentId={c.Id}#comment-{c.Id}",
            ["self"] = Base + ApiPrefix + "/content/" + c.Id,
        };
        expandable["children"] = ApiPrefix + "/content/" + c.Id + "/child";
        expandable["descendants"] = ApiPrefix + "/content/" + c.Id + "/descendant";
        expandable["restrictions"] = ApiPrefix + "/content/" + c.Id + "/restriction/byOperation";
        o["_expandable"] = expandable;
        return o;
    }

    /// <summary>
    /// <c>extensions</c> of a comment: its location always; for inline comments <c>inlineProperties</c> (the marker's ref and
    /// the original selection, on the thread's first comment) and <c>resolution</c> (the thread's status) when expanded
    /// (<c>expand=extensions.inlineProperties,extensions.resolution</c>), else named in <c>_expandable</c>.
    /// </summary>
    private JsonObject CommentExtensions(Comment c, ISet<string> expand)
    {
        var extensions = new JsonObject { ["location"] = c.Location };
        if (!c.IsInline) return extensions;
        var thread = c;
        while (thread.ParentCommentId is long up && c.Page.Comments.FirstOrDefault(x => x.Id == up) is { } parent) thread = parent;
        var expandable = new JsonObject();
        if (expand.Contains("extensions.inlineProperties"))
        {
            if (c.MarkerRef is { } markerRef)
                extensions["inlineProperties"] = new JsonObject { ["markerRef"] = markerRef, ["originalSelection"] = c.OriginalSelection ?? "" };
        }
        else expandable["inlineProperties"] = "";
        if (expand.Contains("extensions.resolution"))
        {
            var resolution = new JsonObject { ["status"] = thread.ResolutionStatus };
            if (thread.ResolutionBy is { } by) resolution["lastModifier"] = User(by);
            if (thread.ResolutionAt is { } at) resolution["lastModifiedDate"] = Time(at);
            extensions["resolution"] = resolution;
        }
        else expandable["resolution"] = "";
        if (expandable.Count > 0) extensions["_expandable"] = expandable;
        return extensions;
    }

    private string WebUi(Page p, string title)
    {
        var day = _state.PostingDay(p).ToString("yyyy/MM/dd", CultureInfo.InvariantCulture);
        var slug = Cloud.CloudV2Json.Slug(title);
        return (_site.IsCloud, p.IsBlogPost) switch
        {
            (true, false) => $"/spaces/{p.Space.Key}/pages/{p.Id}/{slug}",
            (true, true) => $"/spaces/{p.Space.Key}/blog/{day}/{p.Id}/{slug}",
            (false, false) => $"/pages/viewpage.action?pageId={p.Id}",
            (false, true) => $"/display/{p.Space.Key}/{day}/{slug}",
        };
    }

    /// <summary>Attachments a <c>children.attachment</c> expansion carries at most (B33); the rest through the next link.</summary>
    public const int ChildAttachmentExpansionLimit = 25;

    public JsonObject Attachment(Attachment a, ISet<string> expand, AttachmentVersion? at = null, string? status = null)
    {
        var v = at ?? a.Current;
        var o = new JsonObject
        {
            ["id"] = a.ContentId,
            ["type"] = "attachment",
            ["status"] = status ?? a.Status,
            ["title"] = a.FileName,
        };
        var expandable = new JsonObject();
        if (expand.Contains("version")) o["version"] = AttachmentVersion(v, a);
        else expandable["version"] = "";
        if (expand.Contains("container")) o["container"] = Content(a.Page, new HashSet<string>());
        else expandable["container"] = ApiPrefix + "/content/" + a.Page.Id;
        if (expand.Contains("space")) o["space"] = Space(a.Page.Space);
        else expandable["space"] = ApiPrefix + "/space/" + a.Page.Space.Key;
        o["metadata"] = new JsonObject
        {
            ["mediaType"] = v.MediaType,
            ["comment"] = v.Comment ?? "",
            ["_expandable"] = new JsonObject { ["currentuser"] = "", ["properties"] = "", ["frontend"] = "", ["editorHtml"] = "", ["labels"] = "" },
        };
        o["extensions"] = new JsonObject
        {
            ["mediaType"] = v.MediaType,
            ["fileSize"] = v.Size,
            ["comment"] = v.Comment ?? "",
            ["fileId"] = a.FileId,
        };
        var download = $"/download/attachments/{a.Page.Id}/{Uri.EscapeDataString(a.FileName)}?version={v.Number}&modificationDate={v.When.ToUnixTimeMilliseconds()}&api=v2";
        o["_links"] = new JsonObject
        {
            ["webui"] = $"/pages/viewpageattachments.action?pageId={a.Page.Id}&preview=%2F{a.Page.Id}%2F{a.Id}%2F{Uri.EscapeDataString(a.FileName)}",
            ["download"] = download,
            ["self"] = Base + ApiPrefix + "/content/" + a.ContentId,
        };
        expandable["history"] = ApiPrefix + "/content/" + a.ContentId + "/history";
        expandable["ancestors"] = "";
        expandable["children"] = "";
        expandable["descendants"] = "";
        expandable["restrictions"] = "";
        o["_expandable"] = expandable;
        return o;
    }

    /// <summary>
    /// A top-level single answer also carries `_links.base` and `_links.context` (nested objects do not;
    /// a list carries them once, in its own `_links`).
    /// </summary>
    public JsonObject Top(JsonObject o)
    {
        var links = o["_links"] as JsonObject ?? new JsonObject();
        if (o["type"] is JsonValue type && type.GetValue<string>() is "page" or "blogpost" or "comment" or "attachment")
            links["collection"] = ApiPrefix + "/content";
        else if (o["key"] is not null)
            links["collection"] = ApiPrefix + "/space";
        links["base"] = Base;
        links["context"] = Context;
        o["_links"] = links;
        return o;
    }

    public static JsonObject Label(Label l) => new()
    {
        ["prefix"] = l.Prefix,
        ["name"] = l.Name,
        ["id"] = Http.Id(l.Id),
        ["label"] = l.Name,
    };

    /// <summary>`{results,start,limit,size,_links{base,context,self[,next]}}`.</summary>
    public JsonObject Array(JsonArray results, int start, int limit, string? next, string? self = null)
    {
        var links = new JsonObject();
        if (self is not null) links["self"] = self;
        if (next is not null) links["next"] = next;
        links["base"] = Base;
        links["context"] = Context;
        return new JsonObject
        {
            ["results"] = results,
            ["start"] = start,
            ["limit"] = limit,
            ["size"] = results.Count,
            ["_links"] = links,
        };
    }

    /// <summary>Renders with this instance (keeps one-expression endpoint bodies readable).</summary>
    public JsonObject Let(Func<LegacyJson, JsonObject> render) => render(this);

    public static HashSet<string> Expand(HttpContext context) =>
        context.QueryList("expand").ToHashSet(StringComparer.Ordinal);
}
