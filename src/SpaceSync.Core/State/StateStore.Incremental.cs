using System.Data.Common;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace SpaceSync.Core.State
{
    // What incremental runs remember between runs: change-query marks, the last structural listing, unsettled pages.
    public sealed partial class StateStore
    {
        /// <summary>The space's marks and unsettled pages; all empty for a space never synced (or not in the file).</summary>
        public ReadMarks GetReadMarks(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            var marks = QuerySingle("SELECT dc_changes_since, cloud_changes_since, structural_at, dc_space, cloud_space FROM spaces WHERE space_key = @key",
                r => new ReadMarks
                {
                    DataCenterChangesSince = Time(r, 0), CloudChangesSince = Time(r, 1), StructuralAt = Time(r, 2),
                    DataCenterSpace = KnownSpace(r, 3), CloudSpace = KnownSpace(r, 4),
                },
                ("@key", spaceKey)) ?? new ReadMarks();
            var rows = Query("SELECT side, page_id, seen_version, seen_hash, seen_inputs FROM unsettled_pages WHERE space_key = @key ORDER BY side, page_id",
                r => (Page: new UnsettledPage(StateText.Side.Parse(r.GetString(0)), r.GetString(1)),
                    Seen: r.IsDBNull(2) || r.IsDBNull(3) || r.IsDBNull(4) ? null : new SeenHash(r.GetInt32(2), r.GetString(3), r.GetString(4))),
                ("@key", spaceKey));
            var seen = new Dictionary<UnsettledPage, SeenHash>();
            foreach (var row in rows)
            {
                if (row.Seen != null) seen[row.Page] = row.Seen;
            }

            return marks with { Unsettled = rows.Select(r => r.Page).ToList(), Seen = seen };
        }

        /// <summary>
        /// How many times a pair was added, removed or given other page ids, in any space (StateSchema V7): part of the key of
        /// the translation's inputs, since links cross by the pair table.
        /// </summary>
        public long PairGeneration() => Query("SELECT generation FROM pair_changes", r => r.GetInt64(0)).FirstOrDefault();

        // Inside FinishRun's transaction: the marks and the unsettled list move together with the run's end.
        private void WriteReadMarks(string spaceKey, ChangeMarks marks)
        {
            if (marks.StructuralAt is { } structuralAt)
            {
                Execute("UPDATE spaces SET structural_at = @at WHERE space_key = @key",
                    ("@at", StateText.Time(structuralAt)), ("@key", spaceKey));
            }

            if (marks.DataCenterSpace != null || marks.CloudSpace != null)
            {
                Execute("UPDATE spaces SET dc_space = coalesce(@dc, dc_space), cloud_space = coalesce(@cloud, cloud_space) WHERE space_key = @key",
                    ("@dc", SpaceText(marks.DataCenterSpace)), ("@cloud", SpaceText(marks.CloudSpace)), ("@key", spaceKey));
            }

            if (marks.Unsettled is null) return;
            Execute("DELETE FROM unsettled_pages WHERE space_key = @key", ("@key", spaceKey));
            foreach (var page in marks.Unsettled.Distinct())
            {
                SeenHash? seen = null;
                marks.Seen?.TryGetValue(page, out seen);
                Execute("INSERT INTO unsettled_pages (space_key, side, page_id, seen_version, seen_hash, seen_inputs) VALUES (@key, @side, @page, @version, @hash, @inputs)",
                    ("@key", spaceKey), ("@side", StateText.Side[page.Side]), ("@page", page.PageId),
                    ("@version", (object?)seen?.Version), ("@hash", seen?.Hash), ("@inputs", seen?.Inputs));
            }
        }

        private sealed class KnownSpaceJson
        {
            public string? Id { get; set; }
            public string? Key { get; set; }
            public string? Name { get; set; }
            public string? HomepageId { get; set; }
        }

        private static string? SpaceText(Sites.SiteSpace? space) => space is null ? null : JsonSerializer.Serialize(new KnownSpaceJson
        {
            Id = space.Id, Key = space.Key, Name = space.Name, HomepageId = space.HomepageId,
        });

        // A row this build cannot read is as good as none: the run looks the space up again.
        private static Sites.SiteSpace? KnownSpace(DbDataReader r, int column)
        {
            if (r.IsDBNull(column)) return null;
            try
            {
                var known = JsonSerializer.Deserialize<KnownSpaceJson>(r.GetString(column));
                if (known is null || string.IsNullOrEmpty(known.Id) || string.IsNullOrEmpty(known.Key)) return null;
                return new Sites.SiteSpace { Id = known.Id!, Key = known.Key!, Name = known.Name ?? "", HomepageId = known.HomepageId };
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
