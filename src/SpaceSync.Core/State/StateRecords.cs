using System;
using System.Collections.Generic;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.State
{
    /// <summary>Where a pair stands; a trashed side is remembered so a restore can be told from a new page.</summary>
    public enum PairStatus { Active, TrashedOnCloud, TrashedOnDataCenter, TrashedOnBoth }

    public enum RunKind
    {
        Baseline,
        Sync,
        // ---- conflict resolution
        /// <summary>Resolve-SyncConflict: only the resolved pages are written; the change marks stay.</summary>
        Resolve,
    }

    public enum RunOutcome { Succeeded, Failed, Cancelled, Refused }

    /// <summary>One synced space. Keyed by the Data Center space key (the scope file's <c>key</c>).</summary>
    public sealed record SpaceRecord(string SpaceKey, string CloudKey)
    {
        public DateTimeOffset? BaselineAt { get; init; }
        public long? LastRunId { get; init; }
        public DateTimeOffset? LastRunAt { get; init; }
        /// <summary>High-water mark of the last Data Center change query (the next query starts here minus an overlap).</summary>
        public DateTimeOffset? DataCenterChangesSince { get; init; }
        /// <summary>High-water mark of the last Cloud change query.</summary>
        public DateTimeOffset? CloudChangesSince { get; init; }
    }

    /// <summary>High-water marks a finished run advances to; null leaves a side's mark as it was.</summary>
    public sealed record ChangeMarks(DateTimeOffset? DataCenter, DateTimeOffset? Cloud)
    {
        /// <summary>When this run listed both sides in full (structurally); null keeps the previous time.</summary>
        public DateTimeOffset? StructuralAt { get; init; }

        /// <summary>The pages this run left unsettled, replacing the previous list; null keeps it.</summary>
        public IReadOnlyList<UnsettledPage>? Unsettled { get; init; }

        /// <summary>Of the pages in <see cref="Unsettled"/>, the version the run read and the hash it compared it by.</summary>
        public IReadOnlyDictionary<UnsettledPage, SeenHash>? Seen { get; init; }
        /// <summary>Each site's space as this run looked it up (StateSchema V8); null keeps what the state holds.</summary>
        public Sites.SiteSpace? DataCenterSpace { get; init; }
        public Sites.SiteSpace? CloudSpace { get; init; }
    }

    /// <summary>
    /// An unsettled page's version as a run read it, the hash it compared it by, and the key of the translation inputs that
    /// hash was computed under (see StateSchema V7): a later run reading the same version under the same key takes it.
    /// </summary>
    public sealed record SeenHash(int Version, string Hash, string Inputs);

    /// <summary>A page a run saw changed and left alone (see StateSchema V2).</summary>
    public sealed record UnsettledPage(SiteKind Side, string PageId);

    /// <summary>What an incremental run needs to know about the runs before it.</summary>
    public sealed record ReadMarks
    {
        public DateTimeOffset? DataCenterChangesSince { get; init; }
        public DateTimeOffset? CloudChangesSince { get; init; }
        public DateTimeOffset? StructuralAt { get; init; }
        public IReadOnlyList<UnsettledPage> Unsettled { get; init; } = Array.Empty<UnsettledPage>();

        /// <summary>The hashes the last run recorded for unsettled pages (those it read with a body).</summary>
        public IReadOnlyDictionary<UnsettledPage, SeenHash> Seen { get; init; } = new Dictionary<UnsettledPage, SeenHash>();
        /// <summary>Each site's space as a run last looked it up; null before any run recorded it.</summary>
        public Sites.SiteSpace? DataCenterSpace { get; init; }
        public Sites.SiteSpace? CloudSpace { get; init; }
    }

    /// <summary>
    /// A Data Center page and its Cloud counterpart, with what was last synced: the versions on each side
    /// and the normalized body both agreed on (the base of a three-way comparison).
    /// </summary>
    public sealed record PairRecord
    {
        /// <summary>0 until stored.</summary>
        public long Id { get; init; }
        public string SpaceKey { get; init; } = "";
        public string DataCenterPageId { get; init; } = "";
        public string CloudPageId { get; init; } = "";
        public int DataCenterVersion { get; init; }
        public int CloudVersion { get; init; }
        /// <summary>The pair of the parent pages; null for a page at the space root.</summary>
        public long? ParentPairId { get; init; }
        public string Title { get; init; } = "";
        /// <summary>
        /// The normalized body both sides agreed on. Null = not loaded: <see cref="StateStore.ListPairs"/> leaves the bodies
        /// in the file (a quiet run needs none of them; <see cref="StateStore.GetBaseBody"/> reads one when a page changed),
        /// and writing a pair whose base body is null keeps the stored one.
        /// </summary>
        public string? BaseBody { get; init; } = "";
        public string BaseHash { get; init; } = "";
        public PairStatus Status { get; init; } = PairStatus.Active;
        /// <summary>Set by the store on every write.</summary>
        public DateTimeOffset UpdatedAt { get; init; }

        // The body can be large; keep log lines short.
        public override string ToString() =>
            $"pair {Id} {SpaceKey} dc:{DataCenterPageId} v{DataCenterVersion} / cloud:{CloudPageId} v{CloudVersion} '{Title}' ({Status})";
    }

    /// <summary>
    /// A create about to be sent, recorded before the request so that after a crash the next run looks for the
    /// page (by title under the parent) and adopts it instead of creating a duplicate.
    /// </summary>
    public sealed record CreateIntent
    {
        public long Id { get; init; }
        public string SpaceKey { get; init; } = "";
        public SiteKind SourceSide { get; init; }
        public string SourcePageId { get; init; } = "";
        public SiteKind TargetSide => SourceSide == SiteKind.Cloud ? SiteKind.DataCenter : SiteKind.Cloud;
        public string Title { get; init; } = "";
        /// <summary>The parent page id on the target side; null for the space root.</summary>
        public string? TargetParentId { get; init; }
        public long? RunId { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
    }

    public sealed record RunRecord
    {
        public long Id { get; init; }
        public string SpaceKey { get; init; } = "";
        public RunKind Kind { get; init; }
        public DateTimeOffset StartedAt { get; init; }
        public DateTimeOffset? FinishedAt { get; init; }
        /// <summary>Null while the run is underway, or when it died without finishing.</summary>
        public RunOutcome? Outcome { get; init; }
        public IReadOnlyDictionary<string, int> Counts { get; init; } = new Dictionary<string, int>();
        public int? Requests { get; init; }
    }

    /// <summary>One thing a run did (or refused to do) to one page.</summary>
    public sealed record HistoryEntry
    {
        public long Id { get; init; }
        public long? RunId { get; init; }
        /// <summary>Set by the store when written.</summary>
        public DateTimeOffset At { get; init; }
        public string SpaceKey { get; init; } = "";
        public string? DataCenterPageId { get; init; }
        public string? CloudPageId { get; init; }
        public string? Title { get; init; }
        /// <summary>What was done, in the executor's words (e.g. <c>update-cloud</c>, <c>conflict</c>).</summary>
        public string Action { get; init; } = "";
        public int? DataCenterVersionBefore { get; init; }
        public int? DataCenterVersionAfter { get; init; }
        public int? CloudVersionBefore { get; init; }
        public int? CloudVersionAfter { get; init; }
        public string? Message { get; init; }
    }

    /// <summary>A pair changed on both sides since its base. At most one open conflict per pair.</summary>
    public sealed record ConflictRecord
    {
        public long Id { get; init; }
        /// <summary>0 inside a <see cref="PageOutcome"/> means "the outcome's pair".</summary>
        public long PairId { get; init; }
        public int DataCenterVersion { get; init; }
        public int CloudVersion { get; init; }
        public int BaseDataCenterVersion { get; init; }
        public int BaseCloudVersion { get; init; }
        public string Reason { get; init; } = "";
        /// <summary>Set by the store at first detection; kept when the conflict is seen again.</summary>
        public DateTimeOffset DetectedAt { get; init; }
        public DateTimeOffset? ResolvedAt { get; init; }
        public string? Resolution { get; init; }
    }

    public sealed record ConflictResolution(long ConflictId, string Resolution);

    public sealed record SpaceLock(string SpaceKey, string OwnerId, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);

    /// <summary>
    /// The result of trying to take a space's lock. <see cref="Holder"/> is whoever holds it now (this owner when
    /// acquired). <see cref="TakenOverFrom"/> is an expired lock that was replaced: a run that died.
    /// </summary>
    public sealed record LockAttempt(bool Acquired, SpaceLock Holder, SpaceLock? TakenOverFrom);

    /// <summary>
    /// Everything about one page's outcome, written in one transaction by <see cref="StateStore.RecordPageOutcome"/>:
    /// applied in the order removal, pair, base labels, intent, conflicts, history.
    /// </summary>
    public sealed record PageOutcome
    {
        /// <summary>A pair that no longer exists (e.g. both pages gone); its open conflicts go with it.</summary>
        public long? RemovedPairId { get; init; }
        /// <summary>Inserted when <c>Id</c> is 0 (or updated if the Data Center page is already paired), else updated by id.</summary>
        public PairRecord? Pair { get; init; }
        /// <summary>The create intent this outcome completes (the page was created or adopted).</summary>
        public long? CompletedIntentId { get; init; }
        /// <summary>Opened, or refreshed if the pair already has an open conflict.</summary>
        public ConflictRecord? Conflict { get; init; }
        public ConflictResolution? ResolvedConflict { get; init; }
        public IReadOnlyList<HistoryEntry> History { get; init; } = Array.Empty<HistoryEntry>();
        /// <summary>
        /// The outcome's pair's new base labels (after a label merge), written with the pair; null leaves the recorded
        /// ones as they are. Needs the outcome to store a pair.
        /// </summary>
        public IReadOnlyList<string>? BaseLabels { get; init; }
    }
}
