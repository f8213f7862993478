using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Page metadata (labels and restrictions together) on Cloud: one v1 CQL search a batch; see PageMetadataRequests.
    public sealed partial class CloudSite
    {
        private PageMetadataRequests? _metadata;

        internal PageMetadataRequests Metadata => _metadata ??= new PageMetadataRequests(_rest, V1, Labels, Restrictions, ListAttachments);

        /// <summary>v1 CQL <c>id in (...)</c> expanding labels, restrictions and attachments; see <see cref="PageMetadataRequests.ReadManyAsync"/>.</summary>
        public Task<IReadOnlyDictionary<string, PageMetadata>> ReadPageMetadataAsync(IReadOnlyCollection<string> labelsOf,
            IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken, IReadOnlyCollection<string>? attachmentsOf = null) =>
            Metadata.ReadManyAsync(labelsOf, restrictionsOf, cancellationToken, attachmentsOf);

        /// <summary>
        /// See <see cref="IConfluenceSite.ReadPagesWithMetadataAsync"/>, through v1 search. The parent is the last ancestor with
        /// the type it names (a folder or whiteboard may be one on Cloud); whether v1 ancestors name folders at all is not
        /// documented, so callers trust such a hit only where the page cannot hang below a folder (SyncRunner).
        /// </summary>
        public Task<IReadOnlyDictionary<string, PageMetadata>> ReadPagesWithMetadataAsync(IReadOnlyCollection<string> pagesOf,
            IReadOnlyCollection<string> labelsOf, IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken) =>
            Metadata.ReadPagesAsync(pagesOf, labelsOf, restrictionsOf, PageJson.FromCloudV1, cancellationToken);
    }
}
