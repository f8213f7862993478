using System;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>Why a baseline or sync run could not start (stable <see cref="Code"/> for the cmdlets' ErrorIds).</summary>
    public sealed class SyncRunException : Exception
    {
        public const string SpaceNotFound = "SpaceNotFound";
        public const string BaselineExists = "BaselineExists";
        public const string NoBaseline = "NoBaseline";
        public const string SpaceLocked = "SpaceLocked";

        public SyncRunException(string code, string message) : base(message) => Code = code;

        public SyncRunException(string code, string message, Exception? inner) : base(message, inner) => Code = code;

        public string Code { get; }

        /// <summary>
        /// For <see cref="SpaceLocked"/> at the start of a run: the other run's lock, which this run never held. Null when
        /// this run lost a lock it had (that is a failure, never a skip: it may have written part of its plan).
        /// </summary>
        public SpaceLock? HeldBy { get; init; }
    }

    /// <summary>Plumbing shared by the baseline and sync runners.</summary>
    internal static class RunSupport
    {
        public static SiteKind KindOf(SyncSide side) => side == SyncSide.DataCenter ? SiteKind.DataCenter : SiteKind.Cloud;

        public static SyncSide SideOf(SiteKind kind) => kind == SiteKind.DataCenter ? SyncSide.DataCenter : SyncSide.Cloud;

        public static async Task<(SiteSpace DataCenter, SiteSpace Cloud)> FindSpacesAsync(IConfluenceSite dataCenter, IConfluenceSite cloud,
            ResolvedSpace space, CancellationToken cancellationToken)
        {
            var cloudKey = string.IsNullOrEmpty(space.SiteCloudKey) ? space.SiteKey : space.SiteCloudKey;
            // Both sites asked at once; a missing space is told in the same order as before (Data Center first).
            var (dc, cl) = await Http.TurnGate.BothAsync(
                token => dataCenter.FindSpaceAsync(space.SiteKey, token),
                token => cloud.FindSpaceAsync(cloudKey, token), cancellationToken).ConfigureAwait(false);
            return (dc ?? throw new SyncRunException(SyncRunException.SpaceNotFound,
                    $"The space '{space.SiteKey}' does not exist on Data Center {dataCenter.BaseUrl} (or the account cannot see it)."),
                cl ?? throw new SyncRunException(SyncRunException.SpaceNotFound,
                    $"The space '{cloudKey}' does not exist on Cloud {cloud.BaseUrl} (or the account cannot see it)."));
        }

        /// <summary>
        /// The spaces a run recorded when it last looked them up, if they are still the ones the scope names (a changed
        /// cloudKey or key looks up again); null when either is missing.
        /// </summary>
        public static (SiteSpace DataCenter, SiteSpace Cloud)? KnownSpaces(ReadMarks marks, ResolvedSpace space)
        {
            var cloudKey = string.IsNullOrEmpty(space.SiteCloudKey) ? space.SiteKey : space.SiteCloudKey;
            if (marks.DataCenterSpace is { } dc && marks.CloudSpace is { } cloud &&
                string.Equals(dc.Key, space.SiteKey, StringComparison.OrdinalIgnoreCase) &&
                string.Equals(cloud.Key, cloudKey, StringComparison.OrdinalIgnoreCase))
            {
                return (dc, cloud);
            }

            return null;
        }
    }
}
