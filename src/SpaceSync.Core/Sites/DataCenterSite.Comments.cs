using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Footer comments on Data Center: comments are content of type comment under /rest/api/content.
    public sealed partial class DataCenterSite
    {
        private CommentRequests? _comments;

        internal CommentRequests Comments => _comments ??= new CommentRequests(_rest, Api);

        /// <summary>
        /// <c>GET /rest/api/content/{id}/child/comment?depth=all&amp;location=footer</c> with bodies, authors and parents:
        /// ceil(comments / 100) requests. Null when the page is not there.
        /// </summary>
        public async Task<IReadOnlyList<SiteComment>?> ListPageCommentsAsync(string pageId, CancellationToken cancellationToken)
        {
            CommentRequests.RequireId(pageId, nameof(pageId));
            var reader = List("/content/" + Uri.EscapeDataString(pageId) + "/child/comment?depth=all&location=footer&expand=" + CommentRequests.ContentExpand +
                              "&limit=100");
            var all = new List<SiteComment>();
            try
            {
                while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    // location=footer asks for footer comments only; a server that ignored it must not slip inline ones in.
                    var comment = CommentJson.FromContent(reader.Current, pageId);
                    if (comment.IsFooter) all.Add(comment);
                }
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                return null;
            }

            return all;
        }

        /// <summary><c>GET /rest/api/content/search?cql=type = comment and space = KEY [...]</c>: ceil(comments / 50) requests.</summary>
        public Task<IReadOnlyList<SiteComment>> ListSpaceCommentsAsync(string spaceKey, DateTimeOffset? modifiedSince, CancellationToken cancellationToken) =>
            Comments.ListSpaceAsync(spaceKey, modifiedSince, cancellationToken);

        /// <summary><c>GET /rest/api/content/{id}?expand=...</c>: one request; null on 404 (or when the id is not a comment).</summary>
        public Task<SiteComment?> GetCommentAsync(string commentId, CancellationToken cancellationToken) =>
            Comments.GetAsync(commentId, cancellationToken);

        /// <summary><c>POST /rest/api/content</c> type comment with container (the page) and ancestors (the parent comment): one request.</summary>
        public Task<SiteComment> CreateCommentAsync(string pageId, string? parentCommentId, string storageBody, CancellationToken cancellationToken) =>
            Comments.CreateAsync(pageId, parentCommentId, storageBody, cancellationToken);

        /// <summary><c>PUT /rest/api/content/{id}</c> with version = planned + 1; a stale plan answers 409 (SiteException Conflict).</summary>
        public Task<SiteComment> UpdateCommentAsync(string commentId, int plannedVersion, string storageBody, CancellationToken cancellationToken) =>
            Comments.UpdateAsync(commentId, plannedVersion, storageBody, cancellationToken);

        /// <summary><c>DELETE /rest/api/content/{id}</c> (comments are deleted for good). One already gone is the goal reached.</summary>
        public Task DeleteCommentAsync(string commentId, CancellationToken cancellationToken) =>
            Comments.DeleteAsync(commentId, cancellationToken);
    }
}
