using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// One round of a request's fault budget (attempts and backoff between two waits at the site's gate): its token fires
    /// when the budget left is spent. Time while a body's bytes move is given back, so a long transfer is never cut by it.
    /// </summary>
    internal sealed class RoundBudget : IDisposable
    {
        private readonly object _lock = new object();
        private readonly CancellationTokenSource _cts;
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly TimeSpan _left;
        private TimeSpan _flowing;
        private bool _disposed;

        public RoundBudget(TimeSpan left, CancellationToken caller)
        {
            _left = left;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(caller);
            _cts.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        public CancellationToken Token => _cts.Token;

        /// <summary>True when the budget, not the caller, ended the round.</summary>
        public bool Spent(CancellationToken caller) => _cts.IsCancellationRequested && !caller.IsCancellationRequested;

        /// <summary>Time the round counted against the budget.</summary>
        public TimeSpan Counted
        {
            get
            {
                lock (_lock)
                {
                    return _watch.Elapsed - _flowing;
                }
            }
        }

        /// <summary>A body moved for <paramref name="span"/>: not counted, the deadline moves on by as much.</summary>
        public void Flowed(TimeSpan span)
        {
            lock (_lock)
            {
                if (_disposed || _cts.IsCancellationRequested)
                {
                    return;
                }

                _flowing += span;
                var remaining = _left + _flowing - _watch.Elapsed;
                _cts.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                _cts.Dispose();
            }
        }
    }

    /// <summary>
    /// One attempt's silence timer: its token fires after <see cref="Timeout"/> without a sign of life, which each chunk of
    /// the request body sent and the answer's headers are (<see cref="Alive"/>).
    /// </summary>
    internal sealed class AttemptTimer : IDisposable
    {
        private readonly object _lock = new object();
        private readonly CancellationTokenSource _cts;
        private readonly RoundBudget _round;
        private readonly Stopwatch _sinceAlive = Stopwatch.StartNew();
        private bool _flowing;
        private bool _disposed;

        public AttemptTimer(TimeSpan timeout, RoundBudget round)
        {
            Timeout = timeout;
            _round = round;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(round.Token);
            _cts.CancelAfter(timeout);
        }

        public TimeSpan Timeout { get; }

        public CancellationToken Token => _cts.Token;

        /// <summary>True when the silence timer, not the round's budget nor the caller, ended the attempt.</summary>
        public bool TimedOut => _cts.IsCancellationRequested && !_round.Token.IsCancellationRequested;

        /// <summary>
        /// A sign of life: the timer starts again. <paramref name="bodyChunk"/>: a chunk of a body moved; the time since the
        /// previous chunk is transfer time, given back to the round's budget.
        /// </summary>
        public void Alive(bool bodyChunk)
        {
            TimeSpan since;
            lock (_lock)
            {
                if (_disposed || _cts.IsCancellationRequested)
                {
                    return;
                }

                since = _sinceAlive.Elapsed;
                _sinceAlive.Restart();
                _cts.CancelAfter(Timeout);
                var wasFlowing = _flowing;
                _flowing = bodyChunk;
                if (!bodyChunk || !wasFlowing)
                {
                    return;
                }
            }

            _round.Flowed(since);
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                _cts.Dispose();
            }
        }
    }

    /// <summary>
    /// A request body that reports each chunk it writes (an upload's bytes leaving), so that a transfer that keeps moving
    /// keeps its attempt alive. Headers are the inner content's; the inner content is sent as it would be itself.
    /// </summary>
    internal sealed class ProgressContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Action _onChunk;

        public ProgressContent(HttpContent inner, Action onChunk)
        {
            _inner = inner;
            _onChunk = onChunk;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _inner.CopyToAsync(new ReportingStream(stream, _onChunk));

        protected override bool TryComputeLength(out long length)
        {
            var known = _inner.Headers.ContentLength;
            length = known ?? -1;
            return known.HasValue;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>Writes through to the wire, reporting after each write.</summary>
        private sealed class ReportingStream : Stream
        {
            private readonly Stream _wire;
            private readonly Action _onChunk;

            public ReportingStream(Stream wire, Action onChunk)
            {
                _wire = wire;
                _onChunk = onChunk;
            }

            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count)
            {
                _wire.Write(buffer, offset, count);
                _onChunk();
            }

            public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                await _wire.WriteAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                _onChunk();
            }

            public override void Flush() => _wire.Flush();
            public override Task FlushAsync(CancellationToken cancellationToken) => _wire.FlushAsync(cancellationToken);
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
