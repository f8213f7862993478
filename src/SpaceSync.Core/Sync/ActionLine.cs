namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// One line per action a run took, for the host's -Verbose stream: what was done to which page, with both sites' page ids
    /// (an admin opens either page from it), e.g. <c>ENG: updated Cloud 98765 from Data Center 12345 "Title" (v7→v8)</c>.
    /// </summary>
    public static class ActionLine
    {
        public static string Of(string spaceKey, SyncActionOutcome outcome)
        {
            var action = outcome.Action;
            var targetId = action.TargetId ?? outcome.CreatedPageId ?? "(new)";
            var other = action.Target == SyncSide.DataCenter ? SyncSide.Cloud : SyncSide.DataCenter;
            // The content's source page, else the pair's other page: the pair key is its Data Center id.
            var fromSource = action.SourceId != null && action.Source == other;
            var otherId = fromSource ? action.SourceId : other == SyncSide.DataCenter ? action.PairKey : null;
            var twin = otherId is null ? "" : $" {(fromSource ? "from" : "paired with")} {other.Label()} {otherId}";
            var file = action.Attachment is null ? "" : $" \"{action.Attachment.FileName}\" on";
            var versions = outcome.Outcome == ActionOutcomeKind.Done && action.Kind == SyncActionKind.Update && action.TargetVersion is int v
                ? $" (v{v}→v{v + 1})" : "";
            var what = outcome.Outcome switch
            {
                ActionOutcomeKind.Done => Done(action.Kind),
                ActionOutcomeKind.Skipped => $"skipped {action.Kind}" + (file.Length == 0 ? " of" : ""),
                _ => $"FAILED {action.Kind}" + (file.Length == 0 ? " of" : ""),
            };
            var why = outcome.Outcome == ActionOutcomeKind.Done ? "" : ": " + outcome.Message;
            return $"{spaceKey}: {what}{file} {action.Target.Label()} {targetId}{twin} \"{action.Title}\"{versions}{why}";
        }

        private static string Done(SyncActionKind kind) => kind switch
        {
            SyncActionKind.Create => "created",
            SyncActionKind.Update => "updated",
            SyncActionKind.Trash => "trashed",
            SyncActionKind.Restore => "restored",
            SyncActionKind.Adopt => "adopted",
            SyncActionKind.RecordState => "recorded the state of",
            SyncActionKind.Labels => "set the labels of",
            SyncActionKind.UploadAttachment => "uploaded",
            SyncActionKind.DeleteAttachment => "deleted",
            SyncActionKind.RecordAttachment => "recorded",
            SyncActionKind.Restrict => "restricted",
            _ => kind.ToString(),
        };
    }
}
