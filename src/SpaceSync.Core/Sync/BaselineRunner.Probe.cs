using System.Collections.Generic;
using System.Threading;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    public static partial class BaselineRunner
    {
        private static readonly AsyncLocal<BaselineProbe?> ActiveProbe = new AsyncLocal<BaselineProbe?>();

        /// <summary>
        /// Watches the baselines run in this flow until disposed (tests: what a baseline holds, counted rather than measured
        /// as memory). Off, a baseline counts nothing.
        /// </summary>
        internal static BaselineProbe Watch() => ActiveProbe.Value = new BaselineProbe(ActiveProbe);

        /// <summary>After a batch of pairs is stored: how many stored pairs the run still holds with their base body as text.</summary>
        private static void ObserveStored(IEnumerable<PairRecord> stored)
        {
            if (ActiveProbe.Value is not { } probe) return;
            var held = 0;
            foreach (var record in stored)
                if (record.BaseBody != null) held++;
            probe.SawStoredWithBody(held);
        }

        /// <summary>After hashing a batch: the bodies held then (the batch's raw bodies and bases, and those kept for writes).</summary>
        private static void ObserveHeld(int held)
        {
            if (ActiveProbe.Value is { } probe) probe.SawBodiesHeld(held);
        }
    }

    /// <summary>What a baseline held, as <see cref="BaselineRunner.Watch"/> saw it.</summary>
    internal sealed class BaselineProbe : System.IDisposable
    {
        private readonly AsyncLocal<BaselineProbe?> _slot;

        internal BaselineProbe(AsyncLocal<BaselineProbe?> slot) => _slot = slot;

        /// <summary>The most stored pairs held at once with their base body as text (it is in the state: nothing needs it in memory).</summary>
        public int MostStoredWithBody { get; private set; }

        /// <summary>The most bodies (raw of both sides and bases, deflated or not) held at once while hashing.</summary>
        public int MostBodiesHeld { get; private set; }

        internal void SawBodiesHeld(int held)
        {
            if (held > MostBodiesHeld) MostBodiesHeld = held;
        }

        internal void SawStoredWithBody(int held)
        {
            if (held > MostStoredWithBody) MostStoredWithBody = held;
        }

        public void Dispose()
        {
            if (ReferenceEquals(_slot.Value, this)) _slot.Value = null;
        }
    }
}
