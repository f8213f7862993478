using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync.Comments
{
    /// <summary>
    /// The baseline's part of the comment aspect (<see cref="CommentAspect.BaselineAsync"/>): the comments a migration copied
    /// are paired, so that an edit or deletion made before the first sync is carried as one, and nothing is copied twice. Two comments are twins
    /// when they sit on paired pages, say the same words (in one dialect, attribution aside) and answer twin parents.
    /// Cost: every comment of the space, ceil(n / 50) requests a side.
    /// </summary>
    internal static class CommentBaseline
    {
        /// <returns>The number of comment pairs recorded.</returns>
        public static async Task<int> PairAsync(AspectBaseline baseline, CancellationToken cancellationToken)
        {
            var (translator, spaceKey) = (baseline.Translator, baseline.Space.Key);
            // Footer comments only: a migration copies inline comments too, but they are never paired (they never cross).
            var dcComments = CommentKinds.Split(await baseline.DataCenter.ListSpaceCommentsAsync(baseline.DataCenterSpace.Key, null, cancellationToken).ConfigureAwait(false))
                .Footer.ToLookup(c => c.PageId, StringComparer.Ordinal);
            var cloudComments = CommentKinds.Split(await baseline.Cloud.ListSpaceCommentsAsync(baseline.CloudSpace.Key, null, cancellationToken).ConfigureAwait(false))
                .Footer.ToLookup(c => c.PageId, StringComparer.Ordinal);
            var paired = 0;
            foreach (var page in baseline.Pairs)
            {
                var dc = dcComments[page.DataCenterPageId].ToDictionary(c => c.Id, StringComparer.Ordinal);
                var cl = cloudComments[page.CloudPageId].ToDictionary(c => c.Id, StringComparer.Ordinal);
                if (dc.Count == 0 || cl.Count == 0) continue;
                var input = new CommentPageInput
                {
                    PagePairId = page.Id,
                    DataCenterPageId = page.DataCenterPageId,
                    CloudPageId = page.CloudPageId,
                    DataCenter = await SnapshotsAsync(dc.Values, SyncSide.DataCenter, translator, cancellationToken).ConfigureAwait(false),
                    Cloud = await SnapshotsAsync(cl.Values, SyncSide.Cloud, translator, cancellationToken).ConfigureAwait(false),
                    Complete = true,
                };
                foreach (var (dcId, cloudId) in CommentPlanner.Twins(input))
                {
                    baseline.State.SaveCommentPair(new CommentPairRecord
                    {
                        SpaceKey = spaceKey,
                        PairId = page.Id,
                        DataCenterCommentId = dcId,
                        CloudCommentId = cloudId,
                        OriginSide = SiteKind.DataCenter,
                        DataCenterVersion = Math.Max(1, dc[dcId].Version),
                        CloudVersion = Math.Max(1, cl[cloudId].Version),
                        BaseHash = CommentAttribution.ContentHashOf(dc[dcId].Body ?? ""),
                    });
                    paired++;
                }
            }

            baseline.Log.Information("{Space}: {Count} comment pairs recorded", spaceKey, paired);
            return paired;
        }

        private static async Task<List<CommentSnapshot>> SnapshotsAsync(IEnumerable<SiteComment> comments, SyncSide side, IBodyTranslator translator,
            CancellationToken cancellationToken)
        {
            var snapshots = new List<CommentSnapshot>();
            foreach (var c in comments)
            {
                snapshots.Add(new CommentSnapshot
                {
                    Id = c.Id,
                    ParentId = c.ParentCommentId,
                    Version = c.Version,
                    MatchHash = c.Body is null ? null : await CommentAttribution.MatchHashAsync(c.Body, side, translator, cancellationToken).ConfigureAwait(false),
                });
            }

            return snapshots;
        }
    }
}
