using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>How a side was read for a run.</summary>
    public enum ListingMode
    {
        /// <summary>Every page with its body (the baseline; a run with many changes).</summary>
        Full,
        /// <summary>Every page without bodies; bodies fetched only for pages whose version moved (catches trashes, purges, moves).</summary>
        Structural,
        /// <summary>Only pages changed since the last run (and pages left unsettled then): the cheap everyday run.</summary>
        Changes,
    }

    /// <summary>A page's version and base hash as last synced on one side: a page still at that version needs no body.</summary>
    public readonly struct KnownVersion
    {
        public KnownVersion(int version, string baseHash)
        {
            Version = version;
            BaseHash = baseHash;
        }

        public int Version { get; }
        public string BaseHash { get; }
    }

    /// <summary>
    /// One side of a space as read for a run: the planner's snapshot, plus raw storage bodies by page id, which the
    /// executor writes to the other side. A full read holds every body; the other modes hold only the bodies of
    /// pages that changed and load any other one on demand (<see cref="LoadBodyAsync"/>).
    /// </summary>
    public sealed class SideSnapshot
    {
        private readonly BodyStore _bodies;
        private readonly IConfluenceSite? _site;

        public SideSnapshot(SyncSide side, SiteSpace space, SpaceSnapshot snapshot, IReadOnlyDictionary<string, string> bodies)
            : this(side, space, snapshot, bodies, null, ListingMode.Full, null)
        {
        }

        public SideSnapshot(SyncSide side, SiteSpace space, SpaceSnapshot snapshot, IReadOnlyDictionary<string, string> bodies,
            IConfluenceSite? site, ListingMode mode, DateTimeOffset? highWaterMark)
        {
            Side = side;
            Space = space;
            Snapshot = snapshot;
            if (bodies is BodyStore store)
            {
                _bodies = store.Copy(); // compact stays compact
            }
            else
            {
                _bodies = new BodyStore(compact: false);
                foreach (var body in bodies) _bodies.Set(body.Key, body.Value);
            }
            _site = site;
            Mode = mode;
            HighWaterMark = highWaterMark;
        }

        public SyncSide Side { get; }
        public SiteSpace Space { get; }
        public SpaceSnapshot Snapshot { get; }
        public ListingMode Mode { get; }

        /// <summary>The newest modification time the read saw (the site's clock); the next change query starts there.</summary>
        public DateTimeOffset? HighWaterMark { get; }

        /// <summary>Raw storage bodies read so far, by page id, as the site sent them.</summary>
        public IReadOnlyDictionary<string, string> Bodies => _bodies;

        /// <summary>A body already read; a page whose body was not read throws (use <see cref="LoadBodyAsync"/>).</summary>
        public string BodyOf(string pageId) =>
            _bodies.TryGetValue(pageId, out var body) ? body : throw new KeyNotFoundException($"The body of {Side.Label()} page {pageId} was not read.");

        public bool TryGetBody(string pageId, out string body) => _bodies.TryGetValue(pageId, out body!);

        /// <summary>Keeps a body read later in the run (at the version the snapshot has), so <see cref="LoadBodyAsync"/> need not fetch it.</summary>
        public void KeepBody(string pageId, string body)
        {
            if (pageId is null) throw new ArgumentNullException(nameof(pageId));
            _bodies.Set(pageId, body ?? throw new ArgumentNullException(nameof(body)));
        }

        /// <summary>The page's body: as read, or fetched now (one request) and kept.</summary>
        public async Task<string> LoadBodyAsync(string pageId, CancellationToken cancellationToken)
        {
            if (_bodies.TryGetValue(pageId, out var body)) return body;
            if (_site is null) throw new KeyNotFoundException($"Page {pageId} was not in the {Side.Label()} listing.");
            var page = await _site.GetPageAsync(pageId, cancellationToken).ConfigureAwait(false)
                ?? throw new SiteException(SiteErrorKind.NotFound,
                    $"The {Side.Label()} page {pageId} is gone (or no longer visible to the account).", "GET", "page " + pageId);
            body = page.Body ?? "";
            _bodies.Set(pageId, body);
            return body;
        }
    }

    public static partial class SnapshotReader
    {
        /// <summary>Prefix of the hash of a body the storage parser refused: such a body equals only the same raw text.</summary>
        public const string UnparsedHashPrefix = "raw:";

        /// <summary>Lists every page of the space (current, archived and trashed) with bodies.</summary>
        public static async Task<SideSnapshot> ReadAsync(IConfluenceSite site, SiteSpace space, SyncSide side, EngineLog log,
            CancellationToken cancellationToken, IBodyTranslator? translator = null)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (space is null) throw new ArgumentNullException(nameof(space));
            log ??= EngineLog.None;
            var pages = new List<PageSnapshot>();
            var bodies = new Dictionary<string, string>(StringComparer.Ordinal);
            DateTimeOffset? mark = null;
            var reader = site.ListPages(space, withBodies: true, includeTrashed: true);
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var page = reader.Current;
                if (!TryStatus(page, side, log, out var status)) continue;
                var body = page.Body ?? "";
                bodies[page.Id] = body;
                pages.Add(Snapshot(page, status, await CanonicalHashAsync(body, side, page.Id, translator, log, cancellationToken).ConfigureAwait(false), body));
                mark = Later(mark, page.Version.When);
            }

            // Every page changed before the site answered is in the listing: the next change query may start there.
            if (reader.FirstAnswerDate is { } answered) mark = Later(mark, answered);
            var (resolved, containers) = await ResolveContainersAsync(site, side, pages, null, log, cancellationToken).ConfigureAwait(false);
            return new SideSnapshot(side, space, new SpaceSnapshot(side, resolved, isComplete: true, containers), bodies, site, ListingMode.Full, mark);
        }

        /// <summary>
        /// The baseline's listing: every page (current, archived and trashed) with titles, parents and versions but no bodies
        /// and no hashes (a listing page holds 1,000 pages on Data Center's scan instead of 100 with bodies, and a fraction of
        /// the bytes). Pairing needs no body; the bodies of the pairs are read after, a batch at a time
        /// (<see cref="ReadBodiesAsync"/>), so a whole space's bodies are never held. The snapshot keeps what
        /// <see cref="SideSnapshot.KeepBody"/> is given deflated: a baseline keeps only the few bodies its writes need.
        /// </summary>
        internal static async Task<SideSnapshot> ReadListingAsync(IConfluenceSite site, SiteSpace space, SyncSide side, EngineLog log,
            CancellationToken cancellationToken)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (space is null) throw new ArgumentNullException(nameof(space));
            log ??= EngineLog.None;
            var pages = new List<PageSnapshot>();
            DateTimeOffset? mark = null;
            var reader = site.ListPages(space, withBodies: false, includeTrashed: true);
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var page = reader.Current;
                if (!TryStatus(page, side, log, out var status)) continue;
                pages.Add(Snapshot(page, status, ""));
                mark = Later(mark, page.Version.When);
            }

            if (reader.FirstAnswerDate is { } answered) mark = Later(mark, answered);
            var (resolved, containers) = await ResolveContainersAsync(site, side, pages, null, log, cancellationToken).ConfigureAwait(false);
            return new SideSnapshot(side, space, new SpaceSnapshot(side, resolved, isComplete: true, containers), new BodyStore(compact: true), site,
                ListingMode.Full, mark);
        }

        /// <summary>
        /// The bodies of listed pages, read by id in batches (<see cref="IConfluenceSite.ReadPageBodiesAsync"/>: Data Center CQL
        /// 50 a request, Cloud v2 250), each with the version it was read at. Data Center's search answers from its index,
        /// which trails the site: a page the batch brings at a version below the one listed is read again by its own GET
        /// (never stale), as is one the batch missed. A page gone since it was listed (purged, or hidden from the account)
        /// throws <see cref="SiteException"/> NotFound: a baseline does not pair a page it cannot read.
        /// </summary>
        /// <param name="listed">The pages to read, by id, with the version the listing gave.</param>
        internal static async Task<IReadOnlyDictionary<string, SitePage>> ReadBodiesAsync(IConfluenceSite site, SyncSide side,
            IReadOnlyDictionary<string, int> listed, CancellationToken cancellationToken)
        {
            var result = new Dictionary<string, SitePage>(StringComparer.Ordinal);
            if (listed.Count == 0) return result;
            var read = await site.ReadPageBodiesAsync(listed.Keys.ToList(), cancellationToken).ConfigureAwait(false);
            foreach (var entry in listed)
            {
                if (read.TryGetValue(entry.Key, out var page) && page.Body != null && page.Version.Number >= entry.Value)
                {
                    result[entry.Key] = page;
                    continue;
                }

                var alone = await site.GetPageAsync(entry.Key, cancellationToken).ConfigureAwait(false);
                result[entry.Key] = alone is { Body: not null } ? alone : throw new SiteException(SiteErrorKind.NotFound,
                    $"The {side.Label()} page {entry.Key} is gone (or no longer visible to the account) since it was listed; run the baseline again.",
                    "GET", "page " + entry.Key);
            }

            return result;
        }

        /// <summary>
        /// The structural listing: every page without bodies. A page still at the version last synced is unchanged
        /// (its hash is the base's). The others' bodies come from a change query since <paramref name="since"/> when
        /// there is a mark (one request brings many), then one request each — unless so many remain that the listing
        /// with bodies costs fewer requests, which is then read instead.
        /// </summary>
        public static async Task<SideSnapshot> ReadStructuralAsync(IConfluenceSite site, SiteSpace space, SyncSide side,
            IReadOnlyDictionary<string, KnownVersion> known, DateTimeOffset? since, TimeSpan overlap, EngineLog log,
            CancellationToken cancellationToken, IBodyTranslator? translator = null)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (space is null) throw new ArgumentNullException(nameof(space));
            if (known is null) throw new ArgumentNullException(nameof(known));
            log ??= EngineLog.None;
            var listed = new List<(SitePage Page, PageStatus Status)>();
            var reader = site.ListPages(space, withBodies: false, includeTrashed: true);
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var page = reader.Current;
                if (TryStatus(page, side, log, out var status)) listed.Add((page, status));
            }

            var answeredAt = reader.FirstAnswerDate;
            var moved = listed.Where(l => NeedsBody(l.Page, l.Status, known)).Select(l => l.Page.Id).ToList();
            var movedIds = new HashSet<string>(moved, StringComparer.Ordinal);
            var bodies = new Dictionary<string, (SitePage Page, PageStatus Status, string Body)>(StringComparer.Ordinal);
            DateTimeOffset? mark = null;
            if (moved.Count > 1 && since is { } from)
            {
                var changes = await site.GetChangedPagesAsync(space, from, overlap, withBodies: true, cancellationToken).ConfigureAwait(false);
                var listedVersions = listed.ToDictionary(l => l.Page.Id, l => l.Page.Version.Number, StringComparer.Ordinal);
                foreach (var hit in changes.Pages)
                {
                    if (hit.Body != null && movedIds.Contains(hit.Id) && listedVersions[hit.Id] == hit.Version.Number)
                        bodies[hit.Id] = (hit, PageStatus.Current, hit.Body);
                }

                mark = changes.HighWaterMark;
            }

            var remaining = moved.Where(id => !bodies.ContainsKey(id)).ToList();
            if (remaining.Count > BodyFetchLimit(listed.Count))
            {
                log.Debug("{Side}: {Count} of {Pages} pages changed; reading the listing with bodies instead of one request each",
                    side.Label(), remaining.Count, listed.Count);
                return await ReadAsync(site, space, side, log, cancellationToken, translator).ConfigureAwait(false);
            }

            foreach (var fetched in await FetchBodiesAsync(site, side, remaining, log, cancellationToken).ConfigureAwait(false))
            {
                bodies[fetched.Key] = fetched.Value;
            }

            var pages = new List<PageSnapshot>(listed.Count);
            foreach (var (page, status) in listed)
            {
                mark = Later(mark, page.Version.When);
                if (bodies.TryGetValue(page.Id, out var fetched))
                {
                    var (fresh, freshStatus, body) = fetched;
                    pages.Add(Snapshot(fresh, freshStatus, await CanonicalHashAsync(body, side, page.Id, translator, log, cancellationToken).ConfigureAwait(false), body));
                }
                else if (known.TryGetValue(page.Id, out var k) && k.Version == page.Version.Number)
                {
                    pages.Add(Snapshot(page, status, k.BaseHash));
                }
                else if (!movedIds.Contains(page.Id))
                {
                    // An unpaired trashed page: nothing will be written from it, so its body is not needed.
                    pages.Add(Snapshot(page, status, ""));
                }
                // else: listed, then gone before its body could be read: left out, as a listing a moment later would.
            }

            if (answeredAt is { } answered) mark = Later(mark, answered);
            var (resolved, containers) = await ResolveContainersAsync(site, side, pages, null, log, cancellationToken).ConfigureAwait(false);
            return new SideSnapshot(side, space, new SpaceSnapshot(side, resolved, isComplete: true, containers),
                bodies.ToDictionary(b => b.Key, b => b.Value.Body, StringComparer.Ordinal), site, ListingMode.Structural, mark);
        }

        /// <summary>
        /// The change query: pages modified since <paramref name="since"/> (minus <paramref name="overlap"/>, the site's
        /// search lag), the space's trash (trashing makes no version), and <paramref name="alsoRead"/> (pages left
        /// unsettled by the last run, whose change lies before the mark, or edited during this run: read by id whatever
        /// the search says), with bodies for those whose version moved (changed pages bring theirs in the query's
        /// answer; the others cost a request each). Hits at or below the version last synced change nothing. An incomplete
        /// snapshot: a page not in it is unchanged; a page purged since the last structural listing is not seen.
        /// Returns null when so many pages changed that a full read costs fewer requests: the caller reads in full.
        /// <paramref name="knownContainers"/>: Cloud folders known from earlier runs, read again only by complete listings.
        /// <paramref name="seenHashes"/>: unsettled pages' versions and the hashes a run computed for them under this run's
        /// translation inputs; a page read at that version takes that hash instead of being hashed again.
        /// <paramref name="unsettledSearch"/>: reads the unsettled pages at the version last hashed through one search a side
        /// with their labels and restrictions, not a GET each (<see cref="UnsettledSearch"/>).
        /// <paramref name="bodiesInListing"/>: false lists without bodies and reads the changed hits' bodies in batches (a
        /// window full of pages at their recorded version, right after a run that wrote, then costs fewer listing pages).
        /// </summary>
        public static async Task<SideSnapshot?> ReadChangesAsync(IConfluenceSite site, SiteSpace space, SyncSide side,
            IReadOnlyDictionary<string, KnownVersion> known, ICollection<string> recordedTrashed, DateTimeOffset since, TimeSpan overlap,
            IEnumerable<string> alsoRead, EngineLog log, CancellationToken cancellationToken, IBodyTranslator? translator = null,
            IReadOnlyDictionary<string, ContainerSnapshot>? knownContainers = null, bool bodiesInListing = true,
            IReadOnlyCollection<string>? touchedWithoutVersion = null, IReadOnlyDictionary<string, KnownVersion>? seenHashes = null,
            UnsettledSearch? unsettledSearch = null)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (space is null) throw new ArgumentNullException(nameof(space));
            if (known is null) throw new ArgumentNullException(nameof(known));
            log ??= EngineLog.None;
            // Right after a run that wrote, most hits of the window are the pages it wrote or read, at their recorded version
            // (no body needed): listed without bodies a listing page holds four (Data Center) or two and a half (Cloud) times
            // as many hits, and the changed ones' bodies are read after, in batches. Otherwise the few changes bring their
            // bodies in the query's answer, which saves that batch.
            var changes = await site.GetChangedPagesAsync(space, since, overlap, withBodies: bodiesInListing, cancellationToken,
                touchedWithoutVersion).ConfigureAwait(false);
            var trash = new List<SitePage>();
            var trashReader = site.ListTrash(space);
            while (await trashReader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                if (trashReader.Current.Status == SitePageStatus.Trashed) trash.Add(trashReader.Current);
            }

            var toRead = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var changedHits = new List<SitePage>();
            var metAgain = new Dictionary<string, SitePage>(StringComparer.Ordinal);
            var readById = new HashSet<string>(alsoRead ?? Enumerable.Empty<string>(), StringComparer.Ordinal);
            foreach (var page in changes.Pages)
            {
                // The search answers from its index, which trails the site: a hit may show a page as it was before a
                // trash (the trash listing below tells), or at a version since overtaken; at or below the version last
                // synced it says nothing new — the overlap meeting the last run's own writes again, or an index that has
                // not caught up with them yet. Such a hit settles nothing: the trash listing and the reads below still see
                // the page as it is. Pages to read by id (unsettled, or edited during this run) are read so whatever the
                // search says: their next write must meet the version they are at.
                if (page.Status != SitePageStatus.Current && page.Status != SitePageStatus.Archived) continue;
                if (readById.Contains(page.Id)) continue;
                if (known.TryGetValue(page.Id, out var k) && page.Version.Number <= k.Version)
                {
                    if (page.Version.Number == k.Version) metAgain[page.Id] = page;
                    continue;
                }

                if (seen.Add(page.Id)) changedHits.Add(page);
            }

            var listedTrash = new List<SitePage>();
            foreach (var page in trash)
            {
                // Edited, then trashed: the edit needs its body (an edit beats a trash on the other side).
                if (!seen.Add(page.Id)) continue;
                if (NeedsBody(page, PageStatus.Trashed, known)) toRead.Add(page.Id);
                else if (known.ContainsKey(page.Id)) listedTrash.Add(page);
            }

            // Restoring makes no version either: a page the state has in the trash that left it was restored (or purged).
            foreach (var id in recordedTrashed ?? Array.Empty<string>())
            {
                if (seen.Add(id)) toRead.Add(id);
            }

            var unsettled = new List<string>();
            foreach (var id in alsoRead ?? Enumerable.Empty<string>())
            {
                if (seen.Add(id))
                {
                    toRead.Add(id);
                    unsettled.Add(id);
                }
            }

            // Unsettled pages at the version last hashed: one search a side brings them with their labels and restrictions
            // (issue 14), before the cost check, so that they count as the GETs they still need.
            var fromSearch = unsettledSearch is null || seenHashes is null ? new List<PageSnapshot>()
                : await ReadUnsettledThroughSearchAsync(site, space, unsettled, seenHashes, unsettledSearch, toRead, cancellationToken)
                    .ConfigureAwait(false);

            if (toRead.Count + BatchRequests(changedHits.Count(h => h.Body is null)) > BodyFetchLimit(known.Count))
            {
                log.Debug("{Side}: {Count} pages changed since {Since:u}; reading the space in full", side.Label(), toRead.Count + changedHits.Count, since);
                return null;
            }

            var bodies = await FetchBodiesAsync(site, side, toRead, log, cancellationToken).ConfigureAwait(false);
            foreach (var hit in await ReadHitBodiesAsync(site, side, changedHits, log, cancellationToken).ConfigureAwait(false))
            {
                bodies[hit.Key] = hit.Value;
            }
            var pages = new List<PageSnapshot>();
            foreach (var page in metAgain.Values)
            {
                // Our own last write, met again in the overlap, and read no other way.
                if (!seen.Contains(page.Id)) pages.Add(Snapshot(page, PageStatus.Current, known[page.Id].BaseHash));
            }

            foreach (var page in listedTrash)
            {
                pages.Add(Snapshot(page, PageStatus.Trashed, known[page.Id].BaseHash));
            }

            pages.AddRange(fromSearch);

            foreach (var (page, status, body) in bodies.Values)
            {
                // An unsettled page read again at the version a run hashed under the same inputs: that hash (hashing it again
                // would cross it through the translator, whose user map costs both sites' user listings).
                var hash = seenHashes != null && seenHashes.TryGetValue(page.Id, out var last) && last.Version == page.Version.Number
                    ? last.BaseHash
                    : await CanonicalHashAsync(body, side, page.Id, translator, log, cancellationToken).ConfigureAwait(false);
                pages.Add(Snapshot(page, status, hash, body));
            }

            var (resolved, containers) = await ResolveContainersAsync(site, side, pages, knownContainers, log, cancellationToken).ConfigureAwait(false);
            return new SideSnapshot(side, space, new SpaceSnapshot(side, resolved, isComplete: false, containers),
                bodies.ToDictionary(b => b.Key, b => b.Value.Body, StringComparer.Ordinal), site, ListingMode.Changes, changes.HighWaterMark);
        }

        /// <summary>
        /// Above this many single-page reads, the listing with bodies (about one request per 100 pages on Data Center,
        /// 250 on Cloud) costs fewer requests.
        /// </summary>
        internal static int BodyFetchLimit(int pagesInSpace) => Math.Max(10, pagesInSpace / 100 + 1);

        /// <summary>Requests <see cref="ReadHitBodiesAsync"/> costs for this many hits: batches of 50, a single one by its GET.</summary>
        private static int BatchRequests(int hits) => hits < 2 ? hits : (hits + BodyBatch - 1) / BodyBatch;

        /// <summary>The bodies <see cref="IConfluenceSite.ReadPageBodiesAsync"/> brings a request at least (Data Center's CQL cap with bodies; Cloud takes 250).</summary>
        private const int BodyBatch = 50;

        /// <summary>
        /// The bodies of change-query hits, read in batches (<see cref="IConfluenceSite.ReadPageBodiesAsync"/>) and kept only
        /// at the version the hit has: the hit's title, parent and version stay the snapshot's (the batch brings no
        /// ancestors), so a body of another version would not match them. Those, a single hit, and everything when the
        /// batch read fails, are read by their own GET (page and body together, never stale).
        /// </summary>
        private static async Task<Dictionary<string, (SitePage Page, PageStatus Status, string Body)>> ReadHitBodiesAsync(
            IConfluenceSite site, SyncSide side, IReadOnlyList<SitePage> hits, EngineLog log, CancellationToken cancellationToken)
        {
            var result = new Dictionary<string, (SitePage, PageStatus, string)>(StringComparer.Ordinal);
            foreach (var hit in hits)
            {
                if (hit.Body != null) result[hit.Id] = (hit, PageStatus.Current, hit.Body); // it came with the listing
            }

            var bodiless = hits.Where(h => h.Body is null).ToList();
            var alone = new List<string>();
            IReadOnlyDictionary<string, SitePage> read = new Dictionary<string, SitePage>();
            if (bodiless.Count >= 2)
            {
                try
                {
                    read = await site.ReadPageBodiesAsync(bodiless.Select(h => h.Id).ToList(), cancellationToken).ConfigureAwait(false);
                }
                catch (SiteException e) when (e.Kind != SiteErrorKind.Unauthorized)
                {
                    log.Debug("{Side}: reading {Count} changed bodies in one go failed ({Message}); each is read alone", side.Label(), bodiless.Count, e.Message);
                }
            }

            foreach (var hit in bodiless)
            {
                if (read.TryGetValue(hit.Id, out var page) && page.Body != null && page.Version.Number == hit.Version.Number)
                    result[hit.Id] = (hit, PageStatus.Current, page.Body);
                else alone.Add(hit.Id);
            }

            foreach (var fetched in await FetchBodiesAsync(site, side, alone, log, cancellationToken).ConfigureAwait(false))
            {
                result[fetched.Key] = fetched.Value;
            }

            return result;
        }

        private static bool NeedsBody(SitePage page, PageStatus status, IReadOnlyDictionary<string, KnownVersion> known) =>
            known.TryGetValue(page.Id, out var k) ? k.Version != page.Version.Number : status == PageStatus.Current;

        private static async Task<Dictionary<string, (SitePage Page, PageStatus Status, string Body)>> FetchBodiesAsync(
            IConfluenceSite site, SyncSide side, IReadOnlyList<string> ids, EngineLog log, CancellationToken cancellationToken)
        {
            var result = new Dictionary<string, (SitePage, PageStatus, string)>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                var page = await site.GetPageAsync(id, cancellationToken).ConfigureAwait(false);
                if (page is null)
                {
                    log.Debug("{Side} page {PageId} is gone (or not visible) since it was listed", side.Label(), id);
                    continue;
                }

                if (TryStatus(page, side, log, out var status)) result[id] = (page, status, page.Body ?? "");
            }

            return result;
        }

        private static bool TryStatus(SitePage page, SyncSide side, EngineLog log, out PageStatus status)
        {
            switch (page.Status)
            {
                case SitePageStatus.Current:
                case SitePageStatus.Archived: // archived pages still exist and keep their place in the tree
                    status = PageStatus.Current;
                    return true;
                case SitePageStatus.Trashed:
                    status = PageStatus.Trashed;
                    return true;
                default:
                    log.Debug("Skipping {Side} page {PageId} with status {Status}", side.Label(), page.Id, page.RawStatus);
                    status = default;
                    return false;
            }
        }

        /// <param name="body">The body read with the page (null: not read, the hash is the base's): one the parser refuses makes the page Unreadable.</param>
        private static PageSnapshot Snapshot(SitePage page, PageStatus status, string bodyHash, string? body = null) => new PageSnapshot
        {
            Unreadable = UnreadableOf(bodyHash, body),
            Id = page.Id,
            Title = page.Title,
            ParentId = page.ParentId, // a folder's id until ResolveContainersAsync puts the page below the nearest page
            Container = page.HasNonPageParent ? new SiteParent(page.ParentId!, page.ParentType!) : null,
            Version = page.Version.Number,
            Modified = page.Version.When,
            Status = status,
            Archived = page.Status == SitePageStatus.Archived,
            BodyHash = bodyHash,
        };

        /// <summary>A page read unhashed (<c>hashBodies: false</c>) with its hash filled in, and Unreadable when the parser refused it.</summary>
        internal static PageSnapshot Hashed(PageSnapshot page, string bodyHash, string body) =>
            page with { BodyHash = bodyHash, Unreadable = UnreadableOf(bodyHash, body) };

        private static string? UnreadableOf(string bodyHash, string? body) =>
            body != null && bodyHash.StartsWith(UnparsedHashPrefix, StringComparison.Ordinal) ? ParseProblemOf(body) : null;

        private static DateTimeOffset? Later(DateTimeOffset? mark, DateTimeOffset when) => mark is null || when > mark ? when : mark;

        /// <summary>
        /// The normalized body's hash; a body the parser refuses is hashed raw (with a distinct prefix, so it never equals a
        /// parsed body) and logged. Such a page is Unreadable (<see cref="PageSnapshot.Unreadable"/>): never written anywhere.
        /// </summary>
        public static string HashOf(string body, SyncSide side, string pageId, EngineLog log)
        {
            try
            {
                return ContentHash.OfBody(body);
            }
            catch (StorageFormatException e)
            {
                (log ?? EngineLog.None).Warning("The {Side} page {PageId} has a body that does not parse ({Reason}); it is not synced until it is fixed on its site",
                    side.Label(), pageId, e.Message);
                return UnparsedHashPrefix + ContentHash.Of(body);
            }
        }

        /// <summary>What the storage parser says is wrong with <paramref name="body"/> (where and what, bounded); null when it parses.</summary>
        public static string? ParseProblemOf(string body)
        {
            try
            {
                StorageDocument.Parse(body);
                return null;
            }
            catch (StorageFormatException e)
            {
                return e.Message;
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
