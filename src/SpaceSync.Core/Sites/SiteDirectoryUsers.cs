using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// A user as the site's user directory reports them, for pairing users between the two sites.
    /// </summary>
    /// <param name="Id">The site's own id: the user key on Data Center, the account id on Cloud.</param>
    /// <param name="Username">Data Center's login name (older content mentions by it); null on Cloud, which has none.</param>
    /// <param name="Email">Null when the site did not give it (see <paramref name="EmailWithheld"/>).</param>
    /// <param name="EmailWithheld">
    /// Cloud only: the user's profile hides the e-mail and the e-mail API did not reveal it either, so only a
    /// <c>users.map</c> row can pair this user.
    /// </param>
    public sealed record DirectoryUser(string Id, string? Username, string? DisplayName, string? Email, bool EmailWithheld)
    {
        public override string ToString() => $"{DisplayName ?? "(no name)"} ({Id})";
    }

    /// <summary>
    /// Streams a site's users one listing page at a time: <c>while (await reader.MoveNextAsync(ct)) use(reader.Current);</c>.
    /// Nothing is requested before the first MoveNextAsync. Not thread-safe; read it once.
    /// </summary>
    public sealed class SiteUserReader
    {
        private readonly Func<CancellationToken, Task<List<DirectoryUser>?>> _nextPage;
        private List<DirectoryUser> _page = new List<DirectoryUser>();
        private int _index = -1;
        private bool _done;

        internal SiteUserReader(Func<CancellationToken, Task<List<DirectoryUser>?>> nextPage)
        {
            _nextPage = nextPage;
        }

        public DirectoryUser Current =>
            _index >= 0 && _index < _page.Count ? _page[_index] : throw new InvalidOperationException("MoveNextAsync has not returned true.");

        /// <summary>Listing pages fetched so far.</summary>
        public int ListingPagesRead { get; private set; }

        /// <summary>
        /// Why e-mails are missing from the listing (Cloud: the e-mail API refused the account; Data Center: the site shows
        /// e-mails to some callers only), else null. Set while reading; final after MoveNextAsync returned false.
        /// </summary>
        public string? EmailNotice { get; internal set; }

        public async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
        {
            while (++_index >= _page.Count)
            {
                if (_done) return false;
                var page = await _nextPage(cancellationToken).ConfigureAwait(false);
                if (page is null)
                {
                    _done = true;
                    _index = _page.Count;
                    return false;
                }

                ListingPagesRead++;
                _page = page;
                _index = -1;
            }

            return true;
        }

        /// <summary>Everything, for small sites and tests.</summary>
        public async Task<List<DirectoryUser>> ReadAllAsync(CancellationToken cancellationToken)
        {
            var all = new List<DirectoryUser>();
            while (await MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                all.Add(Current);
            }

            return all;
        }
    }
}
