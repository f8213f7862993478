using System;
using System.Data.Common;
using System.Collections.Generic;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.State
{
    // Spaces and pairs.
    public sealed partial class StateStore
    {
        private const string SpaceColumns =
            "space_key, cloud_key, baseline_at, last_run_id, last_run_at, dc_changes_since, cloud_changes_since";

        private const string PairColumns =
            "pair_id, space_key, dc_page_id, cloud_page_id, dc_version, cloud_version, parent_pair_id, title, base_body, base_hash, status, updated_at";

        // The same columns in the same places, the base body left in the file.
        private const string PairColumnsWithoutBody =
            "pair_id, space_key, dc_page_id, cloud_page_id, dc_version, cloud_version, parent_pair_id, title, NULL, base_hash, status, updated_at";

        /// <summary>
        /// Rows of the space-sized tables read so far through this store (issue 14: a quiet run must read a handful, not the
        /// space); tests count them, nothing else reads them.
        /// </summary>
        internal StateRowReads RowReads { get; } = new StateRowReads();

        /// <summary>Inserts or replaces the space's row (every column as given).</summary>
        public void SaveSpace(SpaceRecord space)
        {
            Require(space.SpaceKey, nameof(space.SpaceKey));
            Require(space.CloudKey, nameof(space.CloudKey));
            InTransaction($"saving space {space.SpaceKey}", () => Execute(
                $@"INSERT INTO spaces ({SpaceColumns}) VALUES (@key, @cloudKey, @baseline, @lastRun, @lastRunAt, @dcSince, @cloudSince)
                   ON CONFLICT (space_key) DO UPDATE SET cloud_key = excluded.cloud_key, baseline_at = excluded.baseline_at,
                       last_run_id = excluded.last_run_id, last_run_at = excluded.last_run_at,
                       dc_changes_since = excluded.dc_changes_since, cloud_changes_since = excluded.cloud_changes_since",
                ("@key", space.SpaceKey), ("@cloudKey", space.CloudKey), ("@baseline", StateText.TimeOrNull(space.BaselineAt)),
                ("@lastRun", space.LastRunId), ("@lastRunAt", StateText.TimeOrNull(space.LastRunAt)),
                ("@dcSince", StateText.TimeOrNull(space.DataCenterChangesSince)),
                ("@cloudSince", StateText.TimeOrNull(space.CloudChangesSince))));
        }

        public SpaceRecord? GetSpace(string spaceKey) =>
            QuerySingle($"SELECT {SpaceColumns} FROM spaces WHERE space_key = @key", ReadSpace, ("@key", spaceKey));

        public IReadOnlyList<SpaceRecord> ListSpaces() =>
            Query($"SELECT {SpaceColumns} FROM spaces ORDER BY space_key", ReadSpace);

        /// <summary>
        /// Forgets a space: its row, pairs, create intents and conflicts. Runs and history stay (they are the audit
        /// trail). Returns false when the space was not in the file.
        /// </summary>
        public bool RemoveSpace(string spaceKey) =>
            InTransaction($"removing space {spaceKey}", () =>
                Execute("DELETE FROM spaces WHERE space_key = @key", ("@key", spaceKey)) > 0);

        /// <summary>
        /// Stores a pair. <c>Id</c> 0 inserts (or, when the Data Center page is already paired in the space, updates
        /// that pair); otherwise updates the pair with that id. Returns the pair as stored, with its id and time.
        /// </summary>
        public PairRecord SavePair(PairRecord pair) => InTransaction($"saving {pair}", () => SavePairCore(pair));

        /// <summary>
        /// Stores many pairs, each with its conflict and history rows, in one transaction: all of them or, on any failure, none.
        /// Each pair is stored as <see cref="SavePair"/> would, in list order; a write's
        /// <see cref="PairWrite.ParentDataCenterPageId"/> names its parent pair by Data Center page, so a parent stored
        /// earlier in the same list can be referred to before its id exists. Returns the pairs as stored, in list order.
        /// </summary>
        /// <exception cref="StateStoreException">NotFound when a named parent page has no pair in the space; WriteRejected
        /// when the file refuses a row (e.g. a Cloud page paired twice). Nothing of the batch is written.</exception>
        public IReadOnlyList<PairRecord> SavePairs(IReadOnlyList<PairWrite> writes)
        {
            if (writes is null) throw new ArgumentNullException(nameof(writes));
            if (writes.Count == 0) return Array.Empty<PairRecord>();
            return InTransaction($"saving {writes.Count} pairs", () =>
            {
                var stored = new List<PairRecord>(writes.Count);
                var storedByDcPage = new Dictionary<(string Space, string Page), long>();
                foreach (var write in writes)
                {
                    if (write is null) throw new ArgumentException("The batch holds a null pair write.", nameof(writes));
                    var pair = write.Pair;
                    if (write.ParentDataCenterPageId is { } parentPage)
                    {
                        if (pair.ParentPairId != null)
                            throw new ArgumentException($"Give a parent pair id or a parent Data Center page, not both ({pair}).", nameof(writes));
                        var parentId = storedByDcPage.TryGetValue((pair.SpaceKey, parentPage), out var inBatch)
                            ? inBatch
                            : FindPair(pair.SpaceKey, SiteKind.DataCenter, parentPage)?.Id
                              ?? throw new StateStoreException(StateErrorKind.NotFound,
                                  $"The parent Data Center page {parentPage} of {pair} has no pair in space {pair.SpaceKey}; nothing of the batch was written.");
                        pair = pair with { ParentPairId = parentId };
                    }

                    var saved = SavePairCore(pair);
                    if (write.Conflict is { } conflict)
                        RecordConflictCore(conflict with { PairId = saved.Id });
                    foreach (var entry in write.History)
                        AddHistoryCore(entry);
                    storedByDcPage[(saved.SpaceKey, saved.DataCenterPageId)] = saved.Id;
                    stored.Add(saved);
                }
                return (IReadOnlyList<PairRecord>)stored;
            });
        }

        public PairRecord? GetPair(long pairId) =>
            QuerySingle($"SELECT {PairColumns} FROM pairs WHERE pair_id = @id", ReadPair, ("@id", pairId));

        /// <summary>The pair holding the given page of the given side, or null when the page is unpaired.</summary>
        public PairRecord? FindPair(string spaceKey, SiteKind side, string pageId) =>
            QuerySingle(
                side == SiteKind.Cloud
                    ? $"SELECT {PairColumns} FROM pairs WHERE space_key = @key AND cloud_page_id = @page"
                    : $"SELECT {PairColumns} FROM pairs WHERE space_key = @key AND dc_page_id = @page",
                ReadPair, ("@key", spaceKey), ("@page", pageId));

        /// <summary>
        /// Every pair of the space, in the order they were first stored (parents before children when saved so), without
        /// their base bodies (<see cref="PairRecord.BaseBody"/> null): those are most of the file's bytes, and a run needs
        /// only the changed pages' ones (<see cref="GetBaseBody"/>).
        /// </summary>
        public IReadOnlyList<PairRecord> ListPairs(string spaceKey)
        {
            var pairs = Query($"SELECT {PairColumnsWithoutBody} FROM pairs WHERE space_key = @key ORDER BY pair_id", ReadPair, ("@key", spaceKey));
            RowReads.Pairs += pairs.Count;
            return pairs;
        }

        /// <summary>
        /// <see cref="ListPairs"/> for a sync run, which holds every pair while it works: the same rows with less of each
        /// (issue 14: a quiet run of 10k pairs allocated ~0.7 KB a pair here). The space key is the one asked for, an active
        /// pair's status is no string, and <see cref="PairRecord.UpdatedAt"/> is left default: a run never reads it.
        /// </summary>
        internal IReadOnlyList<PairRecord> ListPairsForRun(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            var pairs = Query(
                "SELECT pair_id, dc_page_id, cloud_page_id, dc_version, cloud_version, parent_pair_id, title, base_hash, " +
                "CASE WHEN status = @active THEN NULL ELSE status END FROM pairs WHERE space_key = @key ORDER BY pair_id",
                r => new PairRecord
                {
                    Id = r.GetInt64(0),
                    SpaceKey = spaceKey,
                    DataCenterPageId = r.GetString(1),
                    CloudPageId = r.GetString(2),
                    DataCenterVersion = r.GetInt32(3),
                    CloudVersion = r.GetInt32(4),
                    ParentPairId = Long(r, 5),
                    Title = r.GetString(6),
                    BaseBody = null, // left in the file, as ListPairs does: a write of this record keeps the stored body
                    BaseHash = r.GetString(7),
                    Status = r.IsDBNull(8) ? PairStatus.Active : StateText.Status.Parse(r.GetString(8)),
                },
                ("@key", spaceKey), ("@active", StateText.Status[PairStatus.Active]));
            RowReads.Pairs += pairs.Count;
            return pairs;
        }

        /// <summary>The pair's stored base body; null when there is no such pair.</summary>
        public string? GetBaseBody(long pairId) =>
            QuerySingle("SELECT base_body FROM pairs WHERE pair_id = @id", r => r.GetString(0), ("@id", pairId));

        private PairRecord SavePairCore(PairRecord pair)
        {
            if (pair.Id == 0 && pair.BaseBody is null)
                throw new ArgumentException($"A new pair needs its base body ({pair}).", nameof(pair));
            Require(pair.SpaceKey, nameof(pair.SpaceKey));
            Require(pair.DataCenterPageId, nameof(pair.DataCenterPageId));
            Require(pair.CloudPageId, nameof(pair.CloudPageId));
            Require(pair.BaseHash, nameof(pair.BaseHash));
            if (pair.DataCenterVersion < 1 || pair.CloudVersion < 1)
                throw new ArgumentException($"Page versions start at 1 ({pair}).", nameof(pair));
            if (pair.ParentPairId == pair.Id && pair.Id != 0)
                throw new ArgumentException($"A pair cannot be its own parent ({pair}).", nameof(pair));

            var now = Now();
            var values = new (string, object?)[]
            {
                ("@id", pair.Id), ("@key", pair.SpaceKey), ("@dcPage", pair.DataCenterPageId), ("@cloudPage", pair.CloudPageId),
                ("@dcVersion", pair.DataCenterVersion), ("@cloudVersion", pair.CloudVersion), ("@parent", pair.ParentPairId),
                ("@title", pair.Title), ("@body", pair.BaseBody), ("@hash", pair.BaseHash),
                ("@status", StateText.Status[pair.Status]), ("@updated", StateText.Time(now)),
            };
            long id;
            if (pair.Id == 0)
            {
                id = Scalar<long>(
                    $@"INSERT INTO pairs ({WithoutId(PairColumns)})
                       VALUES (@key, @dcPage, @cloudPage, @dcVersion, @cloudVersion, @parent, @title, @body, @hash, @status, @updated)
                       ON CONFLICT (space_key, dc_page_id) DO UPDATE SET cloud_page_id = excluded.cloud_page_id,
                           dc_version = excluded.dc_version, cloud_version = excluded.cloud_version,
                           parent_pair_id = excluded.parent_pair_id, title = excluded.title, base_body = excluded.base_body,
                           base_hash = excluded.base_hash, status = excluded.status, updated_at = excluded.updated_at
                       RETURNING pair_id", values);
            }
            else
            {
                var changed = Execute(
                    @"UPDATE pairs SET space_key = @key, dc_page_id = @dcPage, cloud_page_id = @cloudPage, dc_version = @dcVersion,
                          cloud_version = @cloudVersion, parent_pair_id = @parent, title = @title, base_body = COALESCE(@body, base_body),
                          base_hash = @hash, status = @status, updated_at = @updated
                      WHERE pair_id = @id", values);
                if (changed == 0)
                    throw new StateStoreException(StateErrorKind.NotFound, $"There is no pair {pair.Id} to update ({pair}).");
                id = pair.Id;
            }
            return pair with { Id = id, UpdatedAt = now };
        }

        private static SpaceRecord ReadSpace(DbDataReader r) => new SpaceRecord(r.GetString(0), r.GetString(1))
        {
            BaselineAt = Time(r, 2),
            LastRunId = Long(r, 3),
            LastRunAt = Time(r, 4),
            DataCenterChangesSince = Time(r, 5),
            CloudChangesSince = Time(r, 6),
        };

        private static PairRecord ReadPair(DbDataReader r) => new PairRecord
        {
            Id = r.GetInt64(0),
            SpaceKey = r.GetString(1),
            DataCenterPageId = r.GetString(2),
            CloudPageId = r.GetString(3),
            DataCenterVersion = r.GetInt32(4),
            CloudVersion = r.GetInt32(5),
            ParentPairId = Long(r, 6),
            Title = r.GetString(7),
            BaseBody = r.IsDBNull(8) ? null : r.GetString(8),
            BaseHash = r.GetString(9),
            Status = StateText.Status.Parse(r.GetString(10)),
            UpdatedAt = StateText.ParseTime(r.GetString(11)),
        };
    }

    /// <summary>Counts of rows read from the tables that grow with the space (see <see cref="StateStore.RowReads"/>).</summary>
    internal sealed class StateRowReads
    {
        public long Pairs;
        public long BaseLabels;
        public long AttachmentPairs;

        public void Reset() => Pairs = BaseLabels = AttachmentPairs = 0;

        public override string ToString() => $"{Pairs} pair rows, {BaseLabels} base-label rows, {AttachmentPairs} attachment-pair rows";
    }

    /// <summary>One pair of a <see cref="StateStore.SavePairs"/> batch, with the conflict and history rows written with it.</summary>
    public sealed record PairWrite
    {
        public PairRecord Pair { get; init; } = new PairRecord();
        /// <summary>
        /// The Data Center page whose pair is this pair's parent (stored earlier in the batch or before it); sets
        /// <see cref="PairRecord.ParentPairId"/>, which must then be null. Null keeps the pair's own parent id.
        /// </summary>
        public string? ParentDataCenterPageId { get; init; }
        /// <summary>An open conflict of this pair, written with it (its <see cref="ConflictRecord.PairId"/> is ignored).</summary>
        public ConflictRecord? Conflict { get; init; }
        public IReadOnlyList<HistoryEntry> History { get; init; } = Array.Empty<HistoryEntry>();
    }
}
