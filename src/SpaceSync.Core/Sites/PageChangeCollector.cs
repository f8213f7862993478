using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// Gathers change-query hits: a page met more than once (offset paging shifts under concurrent edits, the
    /// overlap window repeats the last minutes) is kept once, at its newest version; hits older than the window
    /// (the literal's minute or time-zone slack) are dropped by their exact timestamps.
    /// </summary>
    internal sealed class PageChangeCollector
    {
        private readonly Dictionary<string, SitePage> _newest = new Dictionary<string, SitePage>(StringComparer.Ordinal);
        private readonly DateTimeOffset _since;
        private readonly DateTimeOffset _windowStart;

        public PageChangeCollector(DateTimeOffset since, TimeSpan overlap)
        {
            if (overlap < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(overlap), "The overlap cannot be negative.");
            _since = since;
            _windowStart = since - overlap;
        }

        public DateTimeOffset WindowStart => _windowStart;

        /// <summary>Whether the page's last change falls inside the window (and was kept).</summary>
        public bool Add(SitePage page)
        {
            if (page.Version.When < _windowStart)
            {
                return false;
            }

            if (!_newest.TryGetValue(page.Id, out var seen) || seen.Version.Number < page.Version.Number)
            {
                _newest[page.Id] = page;
            }

            return true;
        }

        /// <summary>
        /// Reads a change query sorted newest change first until <paramref name="olderRunToStop"/> hits in a row (or a whole
        /// listing page) lie before the window, and returns the result marked with the site's clock when it answered the
        /// first page. One hit older than the window does not end the read: the sort key (CQL lastmodified, v2
        /// modified-date) also moves on changes that make no version (moves, restores, labels, files) while the hit's
        /// version time stays, so such a page sorts among the newest with an old time, and newer versions follow it. The run
        /// is counted across listing pages, so a listing page that holds the last changes and then enough older hits ends
        /// the read without one more request, and a bigger listing page (no bodies) does not make the rule any weaker. A
        /// quiet space still costs one request. An older hit on a page in <paramref name="neutral"/> (recent runs wrote its
        /// labels or files: its key moved, its version did not) neither counts toward the run nor breaks it, and a listing
        /// page with such hits ends the read only by that run: a run that labelled hundreds of pages cannot hide an edit behind them.
        /// </summary>
        /// <param name="map">A hit from its JSON, with its body (true) or without it (false).</param>
        public async Task<SitePageChanges> ReadNewestFirstAsync(ListingReader reader, Func<JsonElement, bool, SitePage> map,
            int olderRunToStop, CancellationToken cancellationToken, IReadOnlyCollection<string>? neutral = null, SiteRequestCounters? counters = null)
        {
            if (olderRunToStop < 1) throw new ArgumentOutOfRangeException(nameof(olderRunToStop), "At least one older hit ends a read.");
            var neutralIds = neutral as ISet<string> ?? new HashSet<string>(neutral ?? Array.Empty<string>(), StringComparer.Ordinal);
            // A hit older than the window is dropped: its body (a quiet run's listing is all such hits, ~10 MB of bodies at
            // real sizes) is neither copied out of the answer nor made a string.
            SitePage Hit(JsonElement item)
            {
                var head = map(item, false);
                if (head.Version.When < _windowStart) return head;
                var hit = map(item, true);
                if (hit.Body != null) counters?.CountChangeListingBody();
                return hit;
            }

            List<SitePage>? page;
            var olderInARow = 0;
            while ((page = await reader.NextPageAsync(Hit, cancellationToken).ConfigureAwait(false)) != null)
            {
                var inWindow = false;
                var neutralOnPage = 0;
                foreach (var hit in page)
                {
                    if (Add(hit))
                    {
                        inWindow = true;
                        olderInARow = 0;
                    }
                    else if (neutralIds.Contains(hit.Id))
                    {
                        neutralOnPage++;
                    }
                    else
                    {
                        olderInARow++;
                    }
                }

                // A page with neutral hits and no change goes on unless the counted run is long enough by itself.
                if ((!inWindow && neutralOnPage == 0) || olderInARow >= olderRunToStop)
                {
                    break; // newest first: the pages after this one are older still
                }
            }

            return Result(reader.FirstAnswerDate);
        }

        /// <param name="askedAt">
        /// The server's clock when the query was answered (its Date header): everything modified before it has been
        /// seen, save what the site's search index had not caught up with, which the next query's overlap covers.
        /// Without it the mark is the newest change seen, and a burst of edits (an import, a migration) stays inside
        /// every later window until something newer happens.
        /// </param>
        public SitePageChanges Result(DateTimeOffset? askedAt = null)
        {
            var pages = _newest.Values.OrderBy(p => p.Version.When).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
            var mark = askedAt is { } at && at > _since ? at : _since;
            foreach (var page in pages)
            {
                if (page.Version.When > mark) mark = page.Version.When;
            }

            return new SitePageChanges { Pages = pages, HighWaterMark = mark };
        }
    }
}
