using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Page metadata (labels and restrictions together) on DataCenter: one CQL search a batch; see PageMetadataRequests.
    public sealed partial class DataCenterSite
    {
        private PageMetadataRequests? _metadata;

        internal PageMetadataRequests Metadata => _metadata ??= new PageMetadataRequests(_rest, Api, Labels, Restrictions, ListAttachments);

        /// <summary>CQL <c>id in (...)</c> expanding labels, restrictions and attachments; see <see cref="PageMetadataRequests.ReadManyAsync"/>.</summary>
        public Task<IReadOnlyDictionary<string, PageMetadata>> ReadPageMetadataAsync(IReadOnlyCollection<string> labelsOf,
            IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken, IReadOnlyCollection<string>? attachmentsOf = null) =>
            Metadata.ReadManyAsync(labelsOf, restrictionsOf, cancellationToken, attachmentsOf);

        /// <summary>See <see cref="IConfluenceSite.ReadPagesWithMetadataAsync"/>: Data Center's tree holds pages only, the last ancestor is the parent.</summary>
        public Task<IReadOnlyDictionary<string, PageMetadata>> ReadPagesWithMetadataAsync(IReadOnlyCollection<string> pagesOf,
            IReadOnlyCollection<string> labelsOf, IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken) =>
            Metadata.ReadPagesAsync(pagesOf, labelsOf, restrictionsOf, content => PageJson.FromContent(content, null), cancellationToken);
    }
}
