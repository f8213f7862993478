using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// What a page carries beside its versioned content and that no change query sees: its global labels, its own
    /// restrictions and its current attachments (files make no page version). A part not asked for, or not readable
    /// (the page is gone), is null.
    /// </summary>
    /// <remarks>
    /// <see cref="Page"/>: the page itself as the search hit carries it (version, title, parent by its ancestors, space,
    /// status; no body), only from <see cref="PageMetadataRequests.ReadPagesAsync"/>. Which pages come back, and that
    /// page part, are as the search index holds them (docs/confluence-behaviours.md B34): callers compare the version.
    /// </remarks>
    public sealed record PageMetadata(IReadOnlyList<string>? Labels, PageRestrictions? Restrictions,
        IReadOnlyList<SiteAttachment>? Attachments = null, SitePage? Page = null);

    /// <summary>
    /// The many-page metadata read both products answer alike (Cloud v1 under /wiki/rest/api, Data Center /rest/api):
    /// one CQL <c>id in (...)</c> search expanding <c>metadata.labels</c>, the four restriction lists and
    /// <c>children.attachment.version</c> together, <see cref="SiteLabels.BatchSize"/> ids a request — so labels,
    /// restrictions and files of the same pages cost one request, not one each.
    /// </summary>
    internal sealed class PageMetadataRequests
    {
        private readonly ConfluenceRestClient _rest;
        private readonly Func<string, Uri> _api;
        private readonly LabelRequests _labels;
        private readonly RestrictionRequests _restrictions;
        private readonly Func<string, SiteAttachmentReader> _listAttachments;

        /// <param name="listAttachments">The page's own attachment listing: for a page whose expanded list may be cut short.</param>
        public PageMetadataRequests(ConfluenceRestClient rest, Func<string, Uri> api, LabelRequests labels, RestrictionRequests restrictions,
            Func<string, SiteAttachmentReader> listAttachments)
        {
            _rest = rest;
            _api = api;
            _labels = labels;
            _restrictions = restrictions;
            _listAttachments = listAttachments;
        }

        /// <summary>The expansion that brings a page's current attachments with their versions (size, media type and comment come with every attachment).</summary>
        public const string AttachmentExpansion = "children.attachment.version";

        /// <summary>
        /// What makes a v1 search hit a page without its body: version, parent (the last of the ancestors, root first),
        /// space and status (always there). Not a body expansion, so Data Center's cap stays 200 (B31).
        /// </summary>
        public const string PageExpansion = "version,ancestors,space";

        /// <summary>Ids per request; settable so tests can make a few pages span several requests.</summary>
        public int BatchSize { get; set; } = SiteLabels.BatchSize;

        /// <summary>
        /// The pages <paramref name="pagesOf"/> as search hits (<see cref="PageMetadata.Page"/>, no body) together with the
        /// labels of <paramref name="labelsOf"/> and the restrictions of <paramref name="restrictionsOf"/>: one CQL search per
        /// BatchSize ids of the union. Unlike <see cref="ReadManyAsync"/> nothing is read alone: a page the search does not
        /// return is absent and a part cut short is null, for the caller to read its own way (an unsettled page by its GET,
        /// its metadata in the run's metadata batch), so a trashed page costs no request here beyond the search.
        /// </summary>
        /// <param name="pageOf">Makes the hit a page (the product's parent rules); null: the hit is not trusted as one.</param>
        public async Task<IReadOnlyDictionary<string, PageMetadata>> ReadPagesAsync(IReadOnlyCollection<string> pagesOf,
            IReadOnlyCollection<string> labelsOf, IReadOnlyCollection<string> restrictionsOf, Func<JsonElement, SitePage?> pageOf,
            CancellationToken cancellationToken)
        {
            if (pagesOf is null) throw new ArgumentNullException(nameof(pagesOf));
            if (labelsOf is null) throw new ArgumentNullException(nameof(labelsOf));
            if (restrictionsOf is null) throw new ArgumentNullException(nameof(restrictionsOf));
            var wantPages = new HashSet<string>(pagesOf, StringComparer.Ordinal);
            var wantLabels = new HashSet<string>(labelsOf, StringComparer.Ordinal);
            var wantRestrictions = new HashSet<string>(restrictionsOf, StringComparer.Ordinal);
            var ids = pagesOf.Concat(labelsOf).Concat(restrictionsOf).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0) return new Dictionary<string, PageMetadata>(StringComparer.Ordinal);

            var expand = string.Join(",", new[]
            {
                wantPages.Count > 0 ? PageExpansion : null,
                wantLabels.Count > 0 ? "metadata.labels" : null,
                wantRestrictions.Count > 0 ? RestrictionRequests.Expansion : null,
            }.Where(e => e != null));
            return await CqlBatchRead.ReadAsync(_rest, _api, ids, BatchSize, expand,
                content =>
                {
                    var id = JsonRead.String(content, "id") ?? "";
                    return new PageMetadata(
                        wantLabels.Contains(id) ? LabelRequests.Expanded(content) : null,
                        wantRestrictions.Contains(id) && JsonRead.Object(content, "restrictions") is { } r ? _restrictions.Parse(r) : null,
                        null,
                        wantPages.Contains(id) ? pageOf(content) : null);
                },
                (id, ct) => Task.FromResult<PageMetadata?>(null), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The labels of <paramref name="labelsOf"/>, the restrictions of <paramref name="restrictionsOf"/> and the
        /// current attachments of <paramref name="attachmentsOf"/>, in ceil(|union| / BatchSize) searches. The search
        /// index decides only which pages come back (the expansions are the page's own, as fresh as a read by id); a page
        /// it does not return (lags a new page; trashed) has its asked parts read on their own endpoints, and so has a
        /// part whose expansion may be cut short (a next link, or as many items as its limit: the attachment list inside
        /// a search hit is short, B33). Pages missing then are absent.
        /// </summary>
        public async Task<IReadOnlyDictionary<string, PageMetadata>> ReadManyAsync(IReadOnlyCollection<string> labelsOf,
            IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken, IReadOnlyCollection<string>? attachmentsOf = null)
        {
            if (labelsOf is null) throw new ArgumentNullException(nameof(labelsOf));
            if (restrictionsOf is null) throw new ArgumentNullException(nameof(restrictionsOf));
            attachmentsOf ??= Array.Empty<string>();
            var wantLabels = new HashSet<string>(labelsOf, StringComparer.Ordinal);
            var wantRestrictions = new HashSet<string>(restrictionsOf, StringComparer.Ordinal);
            var wantFiles = new HashSet<string>(attachmentsOf, StringComparer.Ordinal);
            var ids = labelsOf.Concat(restrictionsOf).Concat(attachmentsOf).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0) return new Dictionary<string, PageMetadata>(StringComparer.Ordinal);

            var expand = string.Join(",", new[]
            {
                wantLabels.Count > 0 ? "metadata.labels" : null,
                wantRestrictions.Count > 0 ? RestrictionRequests.Expansion : null,
                wantFiles.Count > 0 ? AttachmentExpansion : null,
            }.Where(e => e != null));

            // A hit always parses: a part cut short comes back null and is read alone below, the other parts kept.
            var read = await CqlBatchRead.ReadAsync(_rest, _api, ids, BatchSize, expand,
                content => new PageMetadata(
                    wantLabels.Count > 0 ? LabelRequests.Expanded(content) : null,
                    wantRestrictions.Count > 0 && JsonRead.Object(content, "restrictions") is { } r ? _restrictions.Parse(r) : null,
                    wantFiles.Count > 0 ? ExpandedAttachments(content) : null),
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
                var files = wantFiles.Contains(id)
                    ? hit?.Attachments ?? await ReadAttachmentsAloneAsync(id, cancellationToken).ConfigureAwait(false)
                    : null;
                if (labels != null || restrictions != null || files != null) result[id] = new PageMetadata(labels, restrictions, files);
            }

            return result;
        }

        /// <summary>
        /// The attachments in a hit's <c>children.attachment</c>, each with its page; null when the list may be cut short
        /// (a next link, or as many items as its limit) or is absent, so that the page is listed on its own.
        /// </summary>
        internal static IReadOnlyList<SiteAttachment>? ExpandedAttachments(JsonElement content)
        {
            var pageId = JsonRead.String(content, "id") ?? "";
            var children = JsonRead.Object(content, "children");
            var list = children is null ? null : JsonRead.Object(children.Value, "attachment");
            var results = list is null ? null : JsonRead.Array(list.Value, "results");
            if (list is null || results is null) return null;

            var links = JsonRead.Object(list.Value, "_links");
            var next = links is null ? null : JsonRead.String(links.Value, "next");
            var limit = JsonRead.String(list.Value, "limit");
            var complete = next is null &&
                           (limit is null || !int.TryParse(limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cap) ||
                            results.Value.GetArrayLength() < cap);
            return complete ? results.Value.EnumerateArray().Select(item => RestAttachments.FromV1(item, pageId)).ToList() : null;
        }

        /// <summary>One page's attachments through its own listing; null when the page is gone (404).</summary>
        private async Task<IReadOnlyList<SiteAttachment>?> ReadAttachmentsAloneAsync(string pageId, CancellationToken cancellationToken)
        {
            try
            {
                return await _listAttachments(pageId).ReadAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                return null;
            }
        }
    }
}
