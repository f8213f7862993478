using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// One side of a space read completely: the planner's snapshot plus each page's raw storage body by id,
    /// which the executor writes to the other side. Holds every body in memory (O(space)); streaming bodies
    /// on demand is a later step.
    /// </summary>
    public sealed class SideSnapshot
    {
        public SideSnapshot(SyncSide side, SiteSpace space, SpaceSnapshot snapshot, IReadOnlyDictionary<string, string> bodies)
        {
            Side = side;
            Space = space;
            Snapshot = snapshot;
            Bodies = bodies;
        }

        public SyncSide Side { get; }
        public SiteSpace Space { get; }
        public SpaceSnapshot Snapshot { get; }
        /// <summary>Raw storage bodies by page id, as the site sent them.</summary>
        public IReadOnlyDictionary<string, string> Bodies { get; }

        public string BodyOf(string pageId) =>
            Bodies.TryGetValue(pageId, out var body) ? body : throw new KeyNotFoundException($"Page {pageId} was not in the {Side.Label()} listing.");
    }

    public static class SnapshotReader
    {
        /// <summary>Prefix of the hash of a body the storage parser refused: such a body equals only the same raw text.</summary>
        public const string UnparsedHashPrefix = "raw:";

        /// <summary>Lists every page of the space (current, archived and trashed) with bodies.</summary>
        public static async Task<SideSnapshot> ReadAsync(IConfluenceSite site, SiteSpace space, SyncSide side, EngineLog log,
            CancellationToken cancellationToken)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (space is null) throw new ArgumentNullException(nameof(space));
            log ??= EngineLog.None;
            var pages = new List<PageSnapshot>();
            var bodies = new Dictionary<string, string>(StringComparer.Ordinal);
            var reader = site.ListPages(space, withBodies: true, includeTrashed: true);
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var page = reader.Current;
                PageStatus status;
                switch (page.Status)
                {
                    case SitePageStatus.Current:
                    case SitePageStatus.Archived: // archived pages still exist and keep their place in the tree
                        status = PageStatus.Current;
                        break;
                    case SitePageStatus.Trashed:
                        status = PageStatus.Trashed;
                        break;
                    default:
                        log.Debug("Skipping {Side} page {PageId} with status {Status}", side.Label(), page.Id, page.RawStatus);
                        continue;
                }

                var body = page.Body ?? "";
                bodies[page.Id] = body;
                pages.Add(new PageSnapshot
                {
                    Id = page.Id,
                    Title = page.Title,
                    ParentId = page.ParentId,
                    Version = page.Version.Number,
                    Modified = page.Version.When,
                    Status = status,
                    BodyHash = HashOf(body, side, page.Id, log),
                });
            }

            return new SideSnapshot(side, space, new SpaceSnapshot(side, pages, isComplete: true), bodies);
        }

        /// <summary>The normalized body's hash; a body the parser refuses is hashed raw (with a distinct prefix) and logged.</summary>
        public static string HashOf(string body, SyncSide side, string pageId, EngineLog log)
        {
            try
            {
                return ContentHash.OfBody(body);
            }
            catch (StorageFormatException e)
            {
                (log ?? EngineLog.None).Warning("The {Side} page {PageId} has a body that does not parse ({Reason}); it is compared as raw text",
                    side.Label(), pageId, e.Message);
                return UnparsedHashPrefix + ContentHash.Of(body);
            }
        }

        /// <summary>The normalized form stored as a pair's base; the raw text when the body does not parse.</summary>
        public static string NormalizedOrRaw(string body)
        {
            try
            {
                return ContentNormalizer.Normalize(body);
            }
            catch (StorageFormatException)
            {
                return body;
            }
        }
    }
}
