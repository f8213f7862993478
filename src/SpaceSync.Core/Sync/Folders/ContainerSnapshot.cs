using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// A Cloud folder (or whiteboard, database, embed) that holds pages of a synced space, as read for a run. It is no page:
    /// it has no twin on Data Center and nothing is ever written to it (docs/confluence-behaviours.md §3).
    /// </summary>
    public sealed record ContainerSnapshot
    {
        public string Id { get; init; } = "";
        /// <summary>"folder", "whiteboard", "database" or "embed".</summary>
        public string Type { get; init; } = "";
        public string Title { get; init; } = "";
        /// <summary>Its own parent as the site names it (a page or another container); null at the space's top level.</summary>
        public string? ParentId { get; init; }
        /// <summary>What <see cref="ParentId"/> is ("page", "folder", ...).</summary>
        public string? ParentType { get; init; }
        public int Version { get; init; }
        /// <summary>False when the site would not show it (404: gone, or not visible to the account): where it sits is unknown.</summary>
        public bool Readable { get; init; } = true;
        /// <summary>In the trash (its pages, as listed, no longer name it).</summary>
        public bool Trashed { get; init; }

        public override string ToString() => $"{Type} {Id}" + (Title.Length > 0 ? $" \"{Title}\"" : "");
    }

    /// <summary>
    /// The rule that maps Cloud's tree of pages and folders onto the tree of pages both sites share: a non-page parent is
    /// transparent, so a page in a folder belongs below the nearest page above that folder (or at the top level). Pure.
    /// </summary>
    public static class FolderTree
    {
        /// <summary>Deeper than any real tree: a chain this long is taken for a loop.</summary>
        private const int MaxDepth = 1000;

        /// <summary>
        /// The nearest page above container <paramref name="containerId"/>: walks up through containers until a page (its id)
        /// or the top level (null). Not resolved when a container on the way is missing from <paramref name="containers"/>,
        /// unreadable, or the chain loops.
        /// </summary>
        public static (string? PageParentId, bool Resolved) PageAbove(string containerId, IReadOnlyDictionary<string, ContainerSnapshot> containers)
        {
            if (containerId is null) throw new ArgumentNullException(nameof(containerId));
            if (containers is null) throw new ArgumentNullException(nameof(containers));
            var cursor = containerId;
            for (var depth = 0; depth < MaxDepth; depth++)
            {
                if (!containers.TryGetValue(cursor, out var container) || !container.Readable) return (null, false);
                if (container.ParentId is null) return (null, true);
                if (!Sites.SiteContainer.IsContainerType(container.ParentType)) return (container.ParentId, true);
                cursor = container.ParentId;
            }

            return (null, false);
        }
    }
}
