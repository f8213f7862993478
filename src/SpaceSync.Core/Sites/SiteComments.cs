using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// The comment requests both products answer alike through the classic REST API (Cloud v1 under /wiki/rest/api,
    /// Data Center /rest/api): CQL <c>type = comment</c> over a space. One query lists every comment of a space with its
    /// page (container), parent (ancestors), author (history), body and location, 50 a request (the cap with bodies
    /// expanded), where listing page by page would cost a request per page at least. CQL has no field for a comment's
    /// location: the answer holds inline comments too, each saying so in <c>extensions</c> (<see cref="SiteComment.Location"/>).
    /// </summary>
    internal sealed class CommentRequests
    {
        /// <summary>CQL's result cap when bodies are expanded (both products).</summary>
        public const int SearchLimit = 50;

        // extensions.inlineProperties: a second sign of an inline comment, for a server whose answer would lack the location.
        internal const string ContentExpand = "body.storage,version,container,ancestors,history,extensions.inlineProperties";

        private readonly ConfluenceRestClient _rest;
        private readonly Func<string, Uri> _api;

        /// <param name="api">URL of a path below the classic REST API (/rest/api).</param>
        public CommentRequests(ConfluenceRestClient rest, Func<string, Uri> api)
        {
            _rest = rest;
            _api = api;
        }

        /// <summary>
        /// Every comment of the space, or (with <paramref name="modifiedSince"/>) those whose current version is not older
        /// than that instant. The CQL literal is a minute-resolution pre-filter written early enough for any time zone
        /// (<see cref="CqlTime"/>); hits are then cut by their exact times. Comments on blog posts come too: callers keep
        /// those whose page they pair.
        /// </summary>
        public async Task<IReadOnlyList<SiteComment>> ListSpaceAsync(string spaceKey, DateTimeOffset? modifiedSince, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(spaceKey)) throw new ArgumentException("A space key is required.", nameof(spaceKey));
            var cql = "type = comment and space = " + CqlTime.Quote(spaceKey);
            if (modifiedSince is { } since)
                cql += " and lastmodified >= " + CqlTime.Quote(CqlTime.EarliestLiteral(since));
            var reader = _rest.List(_api("/content/search?cql=" + Uri.EscapeDataString(cql) + "&expand=" + ContentExpand +
                                         "&limit=" + SearchLimit.ToString(CultureInfo.InvariantCulture)), PagingStyle.BaseRelative);
            var byId = new Dictionary<string, SiteComment>(StringComparer.Ordinal);
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var comment = CommentJson.FromContent(reader.Current, null);
                if (modifiedSince is { } cut && comment.Modified < cut) continue;
                // Offset paging can meet a comment twice while others are written: keep its newest version.
                if (!byId.TryGetValue(comment.Id, out var seen) || seen.Version < comment.Version) byId[comment.Id] = comment;
            }

            return new List<SiteComment>(byId.Values);
        }

        /// <summary><c>GET /content/{id}</c> expanded; null on 404 or when the content is not a comment.</summary>
        public async Task<SiteComment?> GetAsync(string commentId, CancellationToken cancellationToken)
        {
            RequireId(commentId, nameof(commentId));
            using var document = await _rest.GetJsonOrNullAsync(_api("/content/" + Uri.EscapeDataString(commentId) + "?expand=" + ContentExpand), cancellationToken)
                .ConfigureAwait(false);
            if (document is null || JsonRead.String(document.RootElement, "type") != "comment") return null;
            return CommentJson.FromContent(document.RootElement, null);
        }

        /// <summary>Data Center and v1 create: <c>POST /content</c> type comment, container = the page, ancestors = the parent comment.</summary>
        public async Task<SiteComment> CreateAsync(string pageId, string? parentCommentId, string storageBody, CancellationToken cancellationToken)
        {
            RequireId(pageId, nameof(pageId));
            var request = new Dictionary<string, object?>
            {
                ["type"] = "comment",
                ["container"] = new Dictionary<string, object?> { ["id"] = pageId, ["type"] = "page" },
                ["body"] = StorageBody(storageBody),
            };
            if (parentCommentId != null)
                request["ancestors"] = new[] { new Dictionary<string, object?> { ["id"] = parentCommentId } };
            var url = _api("/content?expand=" + ContentExpand);
            return await WriteAsync(HttpMethod.Post, url, request, pageId, cancellationToken).ConfigureAwait(false);
        }

        /// <summary><c>PUT /content/{id}</c> with version = planned + 1; a stale plan answers 409 (SiteException Conflict).</summary>
        public async Task<SiteComment> UpdateAsync(string commentId, int plannedVersion, string storageBody, CancellationToken cancellationToken)
        {
            RequireId(commentId, nameof(commentId));
            var request = new Dictionary<string, object?>
            {
                ["id"] = commentId,
                ["type"] = "comment",
                ["version"] = new Dictionary<string, object?> { ["number"] = plannedVersion + 1 },
                ["body"] = StorageBody(storageBody),
            };
            var url = _api("/content/" + Uri.EscapeDataString(commentId) + "?expand=" + ContentExpand);
            return await WriteAsync(HttpMethod.Put, url, request, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary><c>DELETE /content/{id}</c>: comments are not trashed, they go for good (with their replies). A comment already gone is the goal reached.</summary>
        public async Task DeleteAsync(string commentId, CancellationToken cancellationToken)
        {
            RequireId(commentId, nameof(commentId));
            try
            {
                using (await _rest.SendJsonAsync(HttpMethod.Delete, _api("/content/" + Uri.EscapeDataString(commentId)), null, cancellationToken).ConfigureAwait(false)) { }
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                // already deleted (by someone, or with the comment it answered)
            }
        }

        private async Task<SiteComment> WriteAsync(HttpMethod method, Uri url, object request, string? pageId, CancellationToken cancellationToken)
        {
            using var document = await _rest.SendJsonAsync(method, url, JsonSerializer.Serialize(request), cancellationToken).ConfigureAwait(false);
            if (document is null)
                throw new SiteException(SiteErrorKind.UnexpectedResponse,
                    $"{method.Method} {url.AbsolutePath} on the {_rest.Kind} site answered without the comment.", method.Method, url.AbsolutePath);
            return CommentJson.FromContent(document.RootElement, pageId);
        }

        internal static Dictionary<string, object?> StorageBody(string storageBody) => new Dictionary<string, object?>
        {
            ["storage"] = new Dictionary<string, object?>
            {
                ["representation"] = "storage",
                ["value"] = storageBody ?? throw new ArgumentNullException(nameof(storageBody)),
            },
        };

        internal static void RequireId(string id, string name)
        {
            if (string.IsNullOrEmpty(id)) throw new ArgumentException("An id is required.", name);
        }
    }

    /// <summary>Reads each product's comment JSON into <see cref="SiteComment"/>.</summary>
    internal static class CommentJson
    {
        /// <summary>Classic Content of type comment (Data Center, Cloud v1), expanded as <see cref="CommentRequests.ContentExpand"/>.</summary>
        public static SiteComment FromContent(JsonElement content, string? pageId)
        {
            var version = JsonRead.Object(content, "version");
            var history = JsonRead.Object(content, "history");
            var createdBy = history is null ? null : JsonRead.Object(history.Value, "createdBy");
            var container = JsonRead.Object(content, "container");
            var ancestors = JsonRead.Array(content, "ancestors");
            string? parent = null;
            if (ancestors != null)
            {
                // Root first; the page itself is the container, so the last comment among the ancestors is the one answered.
                foreach (var ancestor in ancestors.Value.EnumerateArray())
                {
                    var type = JsonRead.String(ancestor, "type");
                    if (type is null || type == "comment") parent = JsonRead.String(ancestor, "id");
                }
            }

            var body = JsonRead.Object(content, "body");
            var storage = body is null ? null : JsonRead.Object(body.Value, "storage");
            var extensions = JsonRead.Object(content, "extensions");
            var location = extensions is null ? null : JsonRead.String(extensions.Value, "location");
            if (location is null && extensions is { } ext && JsonRead.Object(ext, "inlineProperties") is not null) location = "inline";
            return new SiteComment
            {
                Location = location,
                Id = JsonRead.String(content, "id") ?? throw NoId("Data Center or v1"),
                PageId = (container is null ? null : JsonRead.String(container.Value, "id")) ?? pageId ?? "",
                ParentCommentId = parent,
                Version = Number(version),
                Body = storage is null ? null : JsonRead.String(storage.Value, "value") ?? "",
                AuthorId = createdBy is null ? null : JsonRead.String(createdBy.Value, "userKey") ?? JsonRead.String(createdBy.Value, "accountId"),
                AuthorName = createdBy is null ? null : JsonRead.String(createdBy.Value, "displayName"),
                Created = Time(history is null ? null : JsonRead.String(history.Value, "createdDate")),
                Modified = Time(version is null ? null : JsonRead.String(version.Value, "when")),
            };
        }

        /// <summary>Cloud v2 FooterComment (pageId, parentCommentId, version{number,authorId,createdAt}, body.storage): a footer comment.</summary>
        public static SiteComment FromCloudV2(JsonElement comment, string? pageId)
        {
            var version = JsonRead.Object(comment, "version");
            var body = JsonRead.Object(comment, "body");
            var storage = body is null ? null : JsonRead.Object(body.Value, "storage");
            return new SiteComment
            {
                Location = SiteComment.FooterLocation, // read through the footer-comment operations only
                Id = JsonRead.String(comment, "id") ?? throw NoId("Cloud v2"),
                PageId = JsonRead.String(comment, "pageId") ?? JsonRead.String(comment, "blogPostId") ?? pageId ?? "",
                ParentCommentId = JsonRead.String(comment, "parentCommentId"),
                Version = Number(version),
                Body = storage is null ? null : JsonRead.String(storage.Value, "value") ?? "",
                // v2 names the author of each version only; a comment's first version is its creation.
                AuthorId = version is null ? null : JsonRead.String(version.Value, "authorId"),
                Modified = Time(version is null ? null : JsonRead.String(version.Value, "createdAt")),
                Created = DateTimeOffset.MinValue,
            };
        }

        private static SiteException NoId(string api) =>
            new SiteException(SiteErrorKind.UnexpectedResponse, $"A comment in the {api} answer has no id: the answer is not Confluence's comment shape.", "GET", "");

        private static int Number(JsonElement? version)
        {
            if (version is null || !version.Value.TryGetProperty("number", out var value)) return 0;
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
                : value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number) ? number
                : 0;
        }

        private static DateTimeOffset Time(string? text) =>
            text != null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : DateTimeOffset.MinValue;
    }
}
