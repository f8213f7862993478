using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Cloud;

/// <summary>Cloud REST v2 shapes (SpaceBulk, PageBulk/PageSingle, AttachmentBulk, Version, Label...).</summary>
internal static partial class CloudV2Json
{
    public static JsonObject Space(Space s) => new()
    {
        ["id"] = Http.Id(s.Id),
        ["key"] = s.Key,
        ["name"] = s.Name,
        ["type"] = s.Type,
        ["status"] = s.Status,
        ["authorId"] = s.Creator.AccountId,
        ["createdAt"] = Http.Utc(s.CreatedAt),
        ["homepageId"] = Http.Id(s.HomepageId),
        ["_links"] = new JsonObject { ["webui"] = "/spaces/" + s.Key },
    };

    public static JsonObject Version(PageVersion v) => new()
    {
        ["createdAt"] = Http.Utc(v.When),
        ["message"] = v.Message ?? "",
        ["number"] = v.Number,
        ["minorEdit"] = v.MinorEdit,
        ["authorId"] = v.Author.AccountId,
    };

    public static JsonObject AttachmentVersion(AttachmentVersion v) => new()
    {
        ["createdAt"] = Http.Utc(v.When),
        ["message"] = v.Comment ?? "",
        ["number"] = v.Number,
        ["minorEdit"] = v.MinorEdit,
        ["authorId"] = v.Author.AccountId,
    };

    /// <summary>
    /// A page at its current version, or at <paramref name="version"/> when given (historical read), or as the search
    /// index holds it (<paramref name="indexed"/>: a listing sorted by modification date). Call under the state's lock.
    /// </summary>
    public static JsonObject Page(EmulatorState state, Page p, string? bodyFormat, PageVersion? version = null, IndexedPage? indexed = null)
    {
        var v = indexed?.AtVersion ?? version ?? p.Current;
        var o = new JsonObject
        {
            ["id"] = Http.Id(p.Id),
            ["status"] = indexed?.Status ?? (version is not null && version != p.Current ? "historical" : p.Status),
            ["title"] = v.Title,
            ["spaceId"] = Http.Id(p.Space.Id),
        };
        AddParent(o, state, p, indexed is null ? p.ParentId : indexed.ParentId);
        o["position"] = p.Position;
        o["authorId"] = p.Creator.AccountId;
        o["ownerId"] = p.Creator.AccountId;
        o["lastOwnerId"] = null;
        o["createdAt"] = Http.Utc(p.CreatedAt);
        o["version"] = Version(v);
        o["body"] = Body(v.Body, bodyFormat);
        o["_links"] = new JsonObject
        {
            ["webui"] = $"/spaces/{p.Space.Key}/pages/{p.Id}/{Slug(v.Title)}",
            ["editui"] = $"/pages/resumedraft.action?draftId={p.Id}",
            ["tinyui"] = "/x/" + TinyId(p.Id),
        };
        return o;
    }

    /// <summary>
    /// parentId and parentType of a page, folder or whiteboard. The document types both as non-nullable strings: content at
    /// the top level omits them. Content below a folder or whiteboard names it, with its type (ParentContentType).
    /// </summary>
    private static void AddParent(JsonObject o, EmulatorState state, Page p, long? parentId)
    {
        if (parentId is not long parent) return;
        o["parentId"] = Http.Id(parent);
        o["parentType"] = state.TypeOfContent(parent) ?? "page";
    }

    /// <summary>FolderSingle / WhiteboardSingle. Call under the state's lock.</summary>
    public static JsonObject Container(EmulatorState state, Page c)
    {
        var o = new JsonObject
        {
            ["id"] = Http.Id(c.Id),
            ["type"] = c.Type,
            ["status"] = c.Status,
            ["title"] = c.Title,
        };
        AddParent(o, state, c, c.ParentId);
        o["position"] = c.Position;
        o["authorId"] = c.Creator.AccountId;
        o["ownerId"] = c.Creator.AccountId;
        o["createdAt"] = Http.Utc(c.CreatedAt);
        o["version"] = Version(c.Current);
        o["_links"] = new JsonObject { ["webui"] = $"/spaces/{c.Space.Key}/{c.Type}/{c.Id}" };
        return o;
    }

