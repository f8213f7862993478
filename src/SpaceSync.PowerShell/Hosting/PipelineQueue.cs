using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;

namespace SpaceSync.PowerShell.Hosting
{
    /// <summary>
    /// Engine work runs as tasks on other threads, but only the pipeline thread may write to PowerShell's
    /// streams. The engine posts what it wants written here; the cmdlet runs <see cref="Drain"/> on the
    /// pipeline thread until the work ends, then sees the work's own exception, if any.
    /// </summary>
    internal sealed class PipelineQueue : IDisposable
    {
        private readonly BlockingCollection<Action> _actions = new BlockingCollection<Action>();
        private readonly Action? _stopWork;

        /// <param name="stopWork">Cancels the engine's work: called when a write on the pipeline thread ends the command.</param>
        public PipelineQueue(Action? stopWork = null) => _stopWork = stopWork;

        /// <summary>Called from any thread.</summary>
        public void Post(Action action)
        {
            try
            {
                _actions.Add(action);
            }
            catch (InvalidOperationException)
            {
                // The work has ended and the cmdlet stopped draining: nothing left to write to.
            }
        }

        /// <summary>
        /// Runs on the pipeline thread: executes posted actions until <paramref name="work"/> completes. When an action
        /// ends the command (a WriteError under -ErrorAction Stop, a stopped pipeline), the work is cancelled and still
        /// drained to its end before that exception goes on: the command must not return while its work writes on (the
        /// next space syncing, the state open). Actions after that run only so a waiting question gets its answer.
        /// </summary>
        public T Drain<T>(Task<T> work)
        {
            work.ContinueWith(_ => _actions.CompleteAdding(), TaskScheduler.Default);
            Exception? ended = null;
            foreach (var action in _actions.GetConsumingEnumerable())
            {
                if (ended != null)
                {
                    try { action(); } catch (Exception) { /* the command has ended: nothing is written any more */ }
                    continue;
                }

                try
                {
                    action();
                }
                catch (Exception e)
                {
                    ended = e;
                    _stopWork?.Invoke();
                }
            }

            if (ended != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ended).Throw();
            }

            return work.GetAwaiter().GetResult();
        }

        public void Dispose() => _actions.Dispose();
    }
}
