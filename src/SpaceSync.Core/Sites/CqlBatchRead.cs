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
    /// Reads one expansion (labels, restrictions, …) of many pages in few requests, the same way on both products: CQL
    /// <c>id in (...)</c> through v1 <c>/content/search</c>, a batch of ids a request. A page the search does not return
    /// (the index trails a new page; trashed) or whose expansion comes back cut short is read on its own; pages missing
    /// then are absent from the answer.
    /// </summary>
    internal static class CqlBatchRead
    {
        /// <param name="api">Makes the site's v1 URL of a path below /rest/api.</param>
        /// <param name="parse">The expansion of one search hit; null when it cannot be trusted (then the page is read alone).</param>
        /// <param name="readOne">One page's expansion through its own endpoint; null when the page is missing.</param>
        public static async Task<IReadOnlyDictionary<string, T>> ReadAsync<T>(ConfluenceRestClient rest, Func<string, Uri> api,
            IReadOnlyCollection<string> pageIds, int batchSize, string expand, Func<JsonElement, T?> parse,
            Func<string, CancellationToken, Task<T?>> readOne, CancellationToken cancellationToken)
            where T : class
        {
            if (pageIds is null) throw new ArgumentNullException(nameof(pageIds));
            var wanted = PageIdList.Distinct(pageIds, nameof(pageIds));

            var found = new Dictionary<string, T>(StringComparer.Ordinal);
            var readAlone = new List<string>();
            for (var start = 0; start < wanted.Count; start += batchSize)
            {
                var batch = wanted.Skip(start).Take(batchSize).ToList();
                var cql = "id in (" + string.Join(",", batch) + ")";
                var reader = rest.List(
                    api("/content/search?cql=" + Uri.EscapeDataString(cql) + "&expand=" + Uri.EscapeDataString(expand) +
                        "&limit=" + batch.Count.ToString(CultureInfo.InvariantCulture)),
                    PagingStyle.BaseRelative);
                var inBatch = new HashSet<string>(batch, StringComparer.Ordinal);
                while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    var content = reader.Current;
                    var id = JsonRead.String(content, "id");
                    if (id is null || !inBatch.Remove(id)) continue; // not asked for (or repeated): a looser server's extra hit
                    var value = parse(content);
                    if (value is null) readAlone.Add(id);
                    else found[id] = value;
                }

                readAlone.AddRange(inBatch);
            }

            foreach (var id in readAlone)
            {
                var value = await readOne(id, cancellationToken).ConfigureAwait(false);
                if (value != null) found[id] = value;
            }

            return found;
        }
    }
}
