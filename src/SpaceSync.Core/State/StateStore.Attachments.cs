using System;
using System.Data.Common;
using System.Collections.Generic;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.State
{
    // Attachment pairs (see StateSchema V4Attachments).
    public sealed partial class StateStore
    {
        private const string AttachmentPairColumns =
            "attachment_pair_id, space_key, pair_id, dc_attachment_id, cloud_attachment_id, file_name, dc_version, cloud_version, size, sha256, updated_at";

        /// <summary>
        /// Stores an attachment pair. <c>Id</c> 0 inserts (or, when the Data Center attachment is already paired in the
        /// space, updates that row); otherwise updates the row with that id. Returns it as stored, with its id and time.
        /// </summary>
        /// <exception cref="StateStoreException">NotFound: no row with that id; WriteRejected: e.g. the page pair does not
        /// exist, or the Cloud attachment is paired already.</exception>
        public AttachmentPairRecord SaveAttachmentPair(AttachmentPairRecord attachment)
        {
            if (attachment is null) throw new ArgumentNullException(nameof(attachment));
            Require(attachment.SpaceKey, nameof(attachment.SpaceKey));
            Require(attachment.DataCenterAttachmentId, nameof(attachment.DataCenterAttachmentId));
            Require(attachment.CloudAttachmentId, nameof(attachment.CloudAttachmentId));
            Require(attachment.FileName, nameof(attachment.FileName));
            if (attachment.Sha256.Length != 64 && attachment.Sha256.Length != 0)
                throw new ArgumentException($"Sha256 must be 64 hex characters, or empty for a pair made without hashing ({attachment}).", nameof(attachment));
            if (attachment.DataCenterVersion < 1 || attachment.CloudVersion < 1)
                throw new ArgumentException($"Attachment versions start at 1 ({attachment}).", nameof(attachment));
            if (attachment.Size < 0)
                throw new ArgumentException($"An attachment size cannot be negative ({attachment}).", nameof(attachment));

            return InTransaction($"saving {attachment}", () =>
            {
                var now = Now();
                var values = new (string, object?)[]
                {
                    ("@id", attachment.Id), ("@key", attachment.SpaceKey), ("@pair", attachment.PairId),
                    ("@dc", attachment.DataCenterAttachmentId), ("@cloud", attachment.CloudAttachmentId), ("@name", attachment.FileName),
                    ("@dcVersion", attachment.DataCenterVersion), ("@cloudVersion", attachment.CloudVersion), ("@size", attachment.Size),
                    ("@sha", attachment.Sha256.ToLowerInvariant()), ("@updated", StateText.Time(now)),
                };
                long id;
                if (attachment.Id == 0)
                {
                    id = Scalar<long>(
                        $@"INSERT INTO attachment_pairs ({WithoutId(AttachmentPairColumns)})
                           VALUES (@key, @pair, @dc, @cloud, @name, @dcVersion, @cloudVersion, @size, @sha, @updated)
                           ON CONFLICT (space_key, dc_attachment_id) DO UPDATE SET pair_id = excluded.pair_id,
                               cloud_attachment_id = excluded.cloud_attachment_id, file_name = excluded.file_name,
                               dc_version = excluded.dc_version, cloud_version = excluded.cloud_version, size = excluded.size,
                               sha256 = excluded.sha256, updated_at = excluded.updated_at
                           RETURNING attachment_pair_id", values);
                }
                else
                {
                    var changed = Execute(
                        @"UPDATE attachment_pairs SET space_key = @key, pair_id = @pair, dc_attachment_id = @dc, cloud_attachment_id = @cloud,
                              file_name = @name, dc_version = @dcVersion, cloud_version = @cloudVersion, size = @size, sha256 = @sha,
                              updated_at = @updated
                          WHERE attachment_pair_id = @id", values);
                    if (changed == 0)
                        throw new StateStoreException(StateErrorKind.NotFound, $"There is no attachment pair {attachment.Id} to update ({attachment}).");
                    id = attachment.Id;
                }

                return attachment with { Id = id, Sha256 = attachment.Sha256.ToLowerInvariant(), UpdatedAt = now };
            });
        }

        public AttachmentPairRecord? GetAttachmentPair(long attachmentPairId) =>
            QuerySingle($"SELECT {AttachmentPairColumns} FROM attachment_pairs WHERE attachment_pair_id = @id", ReadAttachmentPair,
                ("@id", attachmentPairId));

        /// <summary>The attachment pair holding the given attachment of the given side, or null when it is unpaired.</summary>
        public AttachmentPairRecord? FindAttachmentPair(string spaceKey, SiteKind side, string attachmentId) =>
            CountedOne(QuerySingle(
                side == SiteKind.Cloud
                    ? $"SELECT {AttachmentPairColumns} FROM attachment_pairs WHERE space_key = @key AND cloud_attachment_id = @att"
                    : $"SELECT {AttachmentPairColumns} FROM attachment_pairs WHERE space_key = @key AND dc_attachment_id = @att",
                ReadAttachmentPair, ("@key", spaceKey), ("@att", attachmentId)));

        /// <summary>The attachment pairs of one page pair, oldest first.</summary>
        public IReadOnlyList<AttachmentPairRecord> ListAttachmentPairs(long pairId) =>
            Counted(Query($"SELECT {AttachmentPairColumns} FROM attachment_pairs WHERE pair_id = @pair ORDER BY attachment_pair_id",
                ReadAttachmentPair, ("@pair", pairId)));

        /// <summary>Every attachment pair of the space, grouped by page pair.</summary>
        public IReadOnlyList<AttachmentPairRecord> ListAttachmentPairs(string spaceKey) =>
            Counted(Query($"SELECT {AttachmentPairColumns} FROM attachment_pairs WHERE space_key = @key ORDER BY pair_id, attachment_pair_id",
                ReadAttachmentPair, ("@key", spaceKey)));

        private AttachmentPairRecord? CountedOne(AttachmentPairRecord? row)
        {
            if (row != null) RowReads.AttachmentPairs++;
            return row;
        }

        private List<AttachmentPairRecord> Counted(List<AttachmentPairRecord> rows)
        {
            RowReads.AttachmentPairs += rows.Count;
            return rows;
        }

        /// <summary>Forgets an attachment pair (both copies were removed). False when there was no such row.</summary>
        public bool RemoveAttachmentPair(long attachmentPairId) =>
            InTransaction($"removing attachment pair {attachmentPairId}", () =>
                Execute("DELETE FROM attachment_pairs WHERE attachment_pair_id = @id", ("@id", attachmentPairId)) > 0);

        private static AttachmentPairRecord ReadAttachmentPair(DbDataReader r) => new AttachmentPairRecord
        {
            Id = r.GetInt64(0),
            SpaceKey = r.GetString(1),
            PairId = r.GetInt64(2),
            DataCenterAttachmentId = r.GetString(3),
            CloudAttachmentId = r.GetString(4),
            FileName = r.GetString(5),
            DataCenterVersion = r.GetInt32(6),
            CloudVersion = r.GetInt32(7),
            Size = r.GetInt64(8),
            Sha256 = r.GetString(9),
            UpdatedAt = StateText.ParseTime(r.GetString(10)),
        };
    }
}
