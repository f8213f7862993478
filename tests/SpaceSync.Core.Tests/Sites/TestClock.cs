namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// A retry clock that does not wait: every timer fires at once and its due time is recorded.
/// The client uses it only for retry waits, so the recorded times are exactly the waits it chose.
/// Made with a start time it keeps its own time, which moves only by those waits (and <see cref="Advance"/>): the
/// waits are then exact, and an emulator given the same clock sees its rate window move on as the client waits.
/// </summary>
public sealed class RecordingDelayClock : TimeProvider
{
    private readonly List<TimeSpan> _delays = new();
    private readonly DateTimeOffset? _start;
    private TimeSpan _moved;

    public RecordingDelayClock()
    {
    }

    public RecordingDelayClock(DateTimeOffset start)
    {
        _start = start;
    }

    public IReadOnlyList<TimeSpan> Delays
    {
        get { lock (_delays) return _delays.ToList(); }
    }

    public override DateTimeOffset GetUtcNow()
    {
        if (_start is null) return base.GetUtcNow();
        lock (_delays) return _start.Value + _moved;
    }

    /// <summary>Time passes without a wait (own time only).</summary>
    public void Advance(TimeSpan by)
    {
        lock (_delays) _moved += by;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_delays)
            {
                _delays.Add(dueTime);
                _moved += dueTime;
            }

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