    /// <summary>BlogPostBulk/BlogPostSingle (as the search index holds it when <paramref name="indexed"/> is given).</summary>
    public static JsonObject BlogPost(Page p, string? bodyFormat, PageVersion? version = null, IndexedPage? indexed = null)
    {
        var v = indexed?.AtVersion ?? version ?? p.Current;
        var day = p.CreatedAt.UtcDateTime.ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = Http.Id(p.Id),
            ["status"] = indexed?.Status ?? (version is not null && version != p.Current ? "historical" : p.Status),
            ["title"] = v.Title,
            ["spaceId"] = Http.Id(p.Space.Id),
            ["authorId"] = p.Creator.AccountId,
            ["createdAt"] = Http.Utc(p.CreatedAt),
            ["version"] = Version(v),
            ["body"] = Body(v.Body, bodyFormat),
            ["_links"] = new JsonObject
            {
                ["webui"] = $"/spaces/{p.Space.Key}/blog/{day}/{p.Id}/{Slug(v.Title)}",
                ["editui"] = $"/pages/resumedraft.action?draftId={p.Id}",
                ["tinyui"] = "/x/" + TinyId(p.Id),
            },
        };
    }

    public static JsonObject Body(string storage, string? bodyFormat) => bodyFormat switch
    {
        "storage" => new JsonObject { ["storage"] = new JsonObject { ["representation"] = "storage", ["value"] = storage } },
        "atlas_doc_format" => new JsonObject { ["atlas_doc_format"] = new JsonObject { ["representation"] = "atlas_doc_format", ["value"] = AdfFromStorage(storage) } },
        _ => new JsonObject(),
    };

    public static JsonObject Attachment(Attachment a, AttachmentVersion? version = null)
    {
        var v = version ?? a.Current;
        var download = $"/download/attachments/{a.Page.Id}/{Uri.EscapeDataString(a.FileName)}?version={v.Number}&modificationDate={v.When.ToUnixTimeMilliseconds()}&api=v2";
        var webui = $"/pages/viewpageattachments.action?pageId={a.Page.Id}&preview=%2F{a.Page.Id}%2F{a.Id}%2F{Uri.EscapeDataString(a.FileName)}";
        return new JsonObject
        {
            ["id"] = a.ContentId,
            ["status"] = a.Status,
            ["title"] = a.FileName,
            ["createdAt"] = Http.Utc(a.CreatedAt),
            ["pageId"] = Http.Id(a.Page.Id),
            ["mediaType"] = v.MediaType,
            ["mediaTypeDescription"] = MediaTypeDescription(v.MediaType),
            ["comment"] = v.Comment ?? "",
            ["fileId"] = a.FileId,
            ["fileSize"] = v.Size,
            ["webuiLink"] = webui,
            ["downloadLink"] = download,
            ["version"] = AttachmentVersion(v),
            ["_links"] = new JsonObject { ["webui"] = webui, ["download"] = download },
        };
    }

    /// <summary>FooterCommentModel (PageCommentModel is its subset).</summary>
    public static JsonObject Comment(Comment c, string? bodyFormat)
    {
        var o = new JsonObject
        {
            ["id"] = Http.Id(c.Id),
            ["status"] = "current",
            ["title"] = c.Current.Title,
        };
        o[c.Page.IsBlogPost ? "blogPostId" : "pageId"] = Http.Id(c.Page.Id);
        if (c.ParentCommentId is long parent) o["parentCommentId"] = Http.Id(parent);
        o["version"] = Version(c.Current);
        o["body"] = Body(c.Current.Body, bodyFormat);
        o["_links"] = new JsonObject { ["webui"] = $"/spaces/{c.Page.Space.Key}/{(c.Page.IsBlogPost ? "blog" : "pages")}/{c.Page.Id}/{Slug(c.Page.Title)}?focusedCommentId={c.Id}" };
        return o;
    }

    /// <summary>What an inline comment model carries.</summary>
    public enum InlineShape
    {
        /// <summary>PageInlineCommentModel / BlogPostInlineCommentModel (a page's root comments).</summary>
        Listed,

        /// <summary>InlineCommentChildrenModel (replies of one comment).</summary>
        Child,

        /// <summary>InlineCommentModel (GET, POST and PUT of one comment).</summary>
        Single,
    }

    /// <summary>
    /// An inline comment. The thread's first comment carries the marker's ref and the original selection in
    /// <c>properties</c> and the thread's resolution status; replies carry their thread's status.
    /// </summary>
    public static JsonObject InlineComment(Comment c, string? bodyFormat, InlineShape shape)
    {
        var thread = c;
        while (thread.ParentCommentId is long up && thread.Page.Comments.FirstOrDefault(x => x.Id == up) is { } parent) thread = parent;
        var o = new JsonObject
        {
            ["id"] = Http.Id(c.Id),
            ["status"] = "current",
            ["title"] = c.Current.Title,
        };
        if (shape != InlineShape.Child) o[c.Page.IsBlogPost ? "blogPostId" : "pageId"] = Http.Id(c.Page.Id);
        if (shape != InlineShape.Listed && c.ParentCommentId is long parentId) o["parentCommentId"] = Http.Id(parentId);
        o["version"] = Version(c.Current);
        o["body"] = Body(c.Current.Body, bodyFormat);
        o["resolutionStatus"] = thread.ResolutionStatus;
        if (shape == InlineShape.Single && thread.ResolutionBy is { } by && thread.ResolutionAt is { } at)
        {
            o["resolutionLastModifierId"] = by.AccountId;
            o["resolutionLastModifiedAt"] = Http.Utc(at);
        }
        var properties = new JsonObject();
        if (c.MarkerRef is { } markerRef)
        {
            properties["inlineMarkerRef"] = markerRef;
            properties["inlineOriginalSelection"] = c.OriginalSelection ?? "";
        }
        o["properties"] = properties;
        o["_links"] = new JsonObject { ["webui"] = $"/spaces/{c.Page.Space.Key}/{(c.Page.IsBlogPost ? "blog" : "pages")}/{c.Page.Id}/{Slug(c.Page.Title)}?focusedCommentId={c.Id}" };
        return o;
    }

    public static JsonObject Label(Label l) => new()
    {
        ["id"] = Http.Id(l.Id),
        ["name"] = l.Name,
        ["prefix"] = l.Prefix,
    };

    private static string MediaTypeDescription(string mediaType) => mediaType switch
    {
        "image/png" => "PNG Image",
        "image/jpeg" => "JPEG Image",
        "application/pdf" => "PDF Document",
        "text/plain" => "Text File",
        "text/csv" => "CSV File",
        _ => "File",
    };

    public static string Slug(string title) => Uri.EscapeDataString(title.Replace(' ', '+')).Replace("%2B", "+", StringComparison.Ordinal);

    /// <summary>Confluence's tiny link encodes the id in base64 of its little-endian bytes.</summary>
    public static string TinyId(long id)
    {
        var bytes = BitConverter.GetBytes(id);
        var length = bytes.Length;
        while (length > 1 && bytes[length - 1] == 0) length--;
        return Convert.ToBase64String(bytes, 0, length).TrimEnd('=').Replace('/', '-').Replace('+', '_');
    }

    /// <summary>
    /// A lossy ADF rendering: one paragraph of plain text per block element of the storage body.
    /// The emulator stores storage format only; this keeps body-format=atlas_doc_format answerable.
    /// </summary>
    private static string AdfFromStorage(string storage)
    {
        var blocks = BlockSplit().Split(storage)
            .Select(b => WebUtility.HtmlDecode(Tag().Replace(b, "")).Trim())
            .Where(b => b.Length > 0);
        var content = new JsonArray();
        foreach (var text in blocks)
            content.Add(new JsonObject
            {
                ["type"] = "paragraph",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
            });
        return new JsonObject { ["type"] = "doc", ["version"] = 1, ["content"] = content }.ToJsonString();
    }

    [GeneratedRegex(@"</(?:p|h[1-6]|li|tr|pre|ac:plain-text-body)>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockSplit();

    [GeneratedRegex(@"<[^>]+>|<!\[CDATA\[|\]\]>")]
    private static partial Regex Tag();
}
