using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// What a page carries beside its versioned content and that no change query sees: its global labels and its own
    /// restrictions. A part not asked for, or not readable (the page is gone), is null.
    /// </summary>
    public sealed record PageMetadata(IReadOnlyList<string>? Labels, PageRestrictions? Restrictions);

    /// <summary>
    /// The many-page metadata read both products answer alike (Cloud v1 under /wiki/rest/api, Data Center /rest/api):
    /// one CQL <c>id in (...)</c> search expanding <c>metadata.labels</c> and the four restriction lists together,
    /// <see cref="SiteLabels.BatchSize"/> ids a request — so labels and restrictions of the same pages cost one request,
    /// not one each.
    /// </summary>
    internal sealed class PageMetadataRequests
    {
        private readonly ConfluenceRestClient _rest;
        private readonly Func<string, Uri> _api;
        private readonly LabelRequests _labels;
        private readonly RestrictionRequests _restrictions;

        public PageMetadataRequests(ConfluenceRestClient rest, Func<string, Uri> api, LabelRequests labels, RestrictionRequests restrictions)
        {
            _rest = rest;
            _api = api;
            _labels = labels;
            _restrictions = restrictions;
        }

        /// <summary>Ids per request; settable so tests can make a few pages span several requests.</summary>
        public int BatchSize { get; set; } = SiteLabels.BatchSize;

        /// <summary>
        /// The labels of <paramref name="labelsOf"/> and the restrictions of <paramref name="restrictionsOf"/>, in
        /// ceil(|union| / BatchSize) searches. The search index decides only which pages come back; a page it does not
        /// return (lags a new page; trashed) has its asked parts read on their own endpoints, and so has a part whose
        /// expansion may be cut short (a next link, or as many items as its limit). Pages missing then are absent.
        /// </summary>
        public async Task<IReadOnlyDictionary<string, PageMetadata>> ReadManyAsync(IReadOnlyCollection<string> labelsOf,
            IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken)
        {
            if (labelsOf is null) throw new ArgumentNullException(nameof(labelsOf));
            if (restrictionsOf is null) throw new ArgumentNullException(nameof(restrictionsOf));
            var wantLabels = new HashSet<string>(labelsOf, StringComparer.Ordinal);
            var wantRestrictions = new HashSet<string>(restrictionsOf, StringComparer.Ordinal);
            var ids = labelsOf.Concat(restrictionsOf).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0) return new Dictionary<string, PageMetadata>(StringComparer.Ordinal);

            var expand = string.Join(",", new[]
            {
                wantLabels.Count > 0 ? "metadata.labels" : null,
                wantRestrictions.Count > 0 ? RestrictionRequests.Expansion : null,
            }.Where(e => e != null));

            // A hit always parses: a part cut short comes back null and is read alone below, the other part kept.
            var read = await CqlBatchRead.ReadAsync(_rest, _api, ids, BatchSize, expand,
                content => new PageMetadata(
                    wantLabels.Count > 0 ? LabelRequests.Expanded(content) : null,
                    wantRestrictions.Count > 0 && JsonRead.Object(content, "restrictions") is { } r ? _restrictions.Parse(r) : null),
                (id, ct) => Task.FromResult<PageMetadata?>(new PageMetadata(null, null)), cancellationToken).ConfigureAwait(false);

            var result = new Dictionary<string, PageMetadata>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                read.TryGetValue(id, out var hit);
                var labels = wantLabels.Contains(id)
                    ? hit?.Labels ?? await _labels.ReadOneAsync(id, cancellationToken).ConfigureAwait(false)
                    : null;
                var restrictions = wantRestrictions.Contains(id)
                    ? hit?.Restrictions ?? await _restrictions.ReadOneAsync(id, cancellationToken).ConfigureAwait(false)
                    : null;
                if (labels != null || restrictions != null) result[id] = new PageMetadata(labels, restrictions);
            }

            return result;
        }
    }
}
