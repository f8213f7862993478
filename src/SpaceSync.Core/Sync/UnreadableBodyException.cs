using System;
using SpaceSync.Core.Content;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// A page body that does not parse as storage format was about to cross to the other site (or into a merge). It is never
    /// written raw: the one action fails with this message, which names the page (title, id, space, site) and what the
    /// parser found (line, column, what), and the pair keeps its base so the next run carries the page once it is fixed.
    /// </summary>
    public sealed class UnreadableBodyException : Exception
    {
        public UnreadableBodyException(string title, string? pageId, string spaceKey, SyncSide side, SyncSide? target, StorageFormatException problem)
            : base(Describe(title, pageId, spaceKey, side, problem) +
                   (target is SyncSide t ? $" Nothing was written to {t.Label()}" : " Nothing was written") +
                   $"; fix the page on {side.Label()} and the next run carries it.", problem)
        {
            Side = side;
            PageId = pageId;
        }

        /// <summary>The site whose page holds the body.</summary>
        public SyncSide Side { get; }

        public string? PageId { get; }

        /// <summary>"\"Title\" (page 123 in space ENG on Data Center) has a body that is not storage format: ...".</summary>
        public static string Describe(string title, string? pageId, string spaceKey, SyncSide side, StorageFormatException problem) =>
            $"\"{title}\" ({(pageId is null ? "" : "page " + pageId + " ")}in space {spaceKey} on {side.Label()}) has a body that is not storage format: " +
            (problem ?? throw new ArgumentNullException(nameof(problem))).Message + ".";
    }
}
