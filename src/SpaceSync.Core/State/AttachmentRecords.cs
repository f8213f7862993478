using System;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// An attachment on a Data Center page and its copy on the paired Cloud page, as last synced: each side's attachment
    /// version, and the size and SHA-256 of the bytes both then held. A side whose current version is above its recorded
    /// one has a new version since; a side that no longer lists the attachment removed it.
    /// </summary>
    public sealed record AttachmentPairRecord
    {
        /// <summary>0 until stored.</summary>
        public long Id { get; init; }
        public string SpaceKey { get; init; } = "";
        /// <summary>The page pair (<see cref="PairRecord.Id"/>) the attachment belongs to; removing the page pair removes this row.</summary>
        public long PairId { get; init; }
        public string DataCenterAttachmentId { get; init; } = "";
        public string CloudAttachmentId { get; init; } = "";
        public string FileName { get; init; } = "";
        public int DataCenterVersion { get; init; }
        public int CloudVersion { get; init; }
        public long Size { get; init; }
        /// <summary>
        /// Lowercase hex SHA-256 of the synced bytes; empty for files the baseline paired by name and size without reading
        /// them (a copy such as CCMA's: hashing every file would read the whole space twice).
        /// </summary>
        public string Sha256 { get; init; } = "";
        public DateTimeOffset UpdatedAt { get; init; }

        public override string ToString() =>
            $"attachment pair {Id} '{FileName}' (DC {DataCenterAttachmentId} v{DataCenterVersion}, Cloud {CloudAttachmentId} v{CloudVersion}) of page pair {PairId} in {SpaceKey}";
    }
}
