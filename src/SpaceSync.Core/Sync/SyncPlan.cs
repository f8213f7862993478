using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    /// <summary>A page's state between the two sites (SPEC §2, DriftItem.Status).</summary>
    public enum DriftStatus
    {
        InSync,
        CloudAhead,
        DataCenterAhead,
        Conflict,
        OnlyOnCloud,
        OnlyOnDataCenter,
        DeletedOnCloud,
        DeletedOnDataCenter,
        Restricted,
        /// <summary>Archived on a site (Cloud's page archive): nothing is written to it or its twin; edits wait until it is restored.</summary>
        Archived,
        /// <summary>
        /// Not a page: a Cloud folder (or whiteboard, database, embed) holding synced pages. Data Center has no such thing, so
        /// it stays on Cloud only and its pages sync below the nearest page above it (SyncPlan.Folders; never written).
        /// </summary>
        CloudFolder,
        Excluded,
        Unpaired,
        /// <summary>
        /// A page whose body does not parse as storage format (PageSnapshot.Unreadable): nothing is written to it or its twin,
        /// and a sync counts it as failed, naming the page and the parser's words, until it is fixed on its site.
        /// </summary>
        Unreadable,
    }

    /// <summary>What changed on a side since the last sync.</summary>
    [Flags]
    public enum PageChanges
    {
        None = 0,
        Body = 1,
        Title = 2,
        Parent = 4,
        Labels = 8,
        Attachments = 16,
        Trashed = 32,
        Restored = 64,
        Purged = 128,
        Created = 256,
        // ---- comments
        /// <summary>Footer comments were added, edited or deleted on this side (the run's comment step carries them).</summary>
        Comments = 512,
    }

    public enum SyncActionKind
    {
        /// <summary>Create the page on the target from the source page.</summary>
        Create,
        /// <summary>Write body, title and/or parent to the existing target page.</summary>
        Update,
        /// <summary>Move the target page to the trash.</summary>
        Trash,
        /// <summary>Bring the target page back from the trash.</summary>
        Restore,
        /// <summary>Pair an existing target page with the source page (same title, same content): no write.</summary>
        Adopt,
        /// <summary>Only the state changes (e.g. both sides made the same edit, or both trashed the page).</summary>
        RecordState,
        /// <summary>Add and remove labels on the target page (<see cref="SyncAction.LabelsToAdd"/>, <see cref="SyncAction.LabelsToRemove"/>).</summary>
        Labels,

        // ---- attachments (SyncAction.Attachment says which file)
        /// <summary>Copy a file to the target page: a new attachment, or a new version of the paired one.</summary>
        UploadAttachment,
        /// <summary>Delete (trash) the target's copy of a file removed on the source.</summary>
        DeleteAttachment,
        /// <summary>Only the attachment pairs change: pair two equal files, or forget a file removed on both sites.</summary>
        RecordAttachment,

        // ---- restrictions
        /// <summary>Set the target page's read and update restrictions (restrictedPages: mirror), before any content reaches it.</summary>
        Restrict,
    }

    /// <summary>Where a written page goes: top level, under an existing target page, or under a page this plan creates.</summary>
    public sealed record ParentRef
    {
        public static ParentRef TopLevel { get; } = new ParentRef();

        /// <summary>The parent's id on the target site, when it exists there already.</summary>
        public string? TargetId { get; init; }
        /// <summary>The Create action (in the same plan) that makes the parent.</summary>
        public int? CreatedByAction { get; init; }

        public bool IsTopLevel => TargetId is null && CreatedByAction is null;

        public static ParentRef Existing(string targetId) => new ParentRef { TargetId = targetId };

        public static ParentRef Created(int actionId) => new ParentRef { CreatedByAction = actionId };

        public override string ToString() =>
            TargetId is not null ? "page " + TargetId : CreatedByAction is int a ? "page created by action " + a : "top level";
    }

    /// <summary>
    /// One write (or state-only step) of a plan. Every write names the target version it was planned
    /// against: the executor writes version+1, and a 409 means somebody edited meanwhile.
    /// </summary>
    public sealed record SyncAction
    {
        public int Id { get; init; }
        public SyncActionKind Kind { get; init; }
        public SyncSide Target { get; init; }
        /// <summary>The page the content comes from (creates, and updates that carry a body or title).</summary>
        public SyncSide Source { get; init; }
        public string? SourceId { get; init; }
        public int? SourceVersion { get; init; }
        /// <summary>The target page; null for a create.</summary>
        public string? TargetId { get; init; }
        /// <summary>The target page's version the action was planned against; null for a create.</summary>
        public int? TargetVersion { get; init; }
        /// <summary>The pair this acts on (its Data Center id); null for a page not yet paired.</summary>
        public string? PairKey { get; init; }
        /// <summary>Title to write (creates and renames).</summary>
        public string Title { get; init; } = "";
        /// <summary>Updates: true when the body comes from the source page; false keeps the target's body.</summary>
        public bool WritesBody { get; init; }
        /// <summary>Creates and moves: where the page goes; null when the parent does not change.</summary>
        public ParentRef? Parent { get; init; }
        public PageChanges Changes { get; init; }
        public IReadOnlyList<int> DependsOn { get; init; } = Array.Empty<int>();
        /// <summary>Why, in words an admin reads in -WhatIf and history.</summary>
        public string Reason { get; init; } = "";

        // ---- restrictions
        /// <summary>
        /// Restrict: the restrictions to set (users by the target's ids). Create: restrictions the new page must have before
        /// its body is written (the page is made empty, restricted, then filled); null = none.
        /// </summary>
        public Sites.PageRestrictions? Restrictions { get; init; }

        // ---- labels
        // A Labels action with TargetId null acts on the page the Create it depends on (DependsOn[0]) made. One with
        // nothing to add or remove only records the pair's new base labels.
        public IReadOnlyList<string> LabelsToAdd { get; init; } = Array.Empty<string>();
        public IReadOnlyList<string> LabelsToRemove { get; init; } = Array.Empty<string>();
        /// <summary>The pair's base labels the merge used (null = never recorded).</summary>
        public IReadOnlyList<string>? LabelsBase { get; init; }
        /// <summary>Both pages' labels as the plan saw them: with what was written, they give the next base.</summary>
        public IReadOnlyList<string> LabelsOnDataCenter { get; init; } = Array.Empty<string>();
        public IReadOnlyList<string> LabelsOnCloud { get; init; } = Array.Empty<string>();

        public bool WritesSite => Kind != SyncActionKind.RecordState && Kind != SyncActionKind.Adopt && Kind != SyncActionKind.RecordAttachment &&
                                  (Kind != SyncActionKind.Labels || LabelsToAdd.Count + LabelsToRemove.Count > 0);

        public override string ToString() =>
            $"#{Id} {Kind} on {Target.Label()}" + (TargetId is null ? "" : $" page {TargetId} v{TargetVersion}") + $" \"{Title}\"" +
            (Attachment is null ? "" : " " + Attachment) + $": {Reason}";

        // ---- attachments
        /// <summary>Attachment actions: the file (then TargetId is the target page, null when this plan creates it, see DependsOn).</summary>
        public AttachmentRef? Attachment { get; init; }

        // ---- merge
        /// <summary>
        /// Updates under <c>conflicts: merge</c>: the body to write is the three-way block merge of both pages' bodies against
        /// the pair's base, made by the executor when it runs (a collision leaves both pages as they are, a conflict).
        /// </summary>
        public bool MergesBody { get; init; }
    }

    /// <summary>One page's standing between the sites, with the action a sync would take (or a Cloud folder's: DriftStatus.CloudFolder).</summary>
    public sealed record DriftItem
    {
        public string SpaceKey { get; init; } = "";
        public DriftStatus Status { get; init; }
        public string Title { get; init; } = "";
        public string? DataCenterId { get; init; }
        public string? CloudId { get; init; }
        public int? DataCenterVersion { get; init; }
        public int? CloudVersion { get; init; }
        public PageChanges DataCenterChanges { get; init; }
        public PageChanges CloudChanges { get; init; }
        /// <summary>The actions planned for this page (ids into the plan); empty = nothing will be written.</summary>
        public IReadOnlyList<int> ActionIds { get; init; } = Array.Empty<int>();
        /// <summary>What a sync will do, in words: "update Cloud", "none: conflict (manual)".</summary>
        public string Action { get; init; } = "";
        public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
    }

    /// <summary>Why a whole plan must not run (the run changes nothing).</summary>
    public sealed record PlanRefusal(string Code, string Message, bool ForceOverrides);

    /// <summary>A space's plan: every page's drift, the ordered actions, and a refusal when a guard trips.</summary>
    public sealed record SyncPlan
    {
        public string SpaceKey { get; init; } = "";
        public IReadOnlyList<DriftItem> Items { get; init; } = Array.Empty<DriftItem>();
        /// <summary>In execution order: restores, creates (parents first), updates, trashes (children first), state-only steps.</summary>
        public IReadOnlyList<SyncAction> Actions { get; init; } = Array.Empty<SyncAction>();
        public PlanRefusal? Refusal { get; init; }
        /// <summary>Warnings about the whole plan rather than one page (e.g. a filter that could not decide), each once.</summary>
        public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

        /// <summary>
        /// The Cloud folders (and whiteboards, databases, embeds) holding the space's synced pages, one DriftItem each with
        /// status CloudFolder, CloudId the folder's id and no action: shown by Get-SyncDrift, never written anywhere. Kept out of
        /// <see cref="Items"/>, which are pages.
        /// </summary>
        public IReadOnlyList<DriftItem> Folders { get; init; } = Array.Empty<DriftItem>();

        public int CountOf(SyncActionKind kind) => Actions.Count(a => a.Kind == kind);
    }
}
