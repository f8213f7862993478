using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// Retries, waits and timeouts for one site, as one Polly pipeline:
    /// overall timeout → retry (Retry-After / backoff with jitter) → per-attempt timeout.
    /// Only requests that are safe to repeat are repeated (see <see cref="RetryRules"/>).
    /// </summary>
    internal sealed class ResilienceHandler : DelegatingHandler
    {
        /// <summary>HttpRequestMessage property: attempts made (int), for error messages.</summary>
        public const string AttemptsProperty = "SpaceSync.Attempts";

        /// <summary>HttpRequestMessage property: true when a failure was not retried because the body cannot be resent.</summary>
        public const string BodyNotReplayableProperty = "SpaceSync.BodyNotReplayable";

        /// <summary>
        /// HttpRequestMessage property: true when the caller reads the body as a stream (attachment downloads). The
        /// answer is returned once its headers are in, unbuffered: retries and the timeouts then cover only the part
        /// before the first body byte, and the caller's own token governs the body.
        /// </summary>
        public const string StreamBodyProperty = "SpaceSync.StreamBody";

        private static readonly ResiliencePropertyKey<RequestState> StateKey = new ResiliencePropertyKey<RequestState>("SpaceSync.Request");

        private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
        private readonly SiteRequestCounters _counters;
        private readonly string _siteName;
        private readonly int _maxAttempts;
        private readonly Action<SiteEvent>? _onEvent;
        private readonly RetryDelays _delays;
        private readonly TimeProvider _retryClock;

        public ResilienceHandler(SiteClientOptions options, SiteRequestCounters counters, string siteName)
        {
            _counters = counters;
            _siteName = siteName;
            _maxAttempts = options.MaxAttempts;
            _onEvent = options.OnEvent;
            _retryClock = options.RetryDelayClock ?? TimeProvider.System;
            var random = new Random();
            var jitter = options.JitterSource ?? (() => { lock (random) { return random.NextDouble(); } });
            _delays = new RetryDelays(options.BaseDelay, options.MaxBackoffDelay, options.MaxRetryAfter, jitter);
            _pipeline = BuildPipeline(options);
        }

        private ResiliencePipeline<HttpResponseMessage> BuildPipeline(SiteClientOptions options)
        {
            // Timeouts run on real time; retry waits on the (injectable) retry clock, so tests can skip
            // the waits without making every timeout fire at once. Three builders, one pipeline.
            var perAttempt = new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddTimeout(options.AttemptTimeout)
                .Build();

            var retry = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _retryClock };
            if (options.MaxAttempts > 1)
            {
                retry.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Constant,
                    Delay = TimeSpan.Zero,
                    UseJitter = false,
                    ShouldHandle = args =>
                    {
                        var state = args.Context.Properties.GetValue(StateKey, null!);
                        var retryable = RetryRules.ShouldRetry(
                            state.Request.Method, state.BodyReplayable, args.Outcome.Result, args.Outcome.Exception);
                        if (!state.BodyReplayable &&
                            RetryRules.ShouldRetry(state.Request.Method, true, args.Outcome.Result, args.Outcome.Exception))
                        {
                            state.Request.Properties[BodyNotReplayableProperty] = true;
                        }

                        return new ValueTask<bool>(retryable);
                    },
                    DelayGenerator = args =>
                    {
                        var state = args.Context.Properties.GetValue(StateKey, null!);
                        state.LastWait = _delays.Compute(args.Outcome.Result, args.AttemptNumber, _retryClock.GetUtcNow());
                        return new ValueTask<TimeSpan?>(state.LastWait.Delay);
                    },
                    OnRetry = args =>
                    {
                        var state = args.Context.Properties.GetValue(StateKey, null!);
                        _counters.CountRetry();
                        Report(state, args.Outcome.Result, args.Outcome.Exception, args.AttemptNumber + 2, state.LastWait);
                        return default;
                    },
                });
            }

            retry.AddPipeline(perAttempt);

            return new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddTimeout(options.OverallTimeout)
                .AddPipeline(retry.Build())
                .Build();
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var state = new RequestState(this, request, await RequestReplay.PrepareAsync(request.Content).ConfigureAwait(false));
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(StateKey, state);
            try
            {
                var outcome = await _pipeline.ExecuteOutcomeAsync(
                    static async (ctx, s) =>
                    {
                        s.Attempts++;
                        try
                        {
                            var response = await s.Handler.SendOnceAsync(s.Request, ctx.CancellationToken).ConfigureAwait(false);
                            return Outcome.FromResult(response);
                        }
                        catch (Exception e)
                        {
                            return Outcome.FromException<HttpResponseMessage>(e);
                        }
                    },
                    context,
                    state).ConfigureAwait(false);

                request.Properties[AttemptsProperty] = state.Attempts;
                outcome.ThrowIfException();
                return outcome.Result!;
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.Content is null || IsStreamed(request))
            {
                return response;
            }

            try
            {
                // Read the body inside the attempt: a connection that drops mid-body is then retried
                // like any other transport failure, and the attempt timeout covers the body too.
                // LoadIntoBufferAsync takes no token here, so cancellation disposes the response.
                using (cancellationToken.Register(static r => ((HttpResponseMessage)r!).Dispose(), response))
                {
                    await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
                return response;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Whatever the aborted read threw, the cause is the cancellation (caller or attempt timeout).
                response.Dispose();
                throw new OperationCanceledException(cancellationToken);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        private static bool IsStreamed(HttpRequestMessage request) =>
            request.Properties.TryGetValue(StreamBodyProperty, out var value) && value is bool streamed && streamed;

        private void Report(RequestState state, HttpResponseMessage? response, Exception? exception, int nextAttempt, RetryWait wait)
        {
            if (_onEvent is null)
            {
                return;
            }

            var method = state.Request.Method.Method;
            var path = state.Request.RequestUri?.AbsolutePath ?? "";
            var what = response != null
                ? $"answered {(int)response.StatusCode} {response.ReasonPhrase}"
                : $"failed ({Describe(exception)})";
            var seconds = wait.Delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            var why = wait.Reason switch
            {
                RetryWaitReason.RetryAfter => "as Retry-After asks",
                RetryWaitReason.RetryAfterCapped =>
                    $"Retry-After asked for {wait.Requested!.Value.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s, capped",
                _ => "backoff",
            };
            // Being throttled and waiting as asked is normal operation; faults and shortened waits are not.
            var level = wait.Reason == RetryWaitReason.RetryAfter ? SiteEventLevel.Information : SiteEventLevel.Warning;
            Emit(new SiteEvent(
                level,
                _siteName,
                $"{method} {path} {what}; attempt {nextAttempt} of {_maxAttempts} in {seconds} s ({why}).",
                method,
                path,
                response != null ? (int)response.StatusCode : (int?)null,
                wait.Delay,
                nextAttempt));
        }

        private void Emit(SiteEvent siteEvent)
        {
            try
            {
                _onEvent?.Invoke(siteEvent);
            }
            catch (Exception)
            {
                // A failing log sink must not turn a retry into a failed request.
            }
        }

        internal static string Describe(Exception? exception)
        {
            if (exception is Polly.Timeout.TimeoutRejectedException timeout)
            {
                return $"no answer within {timeout.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
            }

            // The innermost message is the specific one ("Connection refused", "response ended prematurely").
            var e = exception;
            while (e?.InnerException != null)
            {
                e = e.InnerException;
            }

            return e?.Message ?? "unknown failure";
        }

        private sealed class RequestState
        {
            public RequestState(ResilienceHandler handler, HttpRequestMessage request, bool bodyReplayable)
            {
                Handler = handler;
                Request = request;
                BodyReplayable = bodyReplayable;
            }

            public HttpRequestMessage Request { get; }

            public bool BodyReplayable { get; }

            public ResilienceHandler Handler { get; }

            public int Attempts { get; set; }

            public RetryWait LastWait { get; set; }
        }
    }
}
