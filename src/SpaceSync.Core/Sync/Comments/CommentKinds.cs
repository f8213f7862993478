using System;
using System.Collections.Generic;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync.Comments
{
    /// <summary>
    /// Footer comments apart from inline ones in a comment listing. CQL <c>type = comment</c> returns both kinds; only footer
    /// comments cross. An inline comment is anchored to text of its page by a marker whose ref belongs to that site's
    /// comment, and neither product lets a client recreate the anchor faithfully (Data Center wants the editor's highlight
    /// data, Cloud picks a new marker of its own), so inline threads stay on their site — and must never come back as
    /// footer comments. A reply belongs to its thread: a comment whose parent (or any ancestor) in the listing is not a
    /// footer comment is not one either, whatever it says of itself.
    /// </summary>
    public static class CommentKinds
    {
        public static (IReadOnlyList<SiteComment> Footer, IReadOnlyList<SiteComment> Inline) Split(IReadOnlyList<SiteComment> listed)
        {
            if (listed is null) throw new ArgumentNullException(nameof(listed));
            var byId = new Dictionary<string, SiteComment>(StringComparer.Ordinal);
            foreach (var comment in listed) byId[comment.Id] = comment;
            var footer = new List<SiteComment>(listed.Count);
            var inline = new List<SiteComment>();
            foreach (var comment in listed)
            {
                if (InFooterThread(comment, byId)) footer.Add(comment);
                else inline.Add(comment);
            }

            return (footer, inline);
        }

        private static bool InFooterThread(SiteComment comment, Dictionary<string, SiteComment> byId)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var c = comment; c != null && seen.Add(c.Id);)
            {
                if (!c.IsFooter) return false;
                c = c.ParentCommentId != null && byId.TryGetValue(c.ParentCommentId, out var parent) ? parent : null;
            }

            return true;
        }
    }
}
