using System;
using System.Data.Common;
using System.Collections.Generic;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.State
{
    // Create intents: the crash-safety net for creates (SPEC §3 "Safety").
    public sealed partial class StateStore
    {
        private const string IntentColumns =
            "intent_id, space_key, source_side, source_page_id, target_side, title, target_parent_id, run_id, created_at";

        /// <summary>
        /// Records, and commits, that a create is about to be sent: call it BEFORE the request. Recording the same
        /// source page again (a retry) refreshes the existing intent. Complete it with
        /// <see cref="PageOutcome.CompletedIntentId"/> when the pair is written.
        /// </summary>
        public CreateIntent RecordCreateIntent(CreateIntent intent)
        {
            Require(intent.SpaceKey, nameof(intent.SpaceKey));
            Require(intent.SourcePageId, nameof(intent.SourcePageId));
            var now = Now();
            var id = InTransaction($"recording the create of '{intent.Title}'", () => Scalar<long>(
                $@"INSERT INTO create_intents ({WithoutId(IntentColumns)})
                   VALUES (@key, @source, @sourcePage, @target, @title, @parent, @run, @created)
                   ON CONFLICT (space_key, source_side, source_page_id) DO UPDATE SET title = excluded.title,
                       target_parent_id = excluded.target_parent_id, run_id = excluded.run_id, created_at = excluded.created_at
                   RETURNING intent_id",
                ("@key", intent.SpaceKey), ("@source", StateText.Side[intent.SourceSide]), ("@sourcePage", intent.SourcePageId),
                ("@target", StateText.Side[intent.TargetSide]), ("@title", intent.Title), ("@parent", intent.TargetParentId),
                ("@run", intent.RunId), ("@created", StateText.Time(now))));
            return intent with { Id = id, CreatedAt = now };
        }

        /// <summary>Every pending create of the space, oldest first: what a crashed run may have left half done.</summary>
        public IReadOnlyList<CreateIntent> ListCreateIntents(string spaceKey) =>
            Query($"SELECT {IntentColumns} FROM create_intents WHERE space_key = @key ORDER BY intent_id", ReadIntent,
                ("@key", spaceKey));

        /// <summary>The pending create for a source page, if any.</summary>
        public CreateIntent? FindCreateIntent(string spaceKey, SiteKind sourceSide, string sourcePageId) =>
            QuerySingle($"SELECT {IntentColumns} FROM create_intents WHERE space_key = @key AND source_side = @side AND source_page_id = @page",
                ReadIntent, ("@key", spaceKey), ("@side", StateText.Side[sourceSide]), ("@page", sourcePageId));

        /// <summary>
        /// Pending creates that would have produced a page with this title under this parent on the target side:
        /// how a page found on the target is recognised as one this tool created. A null parent means the space root.
        /// </summary>
        public IReadOnlyList<CreateIntent> FindCreateIntents(string spaceKey, SiteKind targetSide, string title, string? targetParentId) =>
            Query($@"SELECT {IntentColumns} FROM create_intents
                     WHERE space_key = @key AND target_side = @side AND title = @title AND target_parent_id IS NOT DISTINCT FROM @parent
                     ORDER BY intent_id",
                ReadIntent, ("@key", spaceKey), ("@side", StateText.Side[targetSide]), ("@title", title), ("@parent", targetParentId));

        /// <summary>Drops an intent whose create is known never to have happened. False when it was not there.</summary>
        public bool RemoveCreateIntent(long intentId) =>
            InTransaction($"removing create intent {intentId}", () =>
                Execute("DELETE FROM create_intents WHERE intent_id = @id", ("@id", intentId)) > 0);

        // target_side is not read back: it can only be the other side (a CHECK enforces that).
        private static CreateIntent ReadIntent(DbDataReader r) => new CreateIntent
        {
            Id = r.GetInt64(0),
            SpaceKey = r.GetString(1),
            SourceSide = StateText.Side.Parse(r.GetString(2)),
            SourcePageId = r.GetString(3),
            Title = r.GetString(5),
            TargetParentId = Text(r, 6),
            RunId = Long(r, 7),
            CreatedAt = StateText.ParseTime(r.GetString(8)),
        };
    }
}
