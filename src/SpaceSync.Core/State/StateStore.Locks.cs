using System;
using System.Data.Common;

namespace SpaceSync.Core.State
{
    // The per-space run lock (SPEC §3: one run per space at a time). The expiry lets the next run take over
    // from a run that died; a live run renews well before its lease ends. A holder whose process is gone from
    // this machine is taken over at once (LockOwner).
    public sealed partial class StateStore
    {
        /// <summary>
        /// Takes the space's lock for <paramref name="ownerId"/> for <paramref name="lease"/>, atomically. Succeeds
        /// when the lock is free, expired or held by a process gone from this machine (taken over: see
        /// <see cref="LockAttempt.TakenOverFrom"/>) or already this owner's (then extended). Otherwise <c>Acquired</c> is false and <c>Holder</c> says who has it.
        /// </summary>
        public LockAttempt TryAcquireLock(string spaceKey, string ownerId, TimeSpan lease)
        {
            Require(spaceKey, nameof(spaceKey));
            Require(ownerId, nameof(ownerId));
            RequirePositive(lease);
            return InTransaction($"taking the lock of {spaceKey}", () =>
            {
                var now = Now();
                var current = GetLock(spaceKey);
                var ours = current?.OwnerId == ownerId;
                if (current != null && !ours && current.ExpiresAt > now && !LockOwner.IsGoneFromThisMachine(current.OwnerId))
                    return new LockAttempt(false, current, null);
                var taken = new SpaceLock(spaceKey, ownerId, ours ? current!.AcquiredAt : now, now + lease);
                WriteLock(taken);
                return new LockAttempt(true, taken, current != null && !ours ? current : null);
            });
        }

        /// <summary>
        /// Extends this owner's lock to now + <paramref name="lease"/>. False when the lock is gone or someone else
        /// holds it (it expired and was taken over): the run must stop writing.
        /// </summary>
        public bool RenewLock(string spaceKey, string ownerId, TimeSpan lease)
        {
            RequirePositive(lease);
            return InTransaction($"renewing the lock of {spaceKey}", () =>
            {
                var current = GetLock(spaceKey);
                if (current?.OwnerId != ownerId)
                    return false;
                WriteLock(current with { ExpiresAt = Now() + lease });
                return true;
            });
        }

        /// <summary>
        /// Releases this owner's lock; nothing to do when there is none. Refused
        /// (<see cref="StateErrorKind.LockHeldByOther"/>) when another owner holds it.
        /// </summary>
        public void ReleaseLock(string spaceKey, string ownerId) =>
            InTransaction($"releasing the lock of {spaceKey}", () =>
            {
                var current = GetLock(spaceKey);
                if (current == null)
                    return;
                if (current.OwnerId != ownerId)
                    throw new StateStoreException(StateErrorKind.LockHeldByOther,
                        $"The lock of space {spaceKey} is held by {current.OwnerId} (since {current.AcquiredAt:u}, until " +
                        $"{current.ExpiresAt:u}); {ownerId} cannot release it.");
                Execute("DELETE FROM locks WHERE space_key = @key", ("@key", spaceKey));
            });

        /// <summary>The space's lock as stored (possibly expired), or null.</summary>
        public SpaceLock? GetLock(string spaceKey) =>
            QuerySingle("SELECT space_key, owner_id, acquired_at, expires_at FROM locks WHERE space_key = @key",
                ReadLock, ("@key", spaceKey));

        private void WriteLock(SpaceLock spaceLock) => Execute(
            @"INSERT INTO locks (space_key, owner_id, acquired_at, expires_at) VALUES (@key, @owner, @acquired, @expires)
              ON CONFLICT (space_key) DO UPDATE SET owner_id = excluded.owner_id, acquired_at = excluded.acquired_at,
                  expires_at = excluded.expires_at",
            ("@key", spaceLock.SpaceKey), ("@owner", spaceLock.OwnerId),
            ("@acquired", StateText.Time(spaceLock.AcquiredAt)), ("@expires", StateText.Time(spaceLock.ExpiresAt)));

        private static void RequirePositive(TimeSpan lease)
        {
            if (lease <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(lease), lease, "A lock lease must be longer than zero.");
        }

        private static SpaceLock ReadLock(DbDataReader r) => new SpaceLock(
            r.GetString(0), r.GetString(1), StateText.ParseTime(r.GetString(2)), StateText.ParseTime(r.GetString(3)));
    }
}
