namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// A retry clock that does not wait: every timer fires at once and its due time is recorded.
/// The client uses it only for retry waits, so the recorded times are exactly the waits it chose.
/// </summary>
public sealed class RecordingDelayClock : TimeProvider
{
    private readonly List<TimeSpan> _delays = new();

    public IReadOnlyList<TimeSpan> Delays
    {
        get { lock (_delays) return _delays.ToList(); }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_delays) _delays.Add(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => default;
    }
}
