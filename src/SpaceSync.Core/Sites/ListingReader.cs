using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// Walks a Confluence listing by following the site's own next links (never by computing offsets):
    /// <c>while (await reader.MoveNextAsync(ct)) use(reader.Current);</c> or page-wise with NextPageAsync.
    /// </summary>
    internal sealed class ListingReader
    {
        private readonly ConfluenceRestClient _rest;
        private readonly PagingStyle _style;
        private readonly HashSet<string> _visited = new HashSet<string>(StringComparer.Ordinal);
        private Uri? _next;
        private List<JsonElement> _page = new List<JsonElement>();
        private int _index = -1;

        public ListingReader(ConfluenceRestClient rest, Uri firstPage, PagingStyle style)
        {
            _rest = rest;
            _style = style;
            _next = firstPage;
        }

        /// <summary>Pages fetched so far.</summary>
        public int PagesRead { get; private set; }

        /// <summary>The server's clock when it answered the first page (its Date header), or null.</summary>
        public DateTimeOffset? FirstAnswerDate { get; private set; }

        public JsonElement Current =>
            _index >= 0 && _index < _page.Count ? _page[_index] : throw new InvalidOperationException("MoveNextAsync has not returned true.");

        public async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
        {
            while (++_index >= _page.Count)
            {
                var page = await NextPageAsync(cancellationToken).ConfigureAwait(false);
                if (page is null)
                {
                    return false;
                }

                _page = page;
                _index = -1;
            }

            return true;
        }

        /// <summary>The next page's items (possibly empty), or null after the last page.</summary>
        public Task<List<JsonElement>?> NextPageAsync(CancellationToken cancellationToken) => NextPageAsync(item => item.Clone(), cancellationToken);

        /// <summary>The next page's items, each mapped while the answer is open (nothing copied the map does not keep); null after the last page.</summary>
        public async Task<List<T>?> NextPageAsync<T>(Func<JsonElement, T> map, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var url = _next;
            if (url is null)
            {
                return null;
            }

            if (!_visited.Add(url.AbsoluteUri))
            {
                throw new SiteException(
                    SiteErrorKind.UnexpectedResponse,
                    $"GET {url.AbsolutePath} on the {_rest.Kind} site: the listing's next-page link repeats an earlier page; stopped to avoid an endless loop.",
                    "GET", url.AbsolutePath);
            }

            var (items, next, serverDate) = await _rest.GetPageAsync(url, _style, map, cancellationToken).ConfigureAwait(false);
            if (PagesRead == 0) FirstAnswerDate = serverDate;
            PagesRead++;
            _next = next;
            return items;
        }

        /// <summary>Everything, for small listings (group memberships, labels). Large ones should stream.</summary>
        public async Task<List<JsonElement>> ReadAllAsync(CancellationToken cancellationToken)
        {
            var all = new List<JsonElement>();
            while (await MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                all.Add(Current);
            }

            return all;
        }
    }
}
