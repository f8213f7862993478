using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Sites
{
    /// <summary>A parent as a page names it: the content's id and type ("page", "folder", ...).</summary>
    public sealed record SiteParent(string Id, string Type)
    {
        public override string ToString() => Type + " " + Id;
    }

    /// <summary>
    /// Content that holds pages in Cloud's page tree without being a page: a folder, whiteboard, database or embed
    /// (v2 <c>parentType</c>). Data Center has none. Read with <see cref="IConfluenceSite.GetContainerAsync"/>.
    /// </summary>
    public sealed record SiteContainer
    {
        /// <summary>The parentType of a page parent.</summary>
        public const string PageType = "page";

        /// <summary>The non-page parent types Cloud v2 documents (ParentContentType), each read at <c>/wiki/api/v2/{type}s/{id}</c>.</summary>
        public static IReadOnlyList<string> Types { get; } = new[] { "folder", "whiteboard", "database", "embed" };

        public static bool IsContainerType(string? type) => type != null && Array.IndexOf((string[])Types, type) >= 0;

        public string Id { get; init; } = "";

        /// <summary>"folder", "whiteboard", "database" or "embed".</summary>
        public string Type { get; init; } = "";

        public string Title { get; init; } = "";

        /// <summary>Its own parent (a page or another container); null at the space's top level.</summary>
        public string? ParentId { get; init; }

        /// <summary>What <see cref="ParentId"/> is ("page", "folder", ...); null when there is no parent.</summary>
        public string? ParentType { get; init; }

        public SitePageStatus Status { get; init; }

        public int Version { get; init; }

        public override string ToString() => $"{Type} {Id} \"{Title}\"";
    }
}
