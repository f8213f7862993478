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
            }, fenced: false);
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
            }, fenced: false);
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
            }, fenced: false);

        /// <summary>
        /// From now until the returned handle is disposed, every write of this store that changes the state (pairs, bases,
        /// conflicts, intents, history, marks) first reads, inside its own transaction and under the state's write lock, the
        /// lock row of <paramref name="spaceKey"/>: unless it still names <paramref name="ownerId"/> and has not expired, the
        /// write keeps nothing and throws <see cref="StateErrorKind.LockLost"/>. A run whose heartbeat came late (a long GC
        /// pause, a suspended VM) therefore cannot overwrite what the run that took its space over wrote meanwhile. One
        /// primary-key read per write transaction; no request to a site.
        /// </summary>
        internal IDisposable Fence(string spaceKey, string ownerId)
        {
            Require(spaceKey, nameof(spaceKey));
            Require(ownerId, nameof(ownerId));
            if (_fence != null)
                throw new InvalidOperationException($"The {this} is already fenced by the lock of {_fence.Value.SpaceKey}.");
            _fence = (spaceKey, ownerId);
            return new Unfence(this);
        }

        private (string SpaceKey, string OwnerId)? _fence;

        private sealed class Unfence : IDisposable
        {
            private StateStore? _store;

            public Unfence(StateStore store) => _store = store;

            public void Dispose()
            {
                if (_store != null) _store._fence = null;
                _store = null;
            }
        }

        /// <summary>Whether this store's fence still holds (always true when it has none); read inside the caller's transaction.</summary>
        private bool FenceHolds()
        {
            if (_fence is not { } fence) return true;
            var current = GetLock(fence.SpaceKey);
            return current != null && current.OwnerId == fence.OwnerId && current.ExpiresAt > Now();
        }

        private void CheckFence(string what)
        {
            if (FenceHolds()) return;
            var fence = _fence!.Value;
            var current = GetLock(fence.SpaceKey);
            throw new StateStoreException(StateErrorKind.LockLost,
                $"The lock of space {fence.SpaceKey} is no longer this run's ({fence.OwnerId}): " +
                (current == null ? "it was released"
                    : current.OwnerId == fence.OwnerId ? $"its lease ended at {current.ExpiresAt:u}"
                    : $"{current.OwnerId} holds it since {current.AcquiredAt:u}") +
                $". Nothing of {what} was written.");
        }

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
