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

        /// <summary>Runs on the pipeline thread: executes posted actions until <paramref name="work"/> completes.</summary>
        public T Drain<T>(Task<T> work)
        {
            work.ContinueWith(_ => _actions.CompleteAdding(), TaskScheduler.Default);
            foreach (var action in _actions.GetConsumingEnumerable())
            {
                action();
            }

            return work.GetAwaiter().GetResult();
        }

        public void Dispose() => _actions.Dispose();
    }
}
