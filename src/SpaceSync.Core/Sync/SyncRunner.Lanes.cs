using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Http;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncRunner
    {
        /// <summary>
        /// How a plan's actions are worked. One lane: in plan order, one at a time. By site: one lane per target site,
        /// each in plan order (a parent's create before its children's on that side; a site never has two of our writes in
        /// flight), so a rate-limited site does not hold the other one up. An action still waits for what it needs from
        /// the other lane: the actions it depends on (DependsOn, the create of its new parent) and the previous action of
        /// its pair (a pair whose actions write both sides, or whose labels, attachments or restrictions follow its body
        /// on the other side, keeps its plan order: one writer per page). Dependencies point back in plan order, so the
        /// lanes cannot wait on each other in a circle.
        /// <para>
        /// The lanes take turns (<see cref="TurnGate"/>): only the lane holding the turn runs the run's code; it gives
        /// the turn up while its request waits on a site. The run's bookkeeping, the state's one SQLite connection and
        /// the lazy caches (translation users, page map) thus still see one caller at a time.
        /// </para>
        /// <para>
        /// When an action throws (lock lost, cancellation) its lane stops; the other lane finishes the action it is in
        /// and stops before its next one; the first exception is rethrown once both have stopped.
        /// </para>
        /// </summary>
        private sealed class WriteLanes
        {
            private readonly IReadOnlyList<SyncAction> _actions;
            private readonly bool _bySite;

            public WriteLanes(IReadOnlyList<SyncAction> actions, bool bySite)
            {
                _actions = actions;
                _bySite = bySite && actions.Select(a => a.Target).Distinct().Count() > 1;
            }

            /// <summary>Runs <paramref name="start"/> for each site (in its lane, before its actions), then <paramref name="execute"/> (plan position, action) for each action.</summary>
            public async Task RunAsync(Func<SyncSide, Task> start, Func<int, SyncAction, Task> execute, CancellationToken ct)
            {
                if (!_bySite)
                {
                    await start(SyncSide.DataCenter).ConfigureAwait(false);
                    await start(SyncSide.Cloud).ConfigureAwait(false);
                    for (var i = 0; i < _actions.Count; i++)
                    {
                        ct.ThrowIfCancellationRequested();
                        await execute(i, _actions[i]).ConfigureAwait(false);
                    }

                    return;
                }

                var waits = WaitsOf(_actions);
                var finished = _actions.Select(_ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
                var stop = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                var gate = new TurnGate();
                Exception? first = null;

                // Runs work holding the turn. Only the turn's holder fails here, so the first failure is the one kept; it
                // stops the other lane before its next action.
                async Task InTurnAsync(Func<Task> work)
                {
                    await gate.TakeTurnAsync().ConfigureAwait(false);
                    try
                    {
                        await work().ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        first ??= e;
                        stop.TrySetResult(true);
                        throw;
                    }
                    finally
                    {
                        gate.EndTurn();
                    }
                }

                async Task LaneAsync(SyncSide side)
                {
                    gate.JoinAsLane();
                    await InTurnAsync(() => start(side)).ConfigureAwait(false);
                    for (var i = 0; i < _actions.Count; i++)
                    {
                        if (_actions[i].Target != side) continue;
                        foreach (var w in waits[i])
                        {
                            if (!finished[w].Task.IsCompleted) await Task.WhenAny(finished[w].Task, stop.Task).ConfigureAwait(false);
                        }

                        if (stop.Task.IsCompleted) return;
                        var ran = false;
                        await InTurnAsync(async () =>
                        {
                            if (stop.Task.IsCompleted) return; // the other lane failed while this one waited for its turn
                            ct.ThrowIfCancellationRequested();
                            await execute(i, _actions[i]).ConfigureAwait(false);
                            ran = true;
                        }).ConfigureAwait(false);
                        if (!ran) return;
                        finished[i].TrySetResult(true);
                    }
                }

                var lanes = new[] { LaneAsync(SyncSide.DataCenter), LaneAsync(SyncSide.Cloud) };
                try
                {
                    await Task.WhenAll(lanes).ConfigureAwait(false);
                }
                catch when (first != null)
                {
                    ExceptionDispatchInfo.Capture(first).Throw();
                }
            }

            /// <summary>For each action, the plan positions before it that must have finished first.</summary>
            private static List<int>[] WaitsOf(IReadOnlyList<SyncAction> actions)
            {
                var position = new Dictionary<int, int>();
                for (var i = 0; i < actions.Count; i++) position[actions[i].Id] = i;
                var lastOfPair = new Dictionary<string, int>(StringComparer.Ordinal);
                var waits = new List<int>[actions.Count];
                for (var i = 0; i < actions.Count; i++)
                {
                    var action = actions[i];
                    var before = new List<int>();
                    var needs = action.DependsOn.Concat(action.Parent?.CreatedByAction is int p ? new[] { p } : Array.Empty<int>());
                    // A dependency not in this list (the re-plan runs only some pages) or after it is judged as before: not done.
                    foreach (var id in needs)
                        if (position.TryGetValue(id, out var at) && at < i && actions[at].Target != action.Target) before.Add(at);
                    if (action.PairKey != null)
                    {
                        if (lastOfPair.TryGetValue(action.PairKey, out var previous) && actions[previous].Target != action.Target) before.Add(previous);
                        lastOfPair[action.PairKey] = i;
                    }

                    waits[i] = before;
                }

                return waits;
            }
        }
    }
}
