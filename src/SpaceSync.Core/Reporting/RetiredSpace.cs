using SpaceSync.Core.State;

namespace SpaceSync.Core.Reporting
{
    /// <summary>A space Remove-SyncedSpace took out of sync (its -PassThru output).</summary>
    public sealed record RetiredSpace
    {
        public string SpaceKey { get; init; } = "";
        /// <summary>The scope file its entry was removed from.</summary>
        public string ScopePath { get; init; } = "";
        /// <summary>The archive holding its state; null when the state had nothing for it (no baseline).</summary>
        public string? ArchivePath { get; init; }
        public int ArchivedPairs { get; init; }
        public int ArchivedConflicts { get; init; }
        public int ArchivedRuns { get; init; }
        /// <summary>Retired with -Force: the pending-change check was skipped.</summary>
        public bool Forced { get; init; }

        public static RetiredSpace From(string spaceKey, string scopePath, SpaceArchive? archive, bool forced) => new RetiredSpace
        {
            SpaceKey = spaceKey,
            ScopePath = scopePath,
            ArchivePath = archive?.Path,
            ArchivedPairs = archive?.Pairs ?? 0,
            ArchivedConflicts = archive?.Conflicts ?? 0,
            ArchivedRuns = archive?.Runs ?? 0,
            Forced = forced,
        };
    }
}
