using System.Collections.Generic;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// What one space's sync covers: its page tree, and its blog posts when <c>content.blogposts</c> is on. Each is run,
    /// planned and recorded on its own (blog posts under <c>KEY:blogposts</c>), with the sites' matching view.
    /// </summary>
    public static class SpaceCollections
    {
        /// <summary>
        /// The page tree, then the blog posts if the space syncs them. A space limited to a subtree has no blog posts in
        /// scope: they hang below no page.
        /// </summary>
        public static IEnumerable<ResolvedSpace> Of(ResolvedSpace space)
        {
            yield return space;
            if (space.Collection == ContentKind.Page && space.Content?.Blogposts == true && space.IncludeSubtree is null)
            {
                yield return space.BlogPosts();
            }
        }

        /// <summary>
        /// The site as the collection sees it: the site itself for pages, its blog-post view for blog posts (a view shares
        /// the site's connection; it needs no disposing of its own).
        /// </summary>
        public static IConfluenceSite SiteFor(IConfluenceSite site, ResolvedSpace collection) =>
            collection.Collection == ContentKind.BlogPost ? site.OfBlogPosts() : site;
    }
}
