using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Sync.Comments
{
    /// <summary>One footer comment as a site listed it, reduced to what planning compares.</summary>
    public sealed record CommentSnapshot
    {
        public string Id { get; init; } = "";
        /// <summary>The comment it answers on the same site; null for a top-level comment.</summary>
        public string? ParentId { get; init; }
        public int Version { get; init; }
        /// <summary>
        /// Paired comments whose version moved: the hash of its words (attribution stripped) in the dialect of the pair's
        /// origin side, comparable with <see cref="SyncedComment.BaseHash"/>; null when not worked out (then a moved version is an edit).
        /// </summary>
        public string? ContentHash { get; init; }
        /// <summary>
        /// Unpaired comments: the hash of its words in the Data Center dialect (attribution stripped), so that the twin a
        /// migration copied, or the same words written on both sites, is recognised and paired instead of copied again.
        /// </summary>
        public string? MatchHash { get; init; }
    }

    /// <summary>A comment pair as last synced (see State's CommentPairRecord).</summary>
    public sealed record SyncedComment
    {
        public long Id { get; init; }
        public string DataCenterId { get; init; } = "";
        public string CloudId { get; init; } = "";
        /// <summary>Where the comment was written; the other side holds the attributed copy.</summary>
        public SyncSide Origin { get; init; }
        public int DataCenterVersion { get; init; }
        public int CloudVersion { get; init; }
        /// <summary>Hash of the words both comments held after the last sync, in the origin side's dialect.</summary>
        public string BaseHash { get; init; } = "";

        public string IdOn(SyncSide side) => side == SyncSide.DataCenter ? DataCenterId : CloudId;

        public int VersionOn(SyncSide side) => side == SyncSide.DataCenter ? DataCenterVersion : CloudVersion;
    }

    /// <summary>
    /// One page pair's comments. With <see cref="Complete"/> both lists hold every comment of the two pages, so a paired
    /// comment that is absent was deleted; otherwise (a change query) they hold only what changed, and absence means unchanged.
    /// </summary>
    public sealed record CommentPageInput
    {
        public long PagePairId { get; init; }
        public string DataCenterPageId { get; init; } = "";
        public string CloudPageId { get; init; } = "";
        public IReadOnlyList<CommentSnapshot> DataCenter { get; init; } = Array.Empty<CommentSnapshot>();
        public IReadOnlyList<CommentSnapshot> Cloud { get; init; } = Array.Empty<CommentSnapshot>();
        public IReadOnlyList<SyncedComment> Pairs { get; init; } = Array.Empty<SyncedComment>();
        public bool Complete { get; init; }

        public string PageIdOn(SyncSide side) => side == SyncSide.DataCenter ? DataCenterPageId : CloudPageId;

        public IReadOnlyList<CommentSnapshot> On(SyncSide side) => side == SyncSide.DataCenter ? DataCenter : Cloud;
    }

    public enum CommentActionKind
    {
        /// <summary>Copy a new comment from Source to Target (a reply under the copy of its parent).</summary>
        Create,
        /// <summary>Carry an edit from Source to the paired comment on Target.</summary>
        Update,
        /// <summary>Delete the paired comment on Target: the one on Source is gone.</summary>
        Delete,
        /// <summary>Both comments are gone: drop the pair.</summary>
        Forget,
        /// <summary>A version moved without a change of words (or both sides made the same edit): record the versions, write nothing.</summary>
        Record,
        /// <summary>
        /// Two unpaired comments with the same words under twin parents (the copy CCMA made, or the same comment written on
        /// both sites): pair them, write nothing.
        /// </summary>
        Pair,
    }

    /// <summary>One write (or state change) the comment sync makes.</summary>
    public sealed record CommentAction
    {
        public CommentActionKind Kind { get; init; }
        public long PagePairId { get; init; }
        public SyncSide Source { get; init; }
        public SyncSide Target { get; init; }
        public string TargetPageId { get; init; } = "";
        /// <summary>Create and Update: the comment read on Source.</summary>
        public string? SourceCommentId { get; init; }
        /// <summary>Create of a reply: the comment it answers on Source (its copy on Target is the new reply's parent).</summary>
        public string? SourceParentId { get; init; }
        /// <summary>Update, Delete, Forget, Record: the pair concerned.</summary>
        public SyncedComment? Pair { get; init; }
        /// <summary>Pair: the target's twin of the source comment.</summary>
        public string? TwinCommentId { get; init; }
        /// <summary>Update: the target comment's version the write is planned against (as listed now, else as recorded).</summary>
        public int TargetVersion { get; init; }
        /// <summary>Record: the versions to record (null keeps the recorded one).</summary>
        public int? DataCenterVersion { get; init; }
        public int? CloudVersion { get; init; }

        /// <summary>Update and Delete: the comment written on Target.</summary>
        public string? TargetCommentId => Pair?.IdOn(Target);

        public override string ToString() => Kind switch
        {
            CommentActionKind.Create => $"copy comment {SourceCommentId} from {Source.Label()} to page {TargetPageId} on {Target.Label()}" +
                                        (SourceParentId is null ? "" : $" (reply to {SourceParentId})"),
            CommentActionKind.Update => $"carry the edit of comment {SourceCommentId} from {Source.Label()} to comment {TargetCommentId} on {Target.Label()}",
            CommentActionKind.Delete => $"delete comment {TargetCommentId} on {Target.Label()} (deleted on {Source.Label()})",
            CommentActionKind.Record => $"record the new versions of comment pair {Pair?.Id} (words unchanged)",
            CommentActionKind.Pair => $"pair comment {SourceCommentId} on {Source.Label()} with comment {TwinCommentId} on {Target.Label()} (same words)",
            _ => $"forget comment pair {Pair?.Id} (deleted on both sides)",
        };
    }

    /// <summary>A comment change the sync leaves alone and reports: edited on both sides, edited here and deleted there, one-way drift.</summary>
    public sealed record CommentDrift(long PagePairId, string DataCenterPageId, string? DataCenterCommentId, string? CloudCommentId, bool IsConflict, string Message);

    public sealed record CommentPlan(IReadOnlyList<CommentAction> Actions, IReadOnlyList<CommentDrift> Drift);
}
