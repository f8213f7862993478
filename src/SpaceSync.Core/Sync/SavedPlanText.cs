using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    /// <summary>One line per action, for a person reading a saved plan: what is written where, at which versions, from where.</summary>
    public static class SavedPlanText
    {
        public static string Describe(SyncAction action, IReadOnlyList<PlannedPage> pages)
        {
            if (action is null) throw new ArgumentNullException(nameof(action));
            pages ??= Array.Empty<PlannedPage>();
            var target = $"{action.Target.Label()} page {action.TargetId}";
            var targetAt = action.TargetVersion is int tv ? $"{target} (v{tv})" : target;
            var from = action.SourceId is null ? "" : $"{action.Source.Label()} page {action.SourceId}" + (action.SourceVersion is int sv ? $" v{sv}" : "");
            var onPage = action.TargetId is null
                ? $"{action.Target.Label()} page created by action #{(action.DependsOn.Count > 0 ? action.DependsOn[0] : 0)}"
                : targetAt;
            string text;
            switch (action.Kind)
            {
                case SyncActionKind.Create:
                    text = $"create \"{action.Title}\" on {action.Target.Label()} under {Where(action.Parent)}" + (from.Length > 0 ? $": from {from}" : "");
                    break;
                case SyncActionKind.Update:
                    var parts = new List<string>();
                    if (action.WritesBody) parts.Add("body");
                    if ((action.Changes & PageChanges.Title) != 0) parts.Add($"title \"{action.Title}\"");
                    if (action.Parent != null) parts.Add($"parent {Where(action.Parent)}");
                    var what = parts.Count == 0 ? "rewrite" : string.Join(", ", parts);
                    var versions = action.TargetVersion is int before ? $" from v{before} to v{before + 1}" : "";
                    text = $"update {target}{versions}: {what}" + (from.Length > 0 ? $" from {from}" : "");
                    break;
                case SyncActionKind.Trash:
                    text = $"trash {targetAt}" + (from.Length > 0 ? $": trashed on {from}" : "");
                    break;
                case SyncActionKind.Restore:
                    text = $"restore {targetAt} from the trash" + (from.Length > 0 ? $": restored on {from}" : "");
                    break;
                case SyncActionKind.Adopt:
                    text = $"pair {targetAt} with {from} (no write)";
                    break;
                case SyncActionKind.RecordState:
                    text = $"record the state of the pair of Data Center page {action.PairKey} (no write)";
                    break;
                case SyncActionKind.Labels:
                    var changes = new List<string>();
                    if (action.LabelsToAdd.Count > 0) changes.Add("add " + string.Join(", ", action.LabelsToAdd));
                    if (action.LabelsToRemove.Count > 0) changes.Add("remove " + string.Join(", ", action.LabelsToRemove));
                    text = changes.Count == 0 ? $"record the labels of {onPage} (no write)" : $"labels on {onPage}: {string.Join("; ", changes)}";
                    break;
                case SyncActionKind.UploadAttachment:
                    var file = action.Attachment;
                    text = $"upload {file?.ToString() ?? "a file"} from {action.Source.Label()} to {onPage}" +
                           (file?.TargetAttachmentId is null ? " (new file)" : $" (new version of {file.TargetAttachmentId} v{file.TargetVersion})");
                    break;
                case SyncActionKind.DeleteAttachment:
                    text = $"delete {action.Attachment?.TargetFileName ?? action.Attachment?.FileName} ({action.Attachment?.TargetAttachmentId}) from {onPage}";
                    break;
                case SyncActionKind.RecordAttachment:
                    text = $"record the file pair {action.Attachment} on {onPage} (no write)";
                    break;
                case SyncActionKind.Restrict:
                    var r = action.Restrictions;
                    text = $"restrict {onPage}" + (r is null ? "" :
                        $": read {Names(r.ReadUsers, r.ReadGroups)}; update {Names(r.UpdateUsers, r.UpdateGroups)}");
                    break;
                default:
                    text = $"{action.Kind} on {onPage}";
                    break;
            }

            var seen = pages.Where(p => !(p.Side == action.Source && p.Id == action.SourceId) && !(p.Side == action.Target && p.Id == action.TargetId))
                .Select(p => $"{p.Side.Label()} page {p.Id} v{p.Version}").ToList();
            return $"#{action.Id} {text}" + (seen.Count > 0 ? $" (planned with {string.Join(", ", seen)})" : "") +
                   (action.Reason.Length > 0 ? $" — {action.Reason}" : "");
        }

        private static string Where(ParentRef? parent) =>
            parent is null ? "the same parent"
            : parent.CreatedByAction is int a ? $"the page action #{a} creates"
            : parent.IsTopLevel ? "the top level" : parent.ToString();

        private static string Names(IReadOnlyList<string> users, IReadOnlyList<string> groups)
        {
            var all = users.Select(u => "user " + u).Concat(groups.Select(g => "group " + g)).ToList();
            return all.Count == 0 ? "anyone" : string.Join(", ", all);
        }
    }
}
