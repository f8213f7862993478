using System;
using System.Data.Common;
using System.Collections.Generic;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// A footer comment and its copy on the paired page, as last synced: each side's comment version, the side it was
    /// written on (the copy carries the attribution), and the hash of its body (without attribution) after the sync.
    /// </summary>
    public sealed record CommentPairRecord
    {
        /// <summary>0 until stored.</summary>
        public long Id { get; init; }
        public string SpaceKey { get; init; } = "";
        /// <summary>The page pair (<see cref="PairRecord.Id"/>) holding both comments; removing it removes this row.</summary>
        public long PairId { get; init; }
        public string DataCenterCommentId { get; init; } = "";
        public string CloudCommentId { get; init; } = "";
        public SiteKind OriginSide { get; init; }
        public int DataCenterVersion { get; init; }
        public int CloudVersion { get; init; }
        public string BaseHash { get; init; } = "";
        public DateTimeOffset UpdatedAt { get; init; }

        public string IdOn(SiteKind side) => side == SiteKind.DataCenter ? DataCenterCommentId : CloudCommentId;

        public int VersionOn(SiteKind side) => side == SiteKind.DataCenter ? DataCenterVersion : CloudVersion;

        public override string ToString() =>
            $"comment pair {Id} (DC {DataCenterCommentId} v{DataCenterVersion}, Cloud {CloudCommentId} v{CloudVersion}) of page pair {PairId} in {SpaceKey}";
    }

    /// <summary>A comment create about to be sent (recorded before the request): see <see cref="StateStore.RecordCommentIntent"/>.</summary>
    public sealed record CommentIntent
    {
        public long Id { get; init; }
        public string SpaceKey { get; init; } = "";
        public long PairId { get; init; }
        public SiteKind SourceSide { get; init; }
        public string SourceCommentId { get; init; } = "";
        public string TargetPageId { get; init; } = "";
        /// <summary>ContentHash of the body sent: how the copy is recognised on the target when the answer was lost.</summary>
        public string BodyHash { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
    }

    // Comment pairs and comment create intents (see StateSchema V5Comments).
    public sealed partial class StateStore
    {
        private const string CommentPairColumns =
            "comment_pair_id, space_key, pair_id, dc_comment_id, cloud_comment_id, origin_side, dc_version, cloud_version, base_hash, updated_at";

        private const string CommentIntentColumns =
            "intent_id, space_key, pair_id, source_side, source_comment_id, target_page_id, body_hash, created_at";

        /// <summary>
        /// Stores a comment pair. <c>Id</c> 0 inserts (or, when the Data Center comment is already paired in the space,
        /// updates that row); otherwise updates the row with that id. When <paramref name="completedIntentId"/> is given,
        /// that intent is removed in the same transaction. Returns the row as stored.
        /// </summary>
        /// <exception cref="StateStoreException">NotFound: no row with that id; WriteRejected: e.g. the page pair does not exist.</exception>
        public CommentPairRecord SaveCommentPair(CommentPairRecord comment, long? completedIntentId = null)
        {
            if (comment is null) throw new ArgumentNullException(nameof(comment));
            Require(comment.SpaceKey, nameof(comment.SpaceKey));
            Require(comment.DataCenterCommentId, nameof(comment.DataCenterCommentId));
            Require(comment.CloudCommentId, nameof(comment.CloudCommentId));
            Require(comment.BaseHash, nameof(comment.BaseHash));
            if (comment.DataCenterVersion < 1 || comment.CloudVersion < 1)
                throw new ArgumentException($"Comment versions start at 1 ({comment}).", nameof(comment));

            return InTransaction($"saving {comment}", () =>
            {
                var now = Now();
                var values = new (string, object?)[]
                {
                    ("@id", comment.Id), ("@key", comment.SpaceKey), ("@pair", comment.PairId), ("@dc", comment.DataCenterCommentId),
                    ("@cloud", comment.CloudCommentId), ("@origin", StateText.Side[comment.OriginSide]), ("@dcVersion", comment.DataCenterVersion),
                    ("@cloudVersion", comment.CloudVersion), ("@hash", comment.BaseHash), ("@updated", StateText.Time(now)),
                };
                long id;
                if (comment.Id == 0)
                {
                    id = Scalar<long>(
                        $@"INSERT INTO comment_pairs ({WithoutId(CommentPairColumns)})
                           VALUES (@key, @pair, @dc, @cloud, @origin, @dcVersion, @cloudVersion, @hash, @updated)
                           ON CONFLICT (space_key, dc_comment_id) DO UPDATE SET pair_id = excluded.pair_id,
                               cloud_comment_id = excluded.cloud_comment_id, origin_side = excluded.origin_side,
                               dc_version = excluded.dc_version, cloud_version = excluded.cloud_version,
                               base_hash = excluded.base_hash, updated_at = excluded.updated_at
                           RETURNING comment_pair_id", values);
                }
                else
                {
                    if (Execute(
                            @"UPDATE comment_pairs SET space_key = @key, pair_id = @pair, dc_comment_id = @dc, cloud_comment_id = @cloud,
                                  origin_side = @origin, dc_version = @dcVersion, cloud_version = @cloudVersion, base_hash = @hash, updated_at = @updated
                              WHERE comment_pair_id = @id", values) == 0)
                        throw new StateStoreException(StateErrorKind.NotFound, $"There is no comment pair {comment.Id} to update ({comment}).");
                    id = comment.Id;
                }

                if (completedIntentId is long intent)
                    Execute("DELETE FROM comment_intents WHERE intent_id = @id", ("@id", intent));
                return comment with { Id = id, UpdatedAt = now };
            });
        }

        /// <summary>Every comment pair of the space, by page pair then age.</summary>
        public IReadOnlyList<CommentPairRecord> ListCommentPairs(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            return Query($"SELECT {CommentPairColumns} FROM comment_pairs WHERE space_key = @key ORDER BY pair_id, comment_pair_id",
                ReadCommentPair, ("@key", spaceKey));
        }

        /// <summary>Forgets a comment pair (both comments are gone). False when there was no such row.</summary>
        public bool RemoveCommentPair(long commentPairId) =>
            InTransaction($"removing comment pair {commentPairId}", () =>
                Execute("DELETE FROM comment_pairs WHERE comment_pair_id = @id", ("@id", commentPairId)) > 0);

        /// <summary>
        /// Records, and commits, that a comment create is about to be sent: call it BEFORE the request. Recording the same
        /// source comment again refreshes the intent. <see cref="SaveCommentPair"/> completes it.
        /// </summary>
        public CommentIntent RecordCommentIntent(CommentIntent intent)
        {
            if (intent is null) throw new ArgumentNullException(nameof(intent));
            Require(intent.SpaceKey, nameof(intent.SpaceKey));
            Require(intent.SourceCommentId, nameof(intent.SourceCommentId));
            Require(intent.TargetPageId, nameof(intent.TargetPageId));
            Require(intent.BodyHash, nameof(intent.BodyHash));
            var now = Now();
            var id = InTransaction($"recording the create of a copy of comment {intent.SourceCommentId}", () => Scalar<long>(
                $@"INSERT INTO comment_intents ({WithoutId(CommentIntentColumns)})
                   VALUES (@key, @pair, @side, @source, @target, @hash, @created)
                   ON CONFLICT (space_key, source_side, source_comment_id) DO UPDATE SET pair_id = excluded.pair_id,
                       target_page_id = excluded.target_page_id, body_hash = excluded.body_hash, created_at = excluded.created_at
                   RETURNING intent_id",
                ("@key", intent.SpaceKey), ("@pair", intent.PairId), ("@side", StateText.Side[intent.SourceSide]), ("@source", intent.SourceCommentId),
                ("@target", intent.TargetPageId), ("@hash", intent.BodyHash), ("@created", StateText.Time(now))));
            return intent with { Id = id, CreatedAt = now };
        }

        /// <summary>Pending comment creates of the space, oldest first: what an interrupted run may have left half done.</summary>
        public IReadOnlyList<CommentIntent> ListCommentIntents(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            return Query($"SELECT {CommentIntentColumns} FROM comment_intents WHERE space_key = @key ORDER BY intent_id", ReadCommentIntent,
                ("@key", spaceKey));
        }

        /// <summary>Drops an intent whose create is known not to have happened. False when it was not there.</summary>
        public bool RemoveCommentIntent(long intentId) =>
            InTransaction($"removing comment intent {intentId}", () =>
                Execute("DELETE FROM comment_intents WHERE intent_id = @id", ("@id", intentId)) > 0);

        private static CommentPairRecord ReadCommentPair(DbDataReader r) => new CommentPairRecord
        {
            Id = r.GetInt64(0),
            SpaceKey = r.GetString(1),
            PairId = r.GetInt64(2),
            DataCenterCommentId = r.GetString(3),
            CloudCommentId = r.GetString(4),
            OriginSide = StateText.Side.Parse(r.GetString(5)),
            DataCenterVersion = r.GetInt32(6),
            CloudVersion = r.GetInt32(7),
            BaseHash = r.GetString(8),
            UpdatedAt = StateText.ParseTime(r.GetString(9)),
        };

        private static CommentIntent ReadCommentIntent(DbDataReader r) => new CommentIntent
        {
            Id = r.GetInt64(0),
            SpaceKey = r.GetString(1),
            PairId = r.GetInt64(2),
            SourceSide = StateText.Side.Parse(r.GetString(3)),
            SourceCommentId = r.GetString(4),
            TargetPageId = r.GetString(5),
            BodyHash = r.GetString(6),
            CreatedAt = StateText.ParseTime(r.GetString(7)),
        };
    }
}
