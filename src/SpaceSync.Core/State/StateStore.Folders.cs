using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.State
{
    // ---- folders: the Cloud folders holding synced pages, as last read (see StateSchema V6Folders).
    public sealed partial class StateStore
    {
        /// <summary>The space's Cloud folders (and whiteboards, databases, embeds) as a run last read them, by id order.</summary>
        public IReadOnlyList<SiteContainer> ListCloudFolders(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            return Query("SELECT folder_id, type, title, parent_id, parent_type, version FROM cloud_folders WHERE space_key = @key ORDER BY folder_id",
                r => new SiteContainer
                {
                    Id = r.GetString(0), Type = r.GetString(1), Title = r.GetString(2), ParentId = Text(r, 3), ParentType = Text(r, 4),
                    Version = r.GetInt32(5), Status = SitePageStatus.Current,
                }, ("@key", spaceKey));
        }

        /// <summary>
        /// Records the Cloud folders a run read, in one transaction. <paramref name="replaceAll"/> (a run that listed every
        /// page): they are now all the space's folders, the others are forgotten; otherwise they are added or updated.
        /// </summary>
        /// <exception cref="StateStoreException">WriteRejected when the space has no row (no baseline yet); nothing is written.</exception>
        public void SaveCloudFolders(string spaceKey, IEnumerable<SiteContainer> folders, bool replaceAll)
        {
            Require(spaceKey, nameof(spaceKey));
            var rows = (folders ?? throw new ArgumentNullException(nameof(folders))).ToList();
            foreach (var folder in rows)
            {
                Require(folder.Id, nameof(folder.Id));
                Require(folder.Type, nameof(folder.Type));
            }

            InTransaction($"recording {rows.Count} Cloud folder(s) of space {spaceKey}", () =>
            {
                if (replaceAll) Execute("DELETE FROM cloud_folders WHERE space_key = @key", ("@key", spaceKey));
                var now = StateText.Time(Now());
                foreach (var folder in rows)
                {
                    Execute(
                        @"INSERT INTO cloud_folders (space_key, folder_id, type, title, parent_id, parent_type, version, read_at)
                          VALUES (@key, @id, @type, @title, @parent, @parentType, @version, @at)
                          ON CONFLICT (space_key, folder_id) DO UPDATE SET type = excluded.type, title = excluded.title,
                              parent_id = excluded.parent_id, parent_type = excluded.parent_type, version = excluded.version, read_at = excluded.read_at",
                        ("@key", spaceKey), ("@id", folder.Id), ("@type", folder.Type), ("@title", folder.Title ?? ""),
                        ("@parent", folder.ParentId), ("@parentType", folder.ParentType), ("@version", folder.Version), ("@at", now));
                }
            });
        }
    }
}
