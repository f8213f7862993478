using System;
using System.Data.Common;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// A writing run's hold on its space (SPEC §3: one run per space at a time), for workers on many machines sharing one
    /// state. Three parts:
    /// <list type="bullet">
    /// <item>a row lock with a short lease (<see cref="Scope.ResolvedSpace.LockLease"/>, the scope's <c>state.lockLeaseSeconds</c>),
    /// so a worker that dies anywhere holds its spaces for one lease at most;</item>
    /// <item>a heartbeat on its own connection (a store is not thread-safe) renewing it every lease/3 however long the run
    /// reads or waits; when a renewal finds the lock taken over, or none succeeded before the lease would end, the run's
    /// <see cref="Token"/> is cancelled, so every HTTP call stops;</item>
    /// <item>a fence on the run's store: each write of the space's state checks the lock row in its own transaction, so a run
    /// whose heartbeat came late (GC pause, suspended VM) writes nothing over the run that took its space.</item>
    /// </list>
    /// A row lock and not a PostgreSQL advisory lock tied to the session: the same code serves SQLite, and a session lock
    /// is lost silently (or held by somebody else's session) behind a transaction-mode connection pooler.
    /// Disposing stops the heartbeat, lifts the fence and releases the lock.
    /// </summary>
    internal sealed class RunLock : IDisposable
    {
        private readonly StateStore _state;
        /// <summary>The heartbeat's own store; replaced by a fresh connection after a failed renewal (a dropped session stays dropped).</summary>
        private StateStore _beatStore;
        private readonly string _spaceKey;
        private readonly TimeSpan _lease;
        private readonly EngineLog _log;
        private readonly CancellationToken _caller;
        private readonly CancellationTokenSource _lost = new CancellationTokenSource();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly CancellationTokenSource _linked;
        private readonly IDisposable _fence;
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly Task _heartbeat;
        private string? _lostWhy;
        private bool _disposed;

        private RunLock(StateStore state, StateStore beatStore, string spaceKey, string owner, TimeSpan lease, TimeSpan leaseEndsAt,
            EngineLog log, CancellationToken caller)
        {
            _state = state;
            _beatStore = beatStore;
            _spaceKey = spaceKey;
            Owner = owner;
            _lease = lease;
            _log = log;
            _caller = caller;
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _lost.Token);
            _fence = state.Fence(spaceKey, owner);
            _heartbeat = Task.Run(() => BeatAsync(leaseEndsAt));
        }

        /// <summary>The lock owner id this run wrote.</summary>
        public string Owner { get; }

        /// <summary>What the run works under: cancelled by the caller, or when the lock is lost.</summary>
        public CancellationToken Token => _linked.Token;

        /// <summary>Whether the heartbeat found the lock lost (taken over, released, or not renewed in time).</summary>
        public bool Lost => _lost.IsCancellationRequested;

        /// <summary>
        /// Takes the lock of <paramref name="spaceKey"/> for <paramref name="lease"/> and starts its heartbeat. Refused with
        /// <see cref="SyncRunException.SpaceLocked"/> (<see cref="SyncRunException.HeldBy"/> set) while another run holds it.
        /// </summary>
        public static RunLock Take(StateStore state, string spaceKey, TimeSpan lease, EngineLog log, CancellationToken caller)
        {
            if (lease <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lease), lease, "A lock lease must be longer than zero.");
            var owner = StateStore.NewLockOwnerId();
            var watch = Stopwatch.StartNew();
            var attempt = state.TryAcquireLock(spaceKey, owner, lease);
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

            StateStore? beatStore = null;
            try
            {
                beatStore = state.OpenAnother();
                // The lease is counted from before the lock was asked for: the heartbeat never believes in more than the row says.
                return new RunLock(state, beatStore, spaceKey, owner, lease, lease - watch.Elapsed, log, caller);
            }
            catch
            {
                beatStore?.Dispose();
                Release(state, spaceKey, owner, log);
                throw;
            }
        }

        /// <summary>
        /// Runs <paramref name="work"/> under <see cref="Token"/>; when it stops because the lock was lost (the token, a fenced
        /// write, or anything else after the loss) it ends with <see cref="SyncRunException.SpaceLocked"/> and no
        /// <see cref="SyncRunException.HeldBy"/>: a failure, never a skip (the run may have written part of its plan).
        /// </summary>
        public async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> work)
        {
            try
            {
                return await work(Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsLoss(e))
            {
                throw LostError(e);
            }
        }

        /// <summary>Between two actions: a lost lock stops the run before its next request.</summary>
        public void ThrowIfLost(string before)
        {
            if (Lost) throw LostError(null, before);
        }

        /// <summary>Whether <paramref name="e"/> ended the run because its lock was lost.</summary>
        public bool IsLoss(Exception e) =>
            e is StateStoreException { Kind: StateErrorKind.LockLost } ||
            (e is SyncRunException run && run.Code == SyncRunException.SpaceLocked && run.HeldBy is null) ||
            (Lost && !_caller.IsCancellationRequested);

        /// <summary>The run's error for a lost lock (<see cref="SyncRunException.SpaceLocked"/>, no <see cref="SyncRunException.HeldBy"/>).</summary>
        public SyncRunException LostError(Exception? cause, string? before = null)
        {
            if (cause is SyncRunException { Code: SyncRunException.SpaceLocked, HeldBy: null } already) return already;
            var why = _lostWhy ?? (cause as StateStoreException)?.Message ?? "the lock is no longer this run's";
            return new SyncRunException(SyncRunException.SpaceLocked,
                $"This run lost the lock of space '{_spaceKey}' ({why}); it stopped{(before is null ? "" : " " + before)} so as not to race the run " +
                "that holds the space now. What it wrote before is kept; the next run finishes the rest.", cause);
        }

        private async Task BeatAsync(TimeSpan leaseEndsAt)
        {
            var every = TimeSpan.FromTicks(_lease.Ticks / 3);
            // A failed renewal is tried again sooner, until the lease would end.
            var retry = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 50, _lease.Ticks / 12));
            var wait = every;
            while (true)
            {
                try
                {
                    await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var asked = _watch.Elapsed;
                try
                {
                    if (!_beatStore.RenewLock(_spaceKey, Owner, _lease))
                    {
                        var holder = _beatStore.GetLock(_spaceKey);
                        Lose(holder is null ? "it was released by someone else"
                            : $"{holder.OwnerId} took it over at {holder.AcquiredAt:u}, after this run's lease ran out");
                        return;
                    }

                    leaseEndsAt = asked + _lease;
                    wait = every;
                }
                catch (Exception e) when (e is StateStoreException || e is DbException || e is InvalidOperationException)
                {
                    if (_watch.Elapsed >= leaseEndsAt)
                    {
                        Lose($"it could not be renewed before its lease ended: {e.Message}");
                        return;
                    }

                    _log.Warning("Renewing the lock of {Space} failed ({Error}); trying again on a new connection until its lease ends", _spaceKey, e.Message);
                    ConnectAgain();
                    var left = leaseEndsAt - _watch.Elapsed;
                    wait = left < retry ? left : retry;
                }
                catch (Exception e)
                {
                    // Never a heartbeat that dies quietly under a run that goes on believing in its lease.
                    Lose($"its heartbeat failed: {e.Message}");
                    return;
                }
            }
        }

        /// <summary>
        /// A renewal that failed may have left its connection broken for good (the server or a network device ended the
        /// session; Npgsql then refuses every later command): the next try goes on a new one. When even that cannot be
        /// opened, the old store stays and the next try opens again.
        /// </summary>
        private void ConnectAgain()
        {
            try
            {
                var fresh = _beatStore.OpenAnother();
                var old = _beatStore;
                _beatStore = fresh;
                old.Dispose();
            }
            catch (Exception e) when (e is StateStoreException || e is DbException || e is InvalidOperationException)
            {
                _log.Warning("Connecting again to renew the lock of {Space} failed ({Error})", _spaceKey, e.Message);
            }
        }

        private void Lose(string why)
        {
            if (_stop.IsCancellationRequested) return; // the run is ending anyway
            _lostWhy = why;
            _log.Error(null, "The lock of {Space} is lost ({Why}); the run stops", _spaceKey, why);
            try
            {
                _lost.Cancel();
            }
            catch (AggregateException e)
            {
                _log.Warning("Stopping the run of {Space} raised {Error}", _spaceKey, e.GetBaseException().Message);
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _stop.Cancel();
            try
            {
                _heartbeat.GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                _log.Warning("The lock heartbeat of {Space} ended with {Error}", _spaceKey, e.Message);
            }

            _beatStore.Dispose();
            _fence.Dispose();
            Release(_state, _spaceKey, Owner, _log);
            _linked.Dispose();
            _lost.Dispose();
            _stop.Dispose();
        }

        /// <summary>Releases the run's lock; a lock another run took over (after it expired) is theirs and stays.</summary>
        private static void Release(StateStore state, string spaceKey, string owner, EngineLog log)
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
