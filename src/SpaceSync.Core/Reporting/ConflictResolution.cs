using System;
using System.Collections.Generic;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Reporting
{
    /// <summary>What Resolve-SyncConflict keeps of a conflict (SPEC §2).</summary>
    public enum ConflictKeep
    {
        /// <summary>The Cloud version overwrites Data Center (its text stays in the Data Center page's history).</summary>
        Cloud,
        /// <summary>The Data Center version overwrites Cloud (its text stays in the Cloud page's history).</summary>
        DataCenter,
        /// <summary>The two edits merged block by block against the base and written to both sites; overlapping edits stay a conflict.</summary>
        Merged,
        /// <summary>The losing version is kept as a new sibling page on its own site, then the winner overwrites the page.</summary>
        Both,
    }

    /// <summary>One conflict to resolve, by its state id (see <see cref="SyncConflict.ConflictId"/>).</summary>
    public sealed record ConflictResolutionRequest(long ConflictId, ConflictKeep Keep)
    {
        /// <summary>-Keep Both: the side whose version overwrites the page; null = the side whose edit is newer.</summary>
        public SyncSide? Winner { get; init; }
    }

    public enum ResolutionOutcome
    {
        /// <summary>The page is equal on both sites and the conflict is closed.</summary>
        Resolved,
        /// <summary>The run could not settle the page (overlapping edits, a write that failed, an edit during the run): the conflict stays open.</summary>
        Open,
        /// <summary>No open conflict has this id in the space: nothing was written for it.</summary>
        NotOpen,
        /// <summary>-WhatIf: what would be written; nothing was.</summary>
        WhatIf,
    }

    /// <summary>What became of one conflict that Resolve-SyncConflict was asked to settle.</summary>
    public sealed record ConflictResolutionResult
    {
        public long ConflictId { get; init; }
        /// <summary>The space key, or KEY:blogposts for a blog post.</summary>
        public string SpaceKey { get; init; } = "";
        public string Title { get; init; } = "";
        public string DataCenterId { get; init; } = "";
        public string CloudId { get; init; } = "";
        public ConflictKeep Keep { get; init; }
        /// <summary>The side whose version was written over the other; null for a merge or when nothing was written.</summary>
        public SyncSide? Kept { get; init; }
        /// <summary>The pages' versions after the run (as read when nothing was written).</summary>
        public int? DataCenterVersion { get; init; }
        public int? CloudVersion { get; init; }
        /// <summary>-Keep Both: the new page that holds the losing version, on the loser's site.</summary>
        public string? CopyPageId { get; init; }
        public string? CopyTitle { get; init; }
        public ResolutionOutcome Outcome { get; init; }
        /// <summary>What was done, or why not, in words an admin reads (the conflict's resolution text when resolved).</summary>
        public string Message { get; init; } = "";
        /// <summary>The resolution run (Get-SyncHistory -RunId); null for -WhatIf or when no run was needed.</summary>
        public long? RunId { get; init; }
    }

    /// <summary>One resolution run of one space (or blog-post collection): the run as Invoke-SpaceSync reports it, and each conflict's result.</summary>
    public sealed record ResolutionRunResult
    {
        public string SpaceKey { get; init; } = "";
        /// <summary>Null when no conflict asked for was open (nothing ran).</summary>
        public SyncRunResult? Run { get; init; }
        public IReadOnlyList<ConflictResolutionResult> Conflicts { get; init; } = Array.Empty<ConflictResolutionResult>();
    }
}
