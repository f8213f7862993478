using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// The baseline's part for attachments: files a copy (CCMA's) left on both pages of a pair are recorded as synced, so
    /// that the first sync does not upload them all again. Matched by file name (ignoring case) and size, without
    /// reading the bytes: hashing would read every file of the space from both sites. A file whose sizes differ stays
    /// unpaired, and the first sync reports it (it never overwrites one).
    /// </summary>
    public static class BaselineAttachments
    {
        /// <summary>Pairs equal files of every recorded page pair; returns how many were recorded. Two space-wide searches.</summary>
        public static async Task<int> PairAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, SiteSpace dcSpace, SiteSpace cloudSpace,
            StateStore state, string spaceKey, IEnumerable<PairRecord> pairs, EngineLog log, CancellationToken cancellationToken)
        {
            if (state is null) throw new ArgumentNullException(nameof(state));
            if (pairs is null) throw new ArgumentNullException(nameof(pairs));
            log ??= EngineLog.None;
            var dcFiles = await SnapshotReader.ReadAttachmentsAsync(dataCenter, dcSpace, SyncSide.DataCenter, null, cancellationToken).ConfigureAwait(false);
            var cloudFiles = await SnapshotReader.ReadAttachmentsAsync(cloud, cloudSpace, SyncSide.Cloud, null, cancellationToken).ConfigureAwait(false);
            var recorded = 0;
            var differing = 0;
            foreach (var pair in pairs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var onCloud = cloudFiles.Of(pair.CloudPageId).ToDictionary(f => f.FileName, StringComparer.OrdinalIgnoreCase);
                foreach (var file in dcFiles.Of(pair.DataCenterPageId))
                {
                    if (!onCloud.TryGetValue(file.FileName, out var twin)) continue;
                    if (file.Size < 0 || file.Size != twin.Size)
                    {
                        differing++;
                        continue;
                    }

                    state.SaveAttachmentPair(new AttachmentPairRecord
                    {
                        SpaceKey = spaceKey,
                        PairId = pair.Id,
                        DataCenterAttachmentId = file.Id,
                        CloudAttachmentId = twin.Id,
                        FileName = file.FileName,
                        DataCenterVersion = file.Version,
                        CloudVersion = twin.Version,
                        Size = file.Size,
                        Sha256 = "",
                    });
                    recorded++;
                }
            }

            log.Information("{Space}: {Count} attachments present on both sites recorded as synced (same name and size); {Differing} of the same name differ in size",
                spaceKey, recorded, differing);
            return recorded;
        }
    }
}
