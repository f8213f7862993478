using System;
using System.Linq;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// One space in scope (Get-SyncedSpace): its settings, what the state file records, and — when the sites were read —
    /// what a sync would do now.
    /// </summary>
    public sealed record SyncedSpaceStatus
    {
        public string SpaceKey { get; init; } = "";
        public string CloudKey { get; init; } = "";
        public string Owner { get; init; } = "";
        /// <summary>
        /// The phase as the scope file and Set-SyncedSpace -Phase spell it (dual-write), so that what a user reads is what
        /// they filter on (Where-Object Phase -eq dual-write); null when the space names none.
        /// </summary>
        public string? Phase { get; init; }
        public SyncDirection Direction { get; init; }
        public ConflictPolicy Conflicts { get; init; }
        /// <summary>When Start-SpaceBaseline recorded the pairs; null = no baseline yet.</summary>
        public DateTimeOffset? BaselineAt { get; init; }
        public DateTimeOffset? LastRunAt { get; init; }
        public RunOutcome? LastRunOutcome { get; init; }
        /// <summary>Pairs whose pages are current on both sites.</summary>
        public int PairedPages { get; init; }
        public int OpenConflicts { get; init; }
        /// <summary>
        /// Pages restrictions keep unsynced (restrictedPages: skip), as the space's runs last found them: the state's
        /// count, the same whichever listing the last run made (a change run's drift lists only what it looked at).
        /// Null while the baseline is the latest run: the baseline does not read restrictions, the first sync does.
        /// </summary>
        public int? RestrictedPages { get; init; }
        /// <summary>Page writes a sync would make on Cloud now; null when not computed (-Offline, no baseline, a site failed).</summary>
        public int? PendingToCloud { get; init; }
        /// <summary>Page writes a sync would make on Data Center now; null when not computed.</summary>
        public int? PendingToDataCenter { get; init; }
        /// <summary>Pages changed on both sides that a sync would leave alone now; null when not computed.</summary>
        public int? PendingConflicts { get; init; }
        /// <summary>The scope file this space comes from: lets `Get-SyncedSpace | Get-SyncDrift` find it again.</summary>
        public string ScopePath { get; init; } = "";

        /// <param name="pending">What a sync would do now; null when the sites were not read.</param>
        public static SyncedSpaceStatus From(ResolvedScope scope, ResolvedSpace space, StateStore? state, PendingChanges? pending = null)
        {
            var record = state?.GetSpace(space.Key);
            var lastRun = state?.ListRuns(space.Key, newest: 1).FirstOrDefault();
            return new SyncedSpaceStatus
            {
                SpaceKey = space.Key,
                CloudKey = space.CloudKey,
                Owner = space.Owner,
                Phase = space.Phase is MigrationPhase phase ? ScopeVocabulary.Phase.Word(phase) : null,
                Direction = space.Direction,
                Conflicts = space.Conflicts,
                BaselineAt = record?.BaselineAt,
                LastRunAt = lastRun?.FinishedAt ?? lastRun?.StartedAt,
                LastRunOutcome = lastRun?.Outcome,
                PairedPages = state?.ListPairs(space.Key).Count(p => p.Status == PairStatus.Active) ?? 0,
                OpenConflicts = state?.ListConflicts(space.Key).Count ?? 0,
                // The latest run is enough: every run after the baseline is a sync (a sync that died at its start saved nothing).
                RestrictedPages = record is null || lastRun is null || lastRun.Kind == RunKind.Baseline
                    ? null
                    : state!.ListRestrictedPages(space.Key).Count,
                PendingToCloud = pending?.ToCloud,
                PendingToDataCenter = pending?.ToDataCenter,
                PendingConflicts = pending?.Conflicts,
                ScopePath = scope.Path,
            };
        }
    }
}
