using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>Label rules shared by both products and by the label merge.</summary>
    public static class SiteLabels
    {
        /// <summary>
        /// Page ids per CQL <c>id in (...)</c> request of the metadata reads (<see cref="IConfluenceSite.ReadPageMetadataAsync"/>,
        /// labels, restrictions): one answer page on both products (DC caps CQL results at 200 when anything but a body is
        /// expanded, docs/confluence-behaviours.md B7), and about 3 KB of URL with Cloud's longer ids, below the 8 KB
        /// request lines servers accept.
        /// </summary>
        public const int BatchSize = 200;

        /// <summary>The only prefix that syncs (see <see cref="IConfluenceSite"/>'s labels block).</summary>
        public const string GlobalPrefix = "global";

        /// <summary>A label as Confluence stores it: trimmed and lower-cased. Empty names are refused.</summary>
        public static string Normalize(string label)
        {
            if (label is null) throw new ArgumentNullException(nameof(label));
            var name = label.Trim().ToLowerInvariant();
            if (name.Length == 0) throw new ArgumentException("A label name is empty.", nameof(label));
            return name;
        }

        /// <summary>Normalized, distinct, sorted ordinally: the one form labels travel and are stored in.</summary>
        public static IReadOnlyList<string> Canonical(IEnumerable<string> labels)
        {
            if (labels is null) throw new ArgumentNullException(nameof(labels));
            var set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var label in labels)
                set.Add(Normalize(label));
            return set.ToArray();
        }

        /// <summary>Global label names out of label objects of either API (v1 {prefix,name,label,id}, v2 {prefix,name,id}).</summary>
        internal static IReadOnlyList<string> GlobalNames(IEnumerable<JsonElement> labels)
        {
            var names = new List<string>();
            foreach (var label in labels)
            {
                var prefix = JsonRead.String(label, "prefix");
                var name = JsonRead.String(label, "name") ?? JsonRead.String(label, "label");
                if (string.IsNullOrWhiteSpace(name) || (prefix != null && !string.Equals(prefix, GlobalPrefix, StringComparison.OrdinalIgnoreCase)))
                    continue;
                names.Add(name!);
            }

            return Canonical(names);
        }
    }

    /// <summary>
    /// The label requests both products answer alike through the classic REST API (Cloud v1 under /wiki/rest/api,
    /// Data Center /rest/api): CQL search with metadata.labels, POST and DELETE of content labels.
    /// </summary>
    /// <remarks>
    /// Why CQL <c>id in (...)</c> for the many-page read: Cloud v2 has no batch label read (<c>GET /pages?id=</c> has no
    /// <c>include-labels</c>); v2 <c>/spaces/{id}/content/labels</c> + <c>/labels/{id}/pages?space-id=</c> costs a request per
    /// distinct label and cannot show a page that lost its last label; a space-wide CQL listing also reads pages outside
    /// the scope. The same request exists on both products, in the documents of both (v1 contentExpand and DC's
    /// expand both name metadata.labels).
    /// </remarks>
    internal sealed class LabelRequests
    {
        private readonly ConfluenceRestClient _rest;
        private readonly Func<string, Uri> _api;
        private readonly Func<string, CancellationToken, Task<IReadOnlyList<string>?>> _readOne;

        /// <param name="api">URL of a path below the classic REST API (/rest/api).</param>
        /// <param name="readOne">The product's cheapest read of one page's labels (null on 404).</param>
        public LabelRequests(ConfluenceRestClient rest, Func<string, Uri> api, Func<string, CancellationToken, Task<IReadOnlyList<string>?>> readOne)
        {
            _rest = rest;
            _api = api;
            _readOne = readOne;
        }

        /// <summary>Ids per request; settable so tests can make a few pages span several requests.</summary>
        public int BatchSize { get; set; } = SiteLabels.BatchSize;

        /// <summary>One page's global labels through the product's cheapest single read, null on 404.</summary>
        public Task<IReadOnlyList<string>?> ReadOneAsync(string pageId, CancellationToken cancellationToken) => _readOne(pageId, cancellationToken);

        /// <summary>One page's global labels through /content/{id}/label (Data Center's only single read), null on 404.</summary>
        public async Task<IReadOnlyList<string>?> ReadV1Async(string pageId, CancellationToken cancellationToken)
        {
            var reader = _rest.List(LabelUrl(pageId, "?prefix=" + SiteLabels.GlobalPrefix + "&limit=200"), PagingStyle.BaseRelative);
            try
            {
                return SiteLabels.GlobalNames(await reader.ReadAllAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                return null;
            }
        }

        /// <summary>
        /// CQL <c>id in (...)</c> with <c>expand=metadata.labels</c>, <see cref="BatchSize"/> ids a request. The search
        /// index decides only which pages come back (it lags new pages by seconds); the expansion is read from the
        /// content itself, so a returned page's labels are current. Pages not returned are read one by one, so an index
        /// that lags never reads as "no labels".
        /// </summary>
        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadManyAsync(IReadOnlyCollection<string> pageIds,
            CancellationToken cancellationToken) =>
            CqlBatchRead.ReadAsync(_rest, _api, pageIds, BatchSize, "metadata.labels", Expanded, _readOne, cancellationToken);

        public async Task AddAsync(string pageId, IReadOnlyCollection<string> labels, CancellationToken cancellationToken)
        {
            if (labels is null) throw new ArgumentNullException(nameof(labels));
            var names = SiteLabels.Canonical(labels);
            var url = LabelUrl(pageId, "");
            if (names.Count == 0)
                return;

            var body = JsonSerializer.Serialize(names.Select(n => new Dictionary<string, string> { ["prefix"] = SiteLabels.GlobalPrefix, ["name"] = n }));
            try
            {
                using (await _rest.SendJsonAsync(HttpMethod.Post, url, body, cancellationToken).ConfigureAwait(false)) { }
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.OutcomeUnknown)
            {
                // Adding a label the page already has changes nothing, so repeating the POST is safe.
                using (await _rest.SendJsonAsync(HttpMethod.Post, url, body, cancellationToken).ConfigureAwait(false)) { }
            }
        }

        public async Task RemoveAsync(string pageId, string label, CancellationToken cancellationToken)
        {
            var name = SiteLabels.Normalize(label);
            // The ?name= form (not /label/{label}) also carries names a path segment cannot.
            var url = LabelUrl(pageId, "?name=" + Uri.EscapeDataString(name));
            try
            {
                using (await _rest.SendJsonAsync(HttpMethod.Delete, url, null, cancellationToken).ConfigureAwait(false)) { }
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                // 404 is "no such page" or "no such label on it": only the second is the goal already reached.
                var now = await _readOne(pageId, cancellationToken).ConfigureAwait(false);
                if (now is null || now.Contains(name, StringComparer.Ordinal))
                    throw;
            }
        }

        /// <summary>The labels of an expanded content, or null when the expansion is missing or may be cut short.</summary>
        internal static IReadOnlyList<string>? Expanded(JsonElement content)
        {
            var metadata = JsonRead.Object(content, "metadata");
            var labels = metadata is null ? null : JsonRead.Object(metadata.Value, "labels");
            var results = labels is null ? null : JsonRead.Array(labels.Value, "results");
            if (labels is null || results is null)
                return null;

            var links = JsonRead.Object(labels.Value, "_links");
            var next = links is null ? null : JsonRead.String(links.Value, "next");
            var limit = JsonRead.String(labels.Value, "limit");
            var complete = next is null &&
                           (limit is null || !int.TryParse(limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cap) ||
                            results.Value.GetArrayLength() < cap);
            return complete ? SiteLabels.GlobalNames(results.Value.EnumerateArray()) : null;
        }

        private Uri LabelUrl(string pageId, string query)
        {
            if (string.IsNullOrEmpty(pageId)) throw new ArgumentException("A page id is required.", nameof(pageId));
            return _api("/content/" + Uri.EscapeDataString(pageId) + "/label" + query);
        }
    }
}
