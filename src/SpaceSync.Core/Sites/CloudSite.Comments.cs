using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    // Footer comments on Cloud: writes and the per-page read through v2 (/footer-comments); the space-wide read
    // (CQL type = comment) through v1 search, which v2 has no counterpart of.
    public sealed partial class CloudSite
    {
        private CommentRequests? _comments;

        internal CommentRequests Comments => _comments ??= new CommentRequests(_rest, V1);

        /// <summary>
        /// v2 <c>GET /pages/{id}/footer-comments</c> (top-level comments, 250 a request) and, for each comment, its replies
        /// through <c>GET /footer-comments/{id}/children</c>: 1 + one request per comment. Null when the page is not there.
        /// v2 names authors by account id only (no display name, no creation date).
        /// </summary>
        public async Task<IReadOnlyList<SiteComment>?> ListPageCommentsAsync(string pageId, CancellationToken cancellationToken)
        {
            var all = new List<SiteComment>();
            var pending = new Queue<SiteComment>();
            try
            {
                foreach (var item in await ListV2("/pages/" + Uri.EscapeDataString(RequirePageId(pageId)) + "/footer-comments?body-format=storage&limit=250")
                             .ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    pending.Enqueue(CommentJson.FromCloudV2(item, pageId));
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                return null;
            }

            while (pending.Count > 0)
            {
                var comment = pending.Dequeue();
                all.Add(comment);
                try
                {
                    foreach (var item in await ListV2("/footer-comments/" + Uri.EscapeDataString(comment.Id) + "/children?body-format=storage&limit=250")
                                 .ReadAllAsync(cancellationToken).ConfigureAwait(false))
                        pending.Enqueue(CommentJson.FromCloudV2(item, pageId) with { ParentCommentId = comment.Id });
                }
                catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
                {
                    // deleted meanwhile: its replies went with it
                }
            }

            return all;
        }

        /// <summary>v1 CQL <c>type = comment and space = KEY [and lastmodified &gt;= ...]</c>: ceil(comments / 50) requests.</summary>
        public Task<IReadOnlyList<SiteComment>> ListSpaceCommentsAsync(string spaceKey, DateTimeOffset? modifiedSince, CancellationToken cancellationToken) =>
            Comments.ListSpaceAsync(spaceKey, modifiedSince, cancellationToken);

        /// <summary>v2 <c>GET /footer-comments/{id}?body-format=storage</c>: one request; null on 404.</summary>
        public async Task<SiteComment?> GetCommentAsync(string commentId, CancellationToken cancellationToken)
        {
            CommentRequests.RequireId(commentId, nameof(commentId));
            using var document = await _rest.GetJsonOrNullAsync(V2("/footer-comments/" + Uri.EscapeDataString(commentId) + "?body-format=storage"), cancellationToken)
                .ConfigureAwait(false);
            return document is null ? null : CommentJson.FromCloudV2(document.RootElement, null);
        }

        /// <summary>v2 <c>POST /footer-comments</c> with pageId (blogPostId on the blog-post view), or parentCommentId for a reply (201): one request.</summary>
        public async Task<SiteComment> CreateCommentAsync(string pageId, string? parentCommentId, string storageBody, CancellationToken cancellationToken)
        {
            var request = new Dictionary<string, object?> { ["body"] = StorageBody(storageBody) };
            if (parentCommentId != null) request["parentCommentId"] = parentCommentId;
            else request[Content == ContentKind.BlogPost ? "blogPostId" : "pageId"] = RequirePageId(pageId); // v2 names the container's kind
            return await WriteCommentAsync(HttpMethod.Post, V2("/footer-comments"), request, pageId, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>v2 <c>PUT /footer-comments/{id}</c> with version = planned + 1; a stale plan answers 409 (SiteException Conflict).</summary>
        public async Task<SiteComment> UpdateCommentAsync(string commentId, int plannedVersion, string storageBody, CancellationToken cancellationToken)
        {
            CommentRequests.RequireId(commentId, nameof(commentId));
            var request = new Dictionary<string, object?>
            {
                ["version"] = new Dictionary<string, object?> { ["number"] = plannedVersion + 1 },
                ["body"] = StorageBody(storageBody),
            };
            return await WriteCommentAsync(HttpMethod.Put, V2("/footer-comments/" + Uri.EscapeDataString(commentId)), request, null, cancellationToken)
                .ConfigureAwait(false);
        }

        /// <summary>v2 <c>DELETE /footer-comments/{id}</c> (204; the comment goes for good). One already gone is the goal reached.</summary>
        public async Task DeleteCommentAsync(string commentId, CancellationToken cancellationToken)
        {
            CommentRequests.RequireId(commentId, nameof(commentId));
            try
            {
                using (await _rest.SendJsonAsync(HttpMethod.Delete, V2("/footer-comments/" + Uri.EscapeDataString(commentId)), null, cancellationToken)
                           .ConfigureAwait(false)) { }
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                // already deleted (by someone, or with the comment it answered)
            }
        }

        private async Task<SiteComment> WriteCommentAsync(HttpMethod method, Uri url, object request, string? pageId, CancellationToken cancellationToken)
        {
            using var document = await _rest.SendJsonAsync(method, url, JsonSerializer.Serialize(request), cancellationToken).ConfigureAwait(false);
            if (document is null)
                throw new SiteException(SiteErrorKind.UnexpectedResponse,
                    $"{method.Method} {url.AbsolutePath} on the Cloud site answered without the comment.", method.Method, url.AbsolutePath);
            return CommentJson.FromCloudV2(document.RootElement, pageId);
        }
    }
}
