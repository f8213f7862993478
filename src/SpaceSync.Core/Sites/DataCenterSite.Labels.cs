using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Labels on Data Center: /rest/api/content/{id}/label (GET/POST/DELETE) and CQL /content/search with metadata.labels.
    public sealed partial class DataCenterSite
    {
        private LabelRequests? _labels;

        internal LabelRequests Labels => _labels ??= new LabelRequests(_rest, Api, GetPageLabelsAsync);

        /// <summary><c>GET /rest/api/content/{id}/label?prefix=global&amp;limit=200</c>: one request for any real page.</summary>
        public Task<IReadOnlyList<string>?> GetPageLabelsAsync(string pageId, CancellationToken cancellationToken) =>
            Labels.ReadV1Async(pageId, cancellationToken);

        /// <summary><c>GET /rest/api/content/search?cql=id in (...)&amp;expand=metadata.labels</c>; see <see cref="LabelRequests.ReadManyAsync"/>.</summary>
        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPageLabelsAsync(IReadOnlyCollection<string> pageIds,
            CancellationToken cancellationToken) => Labels.ReadManyAsync(pageIds, cancellationToken);

        /// <summary><c>POST /rest/api/content/{id}/label</c> with an array: one request.</summary>
        public Task AddPageLabelsAsync(string pageId, IReadOnlyCollection<string> labels, CancellationToken cancellationToken) =>
            Labels.AddAsync(pageId, labels, cancellationToken);

        /// <summary><c>DELETE /rest/api/content/{id}/label?name=</c>: one request (two when the label was already gone).</summary>
        public Task RemovePageLabelAsync(string pageId, string label, CancellationToken cancellationToken) =>
            Labels.RemoveAsync(pageId, label, cancellationToken);
    }
}
