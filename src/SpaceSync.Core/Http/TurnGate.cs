using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// Lets several lanes of work (a sync run's per-site writers) share state that was written for one caller at a
    /// time: only the lane holding the turn runs, and a lane gives up its turn while one of its requests is in the
    /// site client's handler chain (rate-limit pacing, retries and the wire), taking it back before the answer is
    /// handed to its code. So the lanes overlap only in waiting on the sites, and everything else (the run's
    /// bookkeeping, the state file's one SQLite connection, lazy caches, the site clients' own code) sees one caller.
    /// A lane is an async flow: <see cref="JoinAsLane"/> marks the calling flow as one of this gate's lanes.
    /// <para>
    /// The turn is given up as the request enters the handler chain, while the lane's callers are still returning
    /// their tasks: code between calling an async method and awaiting it runs without the turn. A task started lazily
    /// and kept in a field must be stored before it can reach a request, and awaited through <see cref="AwaitShared"/>
    /// (see RunTranslation.UsersAsync): a lane that waits for another lane's work holding the turn deadlocks both.
    /// </para>
    /// </summary>
    internal sealed class TurnGate
    {
        private static readonly AsyncLocal<Lane?> Current = new AsyncLocal<Lane?>();
        private readonly SemaphoreSlim _turn = new SemaphoreSlim(1, 1);

        /// <summary>Makes the calling async flow a lane of this gate (it does not hold the turn yet).</summary>
        public void JoinAsLane() => Current.Value = new Lane(this);

        /// <summary>Waits for the turn; the calling flow must be a lane of this gate.</summary>
        public async Task TakeTurnAsync()
        {
            var lane = Current.Value ?? throw new InvalidOperationException("Not a lane of this gate.");
            await _turn.WaitAsync().ConfigureAwait(false);
            lane.Holds = true;
        }

        /// <summary>Gives the turn up (a no-op when the lane does not hold it).</summary>
        public void EndTurn()
        {
            var lane = Current.Value;
            if (lane is null || !lane.Holds) return;
            lane.Holds = false;
            _turn.Release();
        }

        /// <summary>
        /// Runs <paramref name="send"/> with the calling lane's turn given up, and takes it back before returning, however
        /// the send ends (cancellation included: the lane's code unwinds holding its turn). Outside a lane it just sends.
        /// </summary>
        public static async Task<T> WhileWaitingAsync<T>(Func<Task<T>> send)
        {
            var lane = Current.Value;
            if (lane is null || !lane.Holds) return await send().ConfigureAwait(false);
            lane.Gate.EndTurn();
            try
            {
                return await send().ConfigureAwait(false);
            }
            finally
            {
                await lane.Gate.TakeTurnAsync().ConfigureAwait(false);
            }
        }

        /// <summary>
        /// A task another lane may be running (a cache both lanes share), to be awaited: while it is not done, the calling
        /// lane gives its turn up, as for a request. Awaited holding the turn, it would deadlock: the lane running it needs
        /// the turn to go on after its own requests.
        /// </summary>
        public static Task<T> AwaitShared<T>(Task<T> shared) => shared.IsCompleted ? shared : WhileWaitingAsync(() => shared);

        /// <summary>
        /// Runs two flows of work as lanes of one new gate, so that they overlap only while their requests wait on the sites
        /// (a sync reads Data Center and Cloud at once), and returns both results. The first flow to fail cancels the other
        /// (its token is linked to <paramref name="cancellationToken"/>): a site that refuses the run stops the read of the
        /// other one too, as reading one after the other did, and that first failure is the one thrown. Inside another
        /// gate's lane they run one after the other instead: that lane holds its own gate's turn, which a second gate would
        /// not respect.
        /// </summary>
        public static async Task<(T1 First, T2 Second)> BothAsync<T1, T2>(Func<CancellationToken, Task<T1>> first,
            Func<CancellationToken, Task<T2>> second, CancellationToken cancellationToken)
        {
            if (Current.Value != null)
                return (await first(cancellationToken).ConfigureAwait(false), await second(cancellationToken).ConfigureAwait(false));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var gate = new TurnGate();
            Exception? cause = null;

            async Task<T> LaneAsync<T>(Func<CancellationToken, Task<T>> work)
            {
                gate.JoinAsLane();
                await gate.TakeTurnAsync().ConfigureAwait(false);
                try
                {
                    return await work(stop.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // Only the turn's holder gets here, so the first failure is the one kept; the other flow's
                    // cancellation that follows from it is not a cause.
                    cause ??= e;
                    stop.Cancel();
                    throw;
                }
                finally
                {
                    gate.EndTurn();
                }
            }

            var one = LaneAsync(first);
            var two = LaneAsync(second);
            try
            {
                await Task.WhenAll(one, two).ConfigureAwait(false);
            }
            catch when (cause != null)
            {
                ExceptionDispatchInfo.Capture(cause).Throw();
            }

            return (one.Result, two.Result);
        }

        private sealed class Lane
        {
            public Lane(TurnGate gate) => Gate = gate;

            public TurnGate Gate { get; }

            /// <summary>Read and written only by the lane's own flow, which makes one request at a time.</summary>
            public bool Holds;
        }
    }
}
