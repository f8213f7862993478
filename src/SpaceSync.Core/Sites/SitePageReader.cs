using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// Streams a space's pages one listing page at a time (never the whole space in memory):
    /// <c>while (await reader.MoveNextAsync(ct)) use(reader.Current);</c>. Nothing is requested before the
    /// first MoveNextAsync. Not thread-safe; read it once.
    /// </summary>
    public sealed class SitePageReader
    {
        private readonly ListingReader _listing;
        private readonly Func<JsonElement, SitePage> _map;
        private readonly Func<CancellationToken, Task<ListingReader?>>? _fallback;
        private ListingReader _active;
        private bool _started;
        private SitePage? _current;

        internal SitePageReader(ListingReader listing, Func<JsonElement, SitePage> map,
            Func<CancellationToken, Task<ListingReader?>>? fallbackOnNotFound = null)
        {
            _listing = listing;
            _active = listing;
            _map = map;
            _fallback = fallbackOnNotFound;
        }

        public SitePage Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true.");

        /// <summary>Listing pages fetched so far (each one HTTP request, retries aside).</summary>
        public int ListingPagesRead => _active.PagesRead;

        /// <summary>The site's clock when it answered the first listing page (its Date header), or null.</summary>
        public DateTimeOffset? FirstAnswerDate => _active.FirstAnswerDate;

        public async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
        {
            bool moved;
            try
            {
                moved = await _active.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SiteException e) when (!_started && e.Kind == SiteErrorKind.NotFound && _fallback != null && ReferenceEquals(_active, _listing))
            {
                // The preferred endpoint is missing on this server (e.g. /content/scan before DC 7.18).
                var replacement = await _fallback(cancellationToken).ConfigureAwait(false);
                if (replacement is null)
                {
                    throw;
                }

                _active = replacement;
                moved = await _active.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            }

            _started = true;
            _current = moved ? _map(_active.Current) : null;
            return moved;
        }

        /// <summary>Everything, for small spaces and tests. Large spaces should stream with MoveNextAsync.</summary>
        public async Task<List<SitePage>> ReadAllAsync(CancellationToken cancellationToken)
        {
            var all = new List<SitePage>();
            while (await MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                all.Add(Current);
            }

            return all;
        }
    }
}
