using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.State
{
    // What incremental runs remember between runs: change-query marks, the last structural listing, unsettled pages.
    public sealed partial class StateStore
    {
        /// <summary>The space's marks and unsettled pages; all empty for a space never synced (or not in the file).</summary>
        public ReadMarks GetReadMarks(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            var marks = QuerySingle("SELECT dc_changes_since, cloud_changes_since, structural_at FROM spaces WHERE space_key = $key",
                r => new ReadMarks { DataCenterChangesSince = Time(r, 0), CloudChangesSince = Time(r, 1), StructuralAt = Time(r, 2) },
                ("$key", spaceKey)) ?? new ReadMarks();
            var unsettled = Query("SELECT side, page_id FROM unsettled_pages WHERE space_key = $key ORDER BY side, page_id",
                r => new UnsettledPage(StateText.Side.Parse(r.GetString(0)), r.GetString(1)), ("$key", spaceKey));
            return marks with { Unsettled = unsettled };
        }

        // Inside FinishRun's transaction: the marks and the unsettled list move together with the run's end.
        private void WriteReadMarks(string spaceKey, ChangeMarks marks)
        {
            if (marks.StructuralAt is { } structuralAt)
            {
                Execute("UPDATE spaces SET structural_at = $at WHERE space_key = $key",
                    ("$at", StateText.Time(structuralAt)), ("$key", spaceKey));
            }

            if (marks.Unsettled is null) return;
            Execute("DELETE FROM unsettled_pages WHERE space_key = $key", ("$key", spaceKey));
            foreach (var page in marks.Unsettled.Distinct())
            {
                Execute("INSERT INTO unsettled_pages (space_key, side, page_id) VALUES ($key, $side, $page)",
                    ("$key", spaceKey), ("$side", StateText.Side[page.Side]), ("$page", page.PageId));
            }
        }
    }
}
