using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    // Cloud folders (and whiteboards, databases, embeds) in the plan (docs/confluence-behaviours.md §3). The snapshots
    // already put every page in a folder below the nearest page above it (SnapshotReader.ResolveContainersAsync), so pairs,
    // moves and creates only ever name pages: a folder id never reaches Data Center, nor a v2 endpoint that wants a page.
    // Here: the folders as drift items of their own, a note on each move that takes a Cloud page out of its folder, and
    // pages in a folder that could not be read, which are left where they are.
    public static partial class SyncPlanner
    {
        private sealed partial class Planning
        {
            /// <summary>One CloudFolder item per folder holding the space's pages in scope, with where its pages sync on Data Center.</summary>
            private IReadOnlyList<DriftItem> FolderItems()
            {
                var cloud = _request.Cloud;
                var items = new List<DriftItem>();
                foreach (var folder in cloud.Containers.Values.Where(c => !c.Trashed)
                             .OrderBy(c => c.Title, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Id, StringComparer.Ordinal))
                {
                    var (above, resolved) = FolderTree.PageAbove(folder.Id, cloud.Containers);
                    if (resolved && !FolderInScope(above)) continue;
                    var what = $"a Cloud {folder.Type}, not a page";
                    var action = !folder.Readable
                        ? $"none: {what}; it could not be read (gone, or not visible to the account), so the pages in it are left where they are"
                        : !resolved
                            ? $"none: {what}; a folder above it could not be read, so the pages in it are left where they are"
                            : $"none: {what}; its pages sync " + (above is null ? "at the top level" : $"below \"{CloudPageTitle(above)}\"") + " on Data Center";
                    items.Add(new DriftItem
                    {
                        SpaceKey = _request.SpaceKey,
                        Status = DriftStatus.CloudFolder,
                        Title = folder.Title.Length > 0 ? folder.Title : $"({folder.Type} {folder.Id})",
                        CloudId = folder.Id,
                        CloudVersion = folder.Version > 0 ? folder.Version : (int?)null,
                        Action = action,
                    });
                }

                return items;
            }

            /// <summary>A folder below an out-of-scope page (or, with include.subtree, at the top level) holds nothing this space syncs.</summary>
            private bool FolderInScope(string? pageAbove) =>
                pageAbove is null ? _filter.IncludeSubtree is null : !ScopeOf(SyncSide.Cloud, pageAbove).IsOut;

            private string CloudPageTitle(string id) =>
                _request.Cloud.Pages.TryGetValue(id, out var page) ? page.Title
                : _pairsByCloudId.TryGetValue(id, out var pair) ? pair.Title
                : "page " + id;

            /// <summary>
            /// A Data Center move crosses to Cloud even when the Cloud twin sits in a folder: the twin goes below the new parent's
            /// twin (a page) and so leaves the folder, which Data Center cannot know of. Said on the action and the drift item.
            /// </summary>
            private void NoteMovesOutOfFolders()
            {
                for (var i = 0; i < _actions.Count; i++)
                {
                    var action = _actions[i];
                    if (action.Kind != SyncActionKind.Update || action.Target != SyncSide.Cloud || action.Parent is null ||
                        action.TargetId is null || !_request.Cloud.Pages.TryGetValue(action.TargetId, out var page) || page.Container is null)
                    {
                        continue;
                    }

                    var folder = _request.Cloud.Containers.TryGetValue(page.Container.Id, out var known) && known.Title.Length > 0
                        ? $"{known.Type} \"{known.Title}\""
                        : $"{page.Container.Type} {page.Container.Id}";
                    var where = action.Parent.IsTopLevel ? "to the top level"
                        : action.Parent.TargetId is string id ? $"below \"{CloudPageTitle(id)}\""
                        : "below a page this run creates";
                    var note = $"it leaves Cloud {folder}: its {action.Source.Label()} twin moved and it follows {where} (folders exist on Cloud only)";
                    _actions[i] = action with { Reason = action.Reason + "; " + note };
                    WarnOnItemOf(action.Id, $"\"{action.Title}\": {note}.");
                }
            }

            /// <summary>The page sits in a Cloud folder that could not be read: its ParentId is still that folder's id.</summary>
            private static bool InUnreadableContainer(SpaceSnapshot snapshot, PageSnapshot page) =>
                page.Container != null && page.ParentId == page.Container.Id;

            /// <summary>Why a page whose parent on <paramref name="source"/> is an unreadable Cloud folder has no place on the target; null otherwise.</summary>
            private static string? UnreadableContainerProblem(SpaceSnapshot source, string parentId, SyncSide target) =>
                source.Containers.TryGetValue(parentId, out var folder)
                    ? $"it sits in Cloud {folder.Type} {parentId}, which could not be read (gone, or not visible to the account), so where it belongs on {target.Label()} is unknown"
                    : null;
        }
    }
}
