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
        /// <summary>Long enough for a large space; a run that dies leaves a lock that expires.</summary>
        public static readonly TimeSpan LockLease = TimeSpan.FromHours(2);

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

        public static string TakeLock(StateStore state, string spaceKey, Logging.EngineLog log)
        {
            var owner = StateStore.NewLockOwnerId();
            var attempt = state.TryAcquireLock(spaceKey, owner, LockLease);
            if (!attempt.Acquired)
            {
                throw new SyncRunException(SyncRunException.SpaceLocked,
                    $"Another run holds the lock of space '{spaceKey}' (owner {attempt.Holder.OwnerId}, since {attempt.Holder.AcquiredAt:u}, " +
                    $"until {attempt.Holder.ExpiresAt:u}). Wait for it to finish, or for the lock to expire.")
                { HeldBy = attempt.Holder };
            }

            // Said aloud: a taken-over lock means a run died part-way, and the operator should know which one and why it
            // was safe to go on (its process is gone, or its lease ended); this run finishes what that one left.
            if (attempt.TakenOverFrom is { } dead)
            {
                var why = dead.ExpiresAt <= attempt.Holder.AcquiredAt ? $"its lease ended at {dead.ExpiresAt:u}" : "its process is gone from this machine";
                log.Warning("Took over the lock of space {Space:l} from run {Owner:l} (since {Since:u}): {Why:l}. That run stopped part-way; this one finishes its work",
                    spaceKey, dead.OwnerId, dead.AcquiredAt, why);
            }

            return owner;
        }

        /// <summary>Releases this run's lock; a lock another run took over (after it expired) is theirs and stays.</summary>
        public static void ReleaseLock(StateStore state, string spaceKey, string owner, Logging.EngineLog log)
        {
            try
            {
                state.ReleaseLock(spaceKey, owner);
            }
            catch (StateStoreException e) when (e.Kind == StateErrorKind.LockHeldByOther)
            {
                log.Warning("The lock of {Space} was taken over by another run while this one worked: {Message}", spaceKey, e.Message);
            }
        }
    }
}
