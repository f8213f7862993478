using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Labels on Cloud: v2 reads one page's labels; v2 has no label writes and no batch read, so adding, removing
    // and the many-page read (CQL with metadata.labels) go through v1, as Atlassian documents.
    public sealed partial class CloudSite
    {
        private LabelRequests? _labels;

        internal LabelRequests Labels => _labels ??= new LabelRequests(_rest, V1, GetPageLabelsAsync);

        /// <summary>v2 <c>GET /pages/{id}/labels?prefix=global</c> (cursor paging, 250 a page): one request for any real page.</summary>
        public async Task<IReadOnlyList<string>?> GetPageLabelsAsync(string pageId, CancellationToken cancellationToken)
        {
            var reader = ListV2("/" + Collection + "/" + Uri.EscapeDataString(RequirePageId(pageId)) + "/labels?prefix=" + SiteLabels.GlobalPrefix + "&limit=250");
            try
            {
                return SiteLabels.GlobalNames(await reader.ReadAllAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                return null;
            }
        }

        /// <summary>v1 <c>GET /wiki/rest/api/content/search?cql=id in (...)&amp;expand=metadata.labels</c>; see <see cref="LabelRequests.ReadManyAsync"/>.</summary>
        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPageLabelsAsync(IReadOnlyCollection<string> pageIds,
            CancellationToken cancellationToken) => Labels.ReadManyAsync(pageIds, cancellationToken);

        /// <summary>v1 <c>POST /wiki/rest/api/content/{id}/label</c> with an array: one request.</summary>
        public Task AddPageLabelsAsync(string pageId, IReadOnlyCollection<string> labels, CancellationToken cancellationToken) =>
            Labels.AddAsync(RequirePageId(pageId), labels, cancellationToken);

        /// <summary>v1 <c>DELETE /wiki/rest/api/content/{id}/label?name=</c>: one request (two when the label was already gone).</summary>
        public Task RemovePageLabelAsync(string pageId, string label, CancellationToken cancellationToken) =>
            Labels.RemoveAsync(RequirePageId(pageId), label, cancellationToken);

        private static string RequirePageId(string pageId) =>
            string.IsNullOrEmpty(pageId) ? throw new ArgumentException("A page id is required.", nameof(pageId)) : pageId;
    }
}
