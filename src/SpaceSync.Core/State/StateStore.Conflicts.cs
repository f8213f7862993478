using System.Data.Common;
using System.Collections.Generic;

namespace SpaceSync.Core.State
{
    // Conflicts: pages changed on both sides since their base, kept until resolved.
    public sealed partial class StateStore
    {
        private const string ConflictColumns =
            "c.conflict_id, c.pair_id, c.dc_version, c.cloud_version, c.base_dc_version, c.base_cloud_version, c.reason, " +
            "c.detected_at, c.resolved_at, c.resolution";

        /// <summary>
        /// Opens a conflict on the pair, or refreshes the versions and reason of the one already open (a conflict
        /// seen again by the next run is the same conflict: its detection time stays).
        /// </summary>
        public ConflictRecord RecordConflict(ConflictRecord conflict) =>
            InTransaction($"recording a conflict on pair {conflict.PairId}", () => RecordConflictCore(conflict));

        /// <summary>Marks an open conflict resolved. <see cref="StateErrorKind.NotFound"/> when no such open conflict exists.</summary>
        public void ResolveConflict(long conflictId, string resolution) =>
            InTransaction($"resolving conflict {conflictId}", () => ResolveConflictCore(conflictId, resolution));

        public ConflictRecord? GetOpenConflict(long pairId) =>
            QuerySingle($"SELECT {ConflictColumns} FROM conflicts c WHERE c.pair_id = @pair AND c.resolved_at IS NULL",
                ReadConflict, ("@pair", pairId));

        /// <summary>The space's conflicts in detection order; resolved ones only when asked.</summary>
        public IReadOnlyList<ConflictRecord> ListConflicts(string spaceKey, bool includeResolved = false) =>
            Query($@"SELECT {ConflictColumns} FROM conflicts c JOIN pairs p ON p.pair_id = c.pair_id
                     WHERE p.space_key = @key AND (@all OR c.resolved_at IS NULL)
                     ORDER BY c.conflict_id",
                ReadConflict, ("@key", spaceKey), ("@all", includeResolved));

        private ConflictRecord RecordConflictCore(ConflictRecord conflict)
        {
            Require(conflict.Reason, nameof(conflict.Reason));
            var row = Query(
                @"INSERT INTO conflicts (pair_id, dc_version, cloud_version, base_dc_version, base_cloud_version, reason, detected_at)
                  VALUES (@pair, @dc, @cloud, @baseDc, @baseCloud, @reason, @detected)
                  ON CONFLICT (pair_id) WHERE resolved_at IS NULL DO UPDATE SET dc_version = excluded.dc_version,
                      cloud_version = excluded.cloud_version, base_dc_version = excluded.base_dc_version,
                      base_cloud_version = excluded.base_cloud_version, reason = excluded.reason
                  RETURNING conflict_id, detected_at",
                r => (Id: r.GetInt64(0), DetectedAt: StateText.ParseTime(r.GetString(1))),
                ("@pair", conflict.PairId), ("@dc", conflict.DataCenterVersion), ("@cloud", conflict.CloudVersion),
                ("@baseDc", conflict.BaseDataCenterVersion), ("@baseCloud", conflict.BaseCloudVersion),
                ("@reason", conflict.Reason), ("@detected", StateText.Time(Now())))[0];
            return conflict with { Id = row.Id, DetectedAt = row.DetectedAt, ResolvedAt = null, Resolution = null };
        }

        private void ResolveConflictCore(long conflictId, string resolution)
        {
            Require(resolution, nameof(resolution));
            var changed = Execute(
                "UPDATE conflicts SET resolved_at = @at, resolution = @resolution WHERE conflict_id = @id AND resolved_at IS NULL",
                ("@at", StateText.Time(Now())), ("@resolution", resolution), ("@id", conflictId));
            if (changed == 0)
                throw new StateStoreException(StateErrorKind.NotFound, $"There is no open conflict {conflictId} in {Named}.");
        }

        private static ConflictRecord ReadConflict(DbDataReader r) => new ConflictRecord
        {
            Id = r.GetInt64(0),
            PairId = r.GetInt64(1),
            DataCenterVersion = r.GetInt32(2),
            CloudVersion = r.GetInt32(3),
            BaseDataCenterVersion = r.GetInt32(4),
            BaseCloudVersion = r.GetInt32(5),
            Reason = r.GetString(6),
            DetectedAt = StateText.ParseTime(r.GetString(7)),
            ResolvedAt = Time(r, 8),
            Resolution = Text(r, 9),
        };
    }
}
