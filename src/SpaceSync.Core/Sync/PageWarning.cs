namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// What a warning about one page is about, so a host can group them without reading their English (issue 15: a run
    /// printed ~70 restricted-page lines). Stable names: hosts and scripts match on them; add new kinds at the end.
    /// </summary>
    public enum PageWarningKind
    {
        /// <summary>A page or pair that restrictions keep from being written (SyncPlanner.Restrictions); recurs every run.</summary>
        RestrictedSkipped,

        /// <summary>A page or pair left alone because a page of it is in its site's archive (SyncPlanner.Archived); recurs every run.</summary>
        ArchivedLeftAlone,

        /// <summary>A new page not copied because the other site has a page of its title (SyncPlanner: TitleCollision); recurs every run.</summary>
        TitleCollision,

        /// <summary>A write refused because its page or parent turned out archived when written (SyncRunner.Archived).</summary>
        ArchivedWriteSkipped,

        /// <summary>A page whose body does not parse: not synced until fixed (SyncPlanner.Unreadable, failed by SyncRunner.Unreadable).</summary>
        UnreadableBody,

        /// <summary>A body crossed with something the other dialect cannot hold (an unmapped user, a macro): SyncRunner/BaselineRunner.Translation.</summary>
        TranslationLoss,

        /// <summary>A page whose links to pages not paired yet could not be rewritten after its create (SyncRunner.Relink).</summary>
        RelinkFailed,

        /// <summary>A file copied to a page that is not paired, so not recorded (SyncRunner.Attachments).</summary>
        FileNotRecorded,

        /// <summary>A page's comments: drift or a comment write not done (Comments.CommentAspect).</summary>
        CommentNotSynced,

        /// <summary>The empty page made for a restricted create could not be removed (SyncRunner.Restrictions).</summary>
        RestrictedCreateLeftover,
    }

    /// <summary>
    /// One warning about one page: its kind, the space, both page ids when known, the title, and the engine's text (the same
    /// text the log file and the drift carry). Hosts receive it through <see cref="Logging.EngineLog"/>'s page sink.
    /// </summary>
    public sealed record PageWarning(PageWarningKind Kind, string SpaceKey, string? DataCenterId, string? CloudId, string Title, string Message)
    {
        /// <summary>The same page whichever run names it: its Data Center id, else its Cloud id.</summary>
        public string PageKey => DataCenterId != null ? "dc:" + DataCenterId : "cloud:" + (CloudId ?? Title);

        /// <summary>The kind of a drift item's warnings when its status is one that recurs every run; null for the others.</summary>
        public static PageWarningKind? KindOf(DriftItem item) => item.Status switch
        {
            DriftStatus.Restricted => PageWarningKind.RestrictedSkipped,
            DriftStatus.Archived => PageWarningKind.ArchivedLeftAlone,
            DriftStatus.Unreadable => PageWarningKind.UnreadableBody,
            _ when item.Action == SyncPlanner.TitleCollision => PageWarningKind.TitleCollision,
            _ => null,
        };

        /// <summary>A warning about the page <paramref name="action"/> writes: its ids on both sites as the action knows them.</summary>
        public static PageWarning Of(SyncAction action, string spaceKey, PageWarningKind kind, string message)
        {
            var toDc = action.Target == SyncSide.DataCenter;
            return new PageWarning(kind, spaceKey, toDc ? action.TargetId : action.SourceId, toDc ? action.SourceId : action.TargetId, action.Title, message);
        }

        /// <summary>One warning per text of <paramref name="item"/>, of <paramref name="kind"/>.</summary>
        public static System.Collections.Generic.IEnumerable<PageWarning> Of(DriftItem item, PageWarningKind kind)
        {
            foreach (var text in item.Warnings)
                yield return new PageWarning(kind, item.SpaceKey, item.DataCenterId, item.CloudId, item.Title, text);
        }
    }
}
