namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// The two kinds of content a space's sync keeps in step as separate collections: the page tree, and the space's
    /// blog posts (flat: no parents, no moves; `content.blogposts` turns them on).
    /// </summary>
    public enum ContentKind { Page, BlogPost }

    public static class ContentKinds
    {
        /// <summary>What <c>/rest/api/content</c> and CQL call it.</summary>
        public static string ContentType(this ContentKind kind) => kind == ContentKind.BlogPost ? "blogpost" : "page";

        /// <summary>The Cloud REST v2 collection (<c>/api/v2/pages</c>, <c>/api/v2/blogposts</c>).</summary>
        public static string CloudCollection(this ContentKind kind) => kind == ContentKind.BlogPost ? "blogposts" : "pages";

        /// <summary>For messages: "page", "blog post".</summary>
        public static string Noun(this ContentKind kind) => kind == ContentKind.BlogPost ? "blog post" : "page";
    }
}
