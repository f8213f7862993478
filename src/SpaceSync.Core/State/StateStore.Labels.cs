using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.State
{
    // Each pair's base labels: the global labels both pages carried after the last sync (three-way merge base).
    public sealed partial class StateStore
    {
        /// <summary>The pair's base labels (canonical: lower-cased, distinct, sorted), or null when none was ever recorded.</summary>
        /// <exception cref="StateStoreException">NotFound when there is no such pair.</exception>
        public IReadOnlyList<string>? GetBaseLabels(long pairId)
        {
            var rows = Query("SELECT base_labels FROM pairs WHERE pair_id = @id", r => Text(r, 0), ("@id", pairId));
            if (rows.Count == 0)
                throw new StateStoreException(StateErrorKind.NotFound, $"There is no pair {pairId} in {Named}.");
            return rows[0] is null ? null : ParseLabels(pairId, rows[0]!);
        }

        /// <summary>
        /// The base labels of every pair of the space that has one recorded, by pair id, in one query (a run merges labels
        /// for all its pairs). Pairs absent here have never had labels recorded.
        /// </summary>
        public IReadOnlyDictionary<long, IReadOnlyList<string>> ListBaseLabels(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            var result = new Dictionary<long, IReadOnlyList<string>>();
            foreach (var (pairId, json) in Query("SELECT pair_id, base_labels FROM pairs WHERE space_key = @key AND base_labels IS NOT NULL",
                         r => (r.GetInt64(0), r.GetString(1)), ("@key", spaceKey)))
                result[pairId] = ParseLabels(pairId, json);
            RowReads.BaseLabels += result.Count;
            return result;
        }

        /// <summary>
        /// The recorded base labels of these pairs only (those without any are left out): what a run planning a few pairs
        /// needs, looked up by primary key in batches instead of reading every pair of the space.
        /// </summary>
        public IReadOnlyDictionary<long, IReadOnlyList<string>> ListBaseLabels(IEnumerable<long> pairIds)
        {
            if (pairIds is null) throw new ArgumentNullException(nameof(pairIds));
            var result = new Dictionary<long, IReadOnlyList<string>>();
            var ids = new HashSet<long>(pairIds).ToList();
            for (var start = 0; start < ids.Count; start += IdsPerStatement)
            {
                var chunk = ids.GetRange(start, Math.Min(IdsPerStatement, ids.Count - start));
                // Ids are longs: written into the statement (no text from outside), one parameter list less to build.
                var sql = "SELECT pair_id, base_labels FROM pairs WHERE base_labels IS NOT NULL AND pair_id IN (" +
                          string.Join(",", chunk.Select(id => id.ToString(CultureInfo.InvariantCulture))) + ")";
                foreach (var (pairId, json) in Query(sql, r => (r.GetInt64(0), r.GetString(1))))
                    result[pairId] = ParseLabels(pairId, json);
            }

            RowReads.BaseLabels += result.Count;
            return result;
        }

        /// <summary>Ids a statement names at most (SQLite parses any length; this keeps statements short).</summary>
        private const int IdsPerStatement = 500;

        /// <summary>Records the pair's base labels (stored canonical).</summary>
        /// <exception cref="StateStoreException">NotFound when there is no such pair; nothing is written.</exception>
        public void SetBaseLabels(long pairId, IEnumerable<string> labels)
        {
            var json = LabelsJson(labels);
            InTransaction($"recording the base labels of pair {pairId}", () => SetBaseLabelsCore(pairId, json));
        }

        /// <summary>Records many pairs' base labels in one transaction (e.g. after a baseline): all of them or, on any failure, none.</summary>
        /// <exception cref="StateStoreException">NotFound when a pair does not exist; nothing is written.</exception>
        public void SetBaseLabels(IReadOnlyDictionary<long, IReadOnlyList<string>> labelsByPair)
        {
            if (labelsByPair is null) throw new ArgumentNullException(nameof(labelsByPair));
            var rows = new List<(long, string)>(labelsByPair.Count);
            foreach (var entry in labelsByPair)
                rows.Add((entry.Key, LabelsJson(entry.Value)));
            InTransaction($"recording the base labels of {rows.Count} pairs", () =>
            {
                foreach (var (pairId, json) in rows)
                    SetBaseLabelsCore(pairId, json);
            });
        }

        private void SetBaseLabelsCore(long pairId, string json)
        {
            if (Execute("UPDATE pairs SET base_labels = @labels WHERE pair_id = @id", ("@labels", json), ("@id", pairId)) == 0)
                throw new StateStoreException(StateErrorKind.NotFound, $"There is no pair {pairId} to record base labels for.");
        }

        private static string LabelsJson(IEnumerable<string> labels) =>
            JsonSerializer.Serialize(SiteLabels.Canonical(labels ?? throw new ArgumentNullException(nameof(labels))));

        private IReadOnlyList<string> ParseLabels(long pairId, string json)
        {
            try
            {
                var labels = JsonSerializer.Deserialize<string[]>(json);
                if (labels != null && Array.TrueForAll(labels, l => !string.IsNullOrWhiteSpace(l)))
                    return SiteLabels.Canonical(labels);
            }
            catch (JsonException)
            {
                // reported below with the file and pair named
            }

            throw new StateStoreException(StateErrorKind.UnreadableValue,
                $"The base labels of pair {pairId} in {Named} are not a JSON array of label names.");
        }
    }
}
