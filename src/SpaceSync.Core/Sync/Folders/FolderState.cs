using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>Cloud folders between a run's snapshot and the state's cache of them (StateStore.Folders).</summary>
    internal static class FolderState
    {
        /// <summary>The folders worth keeping: those read (an unreadable one is read again next time) and not in the trash.</summary>
        public static IEnumerable<SiteContainer> RecordsOf(SpaceSnapshot cloud) =>
            cloud.Containers.Values.Where(c => c.Readable && !c.Trashed).Select(c => new SiteContainer
            {
                Id = c.Id, Type = c.Type, Title = c.Title, ParentId = c.ParentId, ParentType = c.ParentType, Version = c.Version,
            });

        /// <summary>The space's folders as last read, for a change query that lists only some pages.</summary>
        public static IReadOnlyDictionary<string, ContainerSnapshot> Known(StateStore state, string spaceKey) =>
            state.ListCloudFolders(spaceKey).ToDictionary(f => f.Id, f => new ContainerSnapshot
            {
                Id = f.Id, Type = f.Type, Title = f.Title, ParentId = f.ParentId, ParentType = f.ParentType, Version = f.Version,
            }, StringComparer.Ordinal);
    }

    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>
            /// Keeps the Cloud folders this run read for the next change query (never in -WhatIf): a run that listed every page
            /// replaces them, a change query adds what it read. A space without folders writes nothing.
            /// </summary>
            private void RecordFolders()
            {
                if (_options.WhatIf) return;
                var complete = _cloud.Mode != ListingMode.Changes;
                var folders = FolderState.RecordsOf(_cloud.Snapshot).ToList();
                if (folders.Count == 0 && (!complete || _state.ListCloudFolders(_space.Key).Count == 0)) return;
                _state.SaveCloudFolders(_space.Key, folders, replaceAll: complete);
            }
        }
    }
}
