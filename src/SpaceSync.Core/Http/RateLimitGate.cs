using System;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// One site's throttling, shared by all its requests (a site client's handlers come and go; this stays):
    /// a wait the site asked for holds every request, not only the refused one; a wait longer than the client is willing
    /// to sleep closes the site until then (requests fail unsent); and while answers say X-RateLimit-NearLimit, requests
    /// start spaced out; a cap of our own (<see cref="Sites.SiteClientOptions.MaxRequestsPerSecond"/>) spaces every start;
    /// and an answer that emptied Data Center's token bucket holds the next request one refill. Waits run on the client's retry clock and end at once on cancellation.
    /// The requests a site's wait held do not all resume at its end: the first goes then, the others at random within
    /// a spread after it (<see cref="Sites.SiteClientOptions.RateLimitResumeSpread"/>), so that the streams of one
    /// client, and of several processes held by the same window, do not come back in lockstep and fill it at once.
    /// </summary>
    internal sealed class RateLimitGate
    {
        private readonly object _lock = new object();
        private readonly TimeProvider _clock;
        private readonly TimeSpan _spacing;
        private readonly TimeSpan _slowdown;
        private readonly TimeSpan _capSpacing;
        private readonly TimeSpan _resumeSpread;
        private readonly Func<double> _jitter;
        private DateTimeOffset _notBefore;
        private TimeSpan _holdSpread;
        private bool _holdEndTaken;
        private DateTimeOffset _lastStart;
        private DateTimeOffset _slowUntil;
        private RateLimitRefusal? _closed;

        public RateLimitGate(TimeProvider clock, TimeSpan nearLimitSpacing, TimeSpan nearLimitSlowdown, TimeSpan capSpacing = default,
            TimeSpan resumeSpread = default, Func<double>? jitter = null)
        {
            _clock = clock;
            _resumeSpread = resumeSpread;
            var random = new Random();
            _jitter = jitter ?? (() => { lock (random) { return random.NextDouble(); } });
            _spacing = nearLimitSpacing;
            _slowdown = nearLimitSlowdown;
            _capSpacing = capSpacing;
            _lastStart = DateTimeOffset.MinValue;
        }

        public DateTimeOffset Now => _clock.GetUtcNow();

        /// <summary>
        /// Waits until this request may go (at least <paramref name="minimumWait"/>, the wait its own last answer asked
        /// for) and books its start. Returns how long it waited.
        /// </summary>
        /// <exception cref="RateLimitClosedException">The site asked for a wait longer than the client waits, and it has not passed.</exception>
        public async Task<TimeSpan> EnterAsync(TimeSpan minimumWait, CancellationToken cancellationToken)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = _clock.GetUtcNow();
                if (_closed != null && now < _closed.Until)
                {
                    throw new RateLimitClosedException(_closed);
                }

                var start = now + minimumWait;
                if (_notBefore > start)
                {
                    // Held by a wait the site asked for: the first request goes at its end, the rest spread out after it.
                    start = _notBefore;
                    if (_holdEndTaken) start += TimeSpan.FromTicks((long)(_holdSpread.Ticks * _jitter()));
                    else _holdEndTaken = true;
                }

                if (now < _slowUntil && _lastStart + _spacing > start) start = _lastStart + _spacing;
                if (_capSpacing > TimeSpan.Zero && _lastStart != DateTimeOffset.MinValue && _lastStart + _capSpacing > start) start = _lastStart + _capSpacing;
                _lastStart = start;
                wait = start - now;
            }

            if (wait > TimeSpan.Zero)
            {
                await _clock.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            return wait;
        }

        /// <summary>
        /// The site asked to wait until <paramref name="until"/>: no request of this client goes before then, and the
        /// requests held resume spread over up to the resume spread after it (never more than the wait itself).
        /// </summary>
        public void HoldUntil(DateTimeOffset until)
        {
            lock (_lock)
            {
                if (until <= _notBefore) return;
                var wait = until - _clock.GetUtcNow();
                _holdSpread = wait < _resumeSpread ? (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) : _resumeSpread;
                _holdEndTaken = false;
                _notBefore = until;
            }
        }

        /// <summary>
        /// An answer gave its rate-limit budget (X-RateLimit-Remaining) without saying NearLimit: the site says there is
        /// room again, so a slowdown ends now rather than when its timer runs out (a budget that refills every second
        /// would otherwise be used at one request a second).
        /// </summary>
        public void NoteRoomLeft()
        {
            lock (_lock)
            {
                var now = _clock.GetUtcNow();
                if (_slowUntil > now) _slowUntil = now;
            }
        }

        /// <summary>
        /// An answer took the bucket's last token: no request goes before <paramref name="refill"/> has passed. True when
        /// this started a hold (one log line per emptying, not per request held).
        /// </summary>
        public bool HoldAfterEmptyBucket(TimeSpan refill)
        {
            lock (_lock)
            {
                var until = _clock.GetUtcNow() + refill;
                if (until <= _notBefore) return false;
                // A bucket's refill is paced by, not a refusal: the held requests go at its end as before.
                _holdSpread = TimeSpan.Zero;
                _notBefore = until;
                return true;
            }
        }

        /// <summary>The site asked for a wait the client will not sleep: nothing is sent to it until that has passed.</summary>
        public void Close(RateLimitRefusal refusal)
        {
            lock (_lock)
            {
                if (_closed is null || refusal.Until > _closed.Until) _closed = refusal;
            }
        }

        /// <summary>
        /// An answer said X-RateLimit-NearLimit: requests start at least the spacing apart until the slowdown has passed
        /// since the last such answer. True when this answer started a slowdown (worth one log line).
        /// </summary>
        public bool NoteNearLimit()
        {
            if (_spacing <= TimeSpan.Zero || _slowdown <= TimeSpan.Zero)
            {
                return false;
            }

            lock (_lock)
            {
                var now = _clock.GetUtcNow();
                var started = now >= _slowUntil;
                _slowUntil = now + _slowdown;
                return started;
            }
        }
    }

    /// <summary>A wait a site asked for that the client will not sleep, and until when nothing goes to that site.</summary>
    internal sealed class RateLimitRefusal
    {
        public RateLimitRefusal(RetryWait asked, DateTimeOffset at, TimeSpan longestWait)
        {
            Asked = asked;
            At = at;
            LongestWait = longestWait;
            Until = asked.Delay >= DateTimeOffset.MaxValue - at ? DateTimeOffset.MaxValue : at + asked.Delay;
        }

        public RetryWait Asked { get; }

        /// <summary>When the site asked.</summary>
        public DateTimeOffset At { get; }

        public DateTimeOffset Until { get; }

        /// <summary>The client's limit (SiteClientOptions.MaxRetryAfter).</summary>
        public TimeSpan LongestWait { get; }
    }

    /// <summary>A request not sent: its site asked for a wait longer than the client waits, and that wait has not passed.</summary>
    internal sealed class RateLimitClosedException : Exception
    {
        public RateLimitClosedException(RateLimitRefusal refusal)
            : base("The site asked for a wait longer than the client waits.")
        {
            Refusal = refusal;
        }

        public RateLimitRefusal Refusal { get; }
    }
}
