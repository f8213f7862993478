using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// A page that restrictions keep unsynced, as a run found it: both ids when paired, its title and the planner's text.
    /// <see cref="PageKey"/> names it whichever run finds it again (the Data Center id, else the Cloud id).
    /// </summary>
    public sealed record RestrictedPageRecord(string? DataCenterPageId, string? CloudPageId, string Title, string Message)
    {
        public string PageKey => DataCenterPageId != null ? "dc:" + DataCenterPageId : "cloud:" + CloudPageId;
    }

    // ---- restricted pages: the pages restrictions keep unsynced (see StateSchema V9RestrictedPages).
    public sealed partial class StateStore
    {
        /// <summary>The space's restricted pages as runs last found them, by page key.</summary>
        public IReadOnlyList<RestrictedPageRecord> ListRestrictedPages(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            return Query("SELECT dc_page_id, cloud_page_id, title, message FROM restricted_pages WHERE space_key = @key ORDER BY page_key",
                r => new RestrictedPageRecord(Text(r, 0), Text(r, 1), r.GetString(2), r.GetString(3)), ("@key", spaceKey));
        }

        /// <summary>
        /// Records what a run found, in one transaction. <paramref name="replaceAll"/> (a run that listed every page):
        /// <paramref name="restricted"/> are now all of them. Otherwise they are added or updated, and the pages of
        /// <paramref name="freedKeys"/> (judged by the run and not restricted) are forgotten.
        /// </summary>
        /// <exception cref="StateStoreException">WriteRejected when the space has no row (no baseline yet); nothing is written.</exception>
        public void SaveRestrictedPages(string spaceKey, IEnumerable<RestrictedPageRecord> restricted, IEnumerable<string> freedKeys, bool replaceAll)
        {
            Require(spaceKey, nameof(spaceKey));
            var rows = (restricted ?? throw new ArgumentNullException(nameof(restricted))).ToList();
            var freed = (freedKeys ?? throw new ArgumentNullException(nameof(freedKeys))).ToList();
            if (rows.Any(r => r.DataCenterPageId is null && r.CloudPageId is null))
                throw new ArgumentException("A restricted page needs its Data Center or Cloud page id.", nameof(restricted));

            InTransaction($"recording {rows.Count} restricted page(s) of space {spaceKey}", () =>
            {
                if (replaceAll) Execute("DELETE FROM restricted_pages WHERE space_key = @key", ("@key", spaceKey));
                foreach (var key in freed) Execute("DELETE FROM restricted_pages WHERE space_key = @key AND page_key = @page", ("@key", spaceKey), ("@page", key));
                var now = StateText.Time(Now());
                foreach (var row in rows)
                {
                    Execute(
                        @"INSERT INTO restricted_pages (space_key, page_key, dc_page_id, cloud_page_id, title, message, seen_at)
                          VALUES (@key, @page, @dc, @cloud, @title, @message, @at)
                          ON CONFLICT (space_key, page_key) DO UPDATE SET dc_page_id = excluded.dc_page_id, cloud_page_id = excluded.cloud_page_id,
                              title = excluded.title, message = excluded.message, seen_at = excluded.seen_at",
                        ("@key", spaceKey), ("@page", row.PageKey), ("@dc", row.DataCenterPageId), ("@cloud", row.CloudPageId),
                        ("@title", row.Title ?? ""), ("@message", row.Message ?? ""), ("@at", now));
                }
            });
        }
    }
}
