using System;
using System.Linq;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Reporting
{
    /// <summary>One space in scope as the state file knows it (Get-SyncedSpace). Read from the state only: no site request.</summary>
    public sealed record SyncedSpaceStatus
    {
        public string SpaceKey { get; init; } = "";
        public string CloudKey { get; init; } = "";
        public string Owner { get; init; } = "";
        public MigrationPhase? Phase { get; init; }
        public SyncDirection Direction { get; init; }
        public ConflictPolicy Conflicts { get; init; }
        /// <summary>When Start-SpaceBaseline recorded the pairs; null = no baseline yet.</summary>
        public DateTimeOffset? BaselineAt { get; init; }
        public DateTimeOffset? LastRunAt { get; init; }
        public RunOutcome? LastRunOutcome { get; init; }
        /// <summary>Pairs whose pages are current on both sites.</summary>
        public int PairedPages { get; init; }
        public int OpenConflicts { get; init; }
        /// <summary>The scope file this space comes from: lets `Get-SyncedSpace | Get-SyncDrift` find it again.</summary>
        public string ScopePath { get; init; } = "";

        public static SyncedSpaceStatus From(ResolvedScope scope, ResolvedSpace space, StateStore? state)
        {
            var record = state?.GetSpace(space.Key);
            var lastRun = state?.ListRuns(space.Key, newest: 1).FirstOrDefault();
            return new SyncedSpaceStatus
            {
                SpaceKey = space.Key,
                CloudKey = space.CloudKey,
                Owner = space.Owner,
                Phase = space.Phase,
                Direction = space.Direction,
                Conflicts = space.Conflicts,
                BaselineAt = record?.BaselineAt,
                LastRunAt = lastRun?.FinishedAt ?? lastRun?.StartedAt,
                LastRunOutcome = lastRun?.Outcome,
                PairedPages = state?.ListPairs(space.Key).Count(p => p.Status == PairStatus.Active) ?? 0,
                OpenConflicts = state?.ListConflicts(space.Key).Count ?? 0,
                ScopePath = scope.Path,
            };
        }
    }
}
