using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Restrictions on Data Center: /rest/api/content/{id}/restriction (PUT), .../byOperation and CQL, users by user key.
    public sealed partial class DataCenterSite
    {
        private RestrictionRequests? _restrictions;

        internal RestrictionRequests Restrictions => _restrictions ??= new RestrictionRequests(_rest, Api, cloud: false);

        /// <summary><c>GET /rest/api/content/{id}/restriction/byOperation</c>: one request.</summary>
        public Task<PageRestrictions?> GetPageRestrictionsAsync(string pageId, CancellationToken cancellationToken) =>
            Restrictions.ReadOneAsync(pageId, cancellationToken);

        /// <summary>CQL <c>id in (...)</c> with the restriction expansions; see <see cref="RestrictionRequests.ReadManyAsync"/>.</summary>
        public Task<IReadOnlyDictionary<string, PageRestrictions>> ReadPageRestrictionsAsync(IReadOnlyCollection<string> pageIds,
            CancellationToken cancellationToken) => Restrictions.ReadManyAsync(pageIds, cancellationToken);

        /// <summary><c>PUT /rest/api/content/{id}/restriction</c> naming both operations (empty arrays remove): one request.</summary>
        public Task SetPageRestrictionsAsync(string pageId, PageRestrictions restrictions, CancellationToken cancellationToken) =>
            Restrictions.SetAsync(pageId, restrictions, cancellationToken);
    }
}
