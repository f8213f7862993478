using System;

namespace SpaceSync.Core.Sync
{
    /// <summary>Which kind of work a <see cref="RunProgress"/> is about.</summary>
    public enum RunActivity { Baseline, Drift, Sync, Resolution, Report }

    /// <summary>
    /// Where one space's run is: what a host shows as progress (PowerShell's Write-Progress). Reported by the runners where
    /// the work is counted (pairs hashed, actions run); any thread. <see cref="Done"/> of <see cref="Total"/> counts the phase's
    /// own units (sites read, pairs, actions); a null Total means the size is not known yet.
    /// </summary>
    public sealed record RunProgress
    {
        public RunActivity Activity { get; init; }
        public string SpaceKey { get; init; } = "";
        /// <summary>What the run is doing, in words ("Hashing the pairs' bodies").</summary>
        public string Phase { get; init; } = "";
        public int Done { get; init; }
        public int? Total { get; init; }
        /// <summary>The page being worked on, when there is one.</summary>
        public string? Current { get; init; }
        /// <summary>The space's last record: its run has ended (also when it failed).</summary>
        public bool Completed { get; init; }

        /// <summary>0–100 when the total is known (100 once completed); null otherwise.</summary>
        public int? Percent => Completed ? 100
            : Total is int total && total > 0 ? Math.Min(100, (int)(Done * 100L / total))
            : Total == 0 ? 100 : null;

        /// <summary>The phase with its counts, e.g. "Running actions: 12 of 40".</summary>
        public string Status => Completed ? "Done"
            : Total is int total ? $"{Phase}: {Done} of {total}"
            : Done > 0 ? $"{Phase}: {Done}" : Phase;
    }

    /// <summary>
    /// Lets through at most one record per <c>interval</c> to a host, besides the ones that matter whatever the time: the first
    /// of each phase, the one that ends a phase (Done reaches Total) and the Completed one. A 10k-page run reports every pair
    /// and action; the host draws a few a second. Thread-safe: lanes report at once.
    /// </summary>
    public sealed class ThrottledProgress : IProgress<RunProgress>
    {
        /// <summary>A few records a second: enough for a bar that moves, few enough to cost nothing.</summary>
        public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(250);

        private readonly IProgress<RunProgress> _inner;
        private readonly TimeSpan _interval;
        private readonly Func<DateTimeOffset> _clock;
        private readonly object _gate = new object();
        private RunProgress? _last;
        private DateTimeOffset _lastAt;

        /// <param name="clock">Tests pass their own; null = real time.</param>
        public ThrottledProgress(IProgress<RunProgress> inner, TimeSpan? interval = null, Func<DateTimeOffset>? clock = null)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            _interval = interval ?? DefaultInterval;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public void Report(RunProgress value)
        {
            if (value is null) return;
            lock (_gate)
            {
                var now = _clock();
                var passes = _last is null || value.Completed
                             || value.Activity != _last.Activity || value.SpaceKey != _last.SpaceKey || value.Phase != _last.Phase
                             || (value.Total is int total && value.Done >= total && _last.Done < total)
                             || now - _lastAt >= _interval;
                if (!passes) return;
                _last = value;
                _lastAt = now;
                // Inside the lock: records reach the host in the order they passed.
                _inner.Report(value);
            }
        }
    }
}
