using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Restrictions on Cloud: v2 has none, so reads and writes go through v1 (/wiki/rest/api), users by account id.
    public sealed partial class CloudSite
    {
        private RestrictionRequests? _restrictions;

        internal RestrictionRequests Restrictions => _restrictions ??= new RestrictionRequests(_rest, V1, cloud: true);

        /// <summary>v1 <c>GET /content/{id}/restriction/byOperation</c>: one request.</summary>
        public Task<PageRestrictions?> GetPageRestrictionsAsync(string pageId, CancellationToken cancellationToken) =>
            Restrictions.ReadOneAsync(pageId, cancellationToken);

        /// <summary>v1 CQL <c>id in (...)</c> with the restriction expansions; see <see cref="RestrictionRequests.ReadManyAsync"/>.</summary>
        public Task<IReadOnlyDictionary<string, PageRestrictions>> ReadPageRestrictionsAsync(IReadOnlyCollection<string> pageIds,
            CancellationToken cancellationToken) => Restrictions.ReadManyAsync(pageIds, cancellationToken);

        /// <summary>v1 <c>PUT /content/{id}/restriction</c> (replaces all), or <c>DELETE</c> for none: one request.</summary>
        public Task SetPageRestrictionsAsync(string pageId, PageRestrictions restrictions, CancellationToken cancellationToken) =>
            Restrictions.SetAsync(pageId, restrictions, cancellationToken);
    }
}
