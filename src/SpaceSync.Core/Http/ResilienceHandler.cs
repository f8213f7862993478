using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// Retries, waits and timeouts for one site. Faults (5xx without Retry-After, timeouts, lost connections) are
    /// retried inside one Polly pipeline (backoff with jitter), under the request's budget (<see cref="RoundBudget"/>,
    /// SiteClientOptions.OverallTimeout) and each attempt under a silence timer (<see cref="AttemptTimer"/>,
    /// SiteClientOptions.AttemptTimeout): both are cancellation tokens that a moving body keeps alive, which is why they
    /// are not Polly's fixed timeouts. Around it,
    /// the waits the site asks for (a 429, a 503 with Retry-After) go through the site's <see cref="RateLimitGate"/>:
    /// they hold the site's other requests too, have their own budget (a 429 that states its wait is bounded by the wait
    /// budget alone, a bare one by more attempts than a fault), do not count against the overall timeout, and one longer than <see cref="SiteClientOptions.MaxRetryAfter"/> is not slept
    /// but fails the request and closes the site until then. Only requests that are safe to repeat are repeated
    /// (see <see cref="RetryRules"/>).
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

        /// <summary>HttpRequestMessage property: how long the request took until its answer or its failure (TimeSpan), waits included.</summary>
        public const string ElapsedProperty = "SpaceSync.Elapsed";

        /// <summary>HttpRequestMessage property: the <see cref="RateLimitRefusal"/> when the answer asked for a wait longer than the client waits.</summary>
        public const string WaitRefusedProperty = "SpaceSync.WaitRefused";

        /// <summary>HttpRequestMessage property: how long the request waited for its site (TimeSpan), when it did.</summary>
        public const string RateLimitWaitedProperty = "SpaceSync.RateLimitWaited";

        private static readonly ResiliencePropertyKey<RequestState> StateKey = new ResiliencePropertyKey<RequestState>("SpaceSync.Request");

        private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
        private readonly SiteRequestCounters _counters;
        private readonly RateLimitGate _gate;
        private readonly string _siteName;
        private readonly SiteClientOptions _options;
        private readonly Action<SiteEvent>? _onEvent;
        private readonly RetryDelays _delays;
        private readonly TimeProvider _retryClock;

        /// <param name="gate">The site's, shared by every handler the client factory makes for it.</param>
        public ResilienceHandler(SiteClientOptions options, SiteRequestCounters counters, RateLimitGate gate, string siteName)
        {
            _counters = counters;
            _gate = gate;
            _siteName = siteName;
            _options = options;
            _onEvent = options.OnEvent;
            _retryClock = options.RetryDelayClock ?? TimeProvider.System;
            var random = new Random();
            var jitter = options.JitterSource ?? (() => { lock (random) { return random.NextDouble(); } });
            _delays = new RetryDelays(options.BaseDelay, options.RateLimitBaseDelay, options.MaxBackoffDelay, jitter);
            _pipeline = BuildPipeline(options);
        }

        /// <summary>The site's gate, for a client built from these options.</summary>
        internal static RateLimitGate GateFor(SiteClientOptions options) =>
            new RateLimitGate(options.RetryDelayClock ?? TimeProvider.System, options.NearLimitSpacing, options.NearLimitSlowdown, options.CapSpacing,
                options.RateLimitResumeSpread, options.JitterSource);

        private ResiliencePipeline<HttpResponseMessage> BuildPipeline(SiteClientOptions options)
        {
            // Timeouts run on real time (RoundBudget, AttemptTimer); retry waits on the (injectable) retry clock, so tests
            // can skip the waits without making every timeout fire at once.
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
                        var result = args.Outcome.Result;
                        if (IsAskedToWait(result))
                        {
                            // The site said when to come back: that wait is the gate's (SendAsync), not a fault's backoff.
                            return new ValueTask<bool>(false);
                        }

                        var retryable = RetryRules.ShouldRetry(state.Request.Method, state.BodyReplayable, result, args.Outcome.Exception);
                        if (!state.BodyReplayable &&
                            RetryRules.ShouldRetry(state.Request.Method, true, result, args.Outcome.Exception))
                        {
                            state.Request.Properties[BodyNotReplayableProperty] = true;
                        }

                        // One fault budget for the whole request, whatever rate-limit waits came between its faults.
                        return new ValueTask<bool>(retryable && ++state.Faults < options.MaxAttempts);
                    },
                    DelayGenerator = args =>
                    {
                        var state = args.Context.Properties.GetValue(StateKey, null!);
                        state.LastWait = _delays.AfterFault(args.Outcome.Result, state.Faults - 1, _retryClock.GetUtcNow());
                        return new ValueTask<TimeSpan?>(state.LastWait.Delay);
                    },
                    OnRetry = args =>
                    {
                        var state = args.Context.Properties.GetValue(StateKey, null!);
                        _counters.CountRetry();
                        Report(state, args.Outcome.Result, args.Outcome.Exception, options.MaxAttempts, state.LastWait);
                        return default;
                    },
                });
            }

            return retry.Build();
        }

        /// <summary>A 429, or a 503 that says when to come back: the site is throttling, and the gate waits for it.</summary>
        private bool IsAskedToWait(HttpResponseMessage? response) =>
            response != null && ((int)response.StatusCode == 429 ||
                (response.StatusCode == HttpStatusCode.ServiceUnavailable && RateLimitHeaders.AskedWait(response, _retryClock.GetUtcNow()) != null));

        // A sync run's per-site lanes take turns on the run's code; the one sending gives its turn up while it waits here.
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            TurnGate.WhileWaitingAsync(() => SendResilientAsync(request, cancellationToken));

        private async Task<HttpResponseMessage> SendResilientAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var state = new RequestState(this, request, await RequestReplay.PrepareAsync(request.Content).ConfigureAwait(false), _options.OverallTimeout);
            if (request.Content != null && !(request.Content is ByteArrayContent))
            {
                // A streamed body (an upload): each chunk sent is a sign of life, so a slow upload that keeps moving is not cut.
                request.Content = new ProgressContent(request.Content, () => state.Timer?.Alive(bodyChunk: true));
            }

            try
            {
                return await SendThroughGateAsync(state, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                request.Properties[ElapsedProperty] = state.Elapsed;
            }
        }

        private async Task<HttpResponseMessage> SendThroughGateAsync(RequestState state, CancellationToken cancellationToken)
        {
            var request = state.Request;
            var asked = TimeSpan.Zero;
            while (true)
            {
                var waited = await _gate.EnterAsync(asked, cancellationToken).ConfigureAwait(false);
                if (waited > TimeSpan.Zero)
                {
                    state.Waited += waited;
                    _counters.AddRateLimitWait(waited);
                    request.Properties[RateLimitWaitedProperty] = state.Waited;
                }

                var response = await RoundAsync(state, cancellationToken).ConfigureAwait(false);
                var nearLimit = RateLimitHeaders.IsNearLimit(response);
                if (!nearLimit && (int)response.StatusCode != 429 && RateLimitHeaders.HasRemaining(response)) _gate.NoteRoomLeft();
                if (nearLimit && _gate.NoteNearLimit())
                {
                    Emit(new SiteEvent(SiteEventLevel.Information, _siteName,
                        $"{_siteName} says it is near its rate limit (X-RateLimit-NearLimit): its requests start at least " +
                        $"{Seconds(_options.NearLimitSpacing, "0.0")} s apart until {Seconds(_options.NearLimitSlowdown, "0")} s after the last such answer.",
                        request.Method.Method, PathOf(request), (int)response.StatusCode, _options.NearLimitSpacing));
                }

                var next = NextWait(state, response);
                if (next is null)
                {
                    PaceByBucket(request, response);
                    return response;
                }

                asked = next.Value.Delay;
                _gate.HoldUntil(_gate.Now + asked);
                _counters.CountRetry();
                var rateLimited = (int)response.StatusCode == 429;
                Report(state, response, null, !rateLimited ? _options.MaxAttempts : IsPacing(next.Value) ? (int?)null : _options.MaxRateLimitAttempts, next.Value);
                response.Dispose();
            }
        }

        /// <summary>
        /// Data Center's token bucket says on every answer how many requests are left (X-RateLimit-Remaining) and how fast
        /// they come back (X-RateLimit-FillRate per X-RateLimit-Interval-Seconds). When an admitted request took the last
        /// token, the next one waits one interval instead of earning a 429 and its retry: the bucket has refilled by then.
        /// Cloud's reset time is given only to the minute, too coarse to pace by; Cloud is paced by NearLimit and Retry-After.
        /// </summary>
        private void PaceByBucket(HttpRequestMessage request, HttpResponseMessage response)
        {
            if ((int)response.StatusCode == 429 || RateLimitHeaders.BucketRefill(response) is not TimeSpan refill) return;
            // A refill longer than the client sleeps for a site is not waited out here: the next request meets the 429,
            // and the refusal path fails it at once and closes the site until then (MaxRetryAfter), naming the wait.
            if (refill > _options.MaxRetryAfter) return;
            if (_gate.HoldAfterEmptyBucket(refill))
            {
                Emit(new SiteEvent(SiteEventLevel.Information, _siteName,
                    $"{_siteName} has no requests left in its rate limit (X-RateLimit-Remaining: 0): the next request waits " +
                    $"{Seconds(refill, "0.###")} s (X-RateLimit-Interval-Seconds) for the bucket to refill rather than be refused.",
                    request.Method.Method, PathOf(request), (int)response.StatusCode, refill));
            }
        }

        /// <summary>
        /// The wait before this request goes again after a 429 (or a 503 that says when), or null when the answer is final:
        /// not throttled, its budget spent, its body not resendable, or a wait asked for that the client will not sleep
        /// (the site is then closed until it has passed).
        /// </summary>
        private RetryWait? NextWait(RequestState state, HttpResponseMessage response)
        {
            if (!IsAskedToWait(response))
            {
                return null;
            }

            var now = _gate.Now;
            var rateLimited = (int)response.StatusCode == 429;
            var wait = rateLimited
                ? _delays.AfterRateLimit(response, state.RateLimited++, now)
                : _delays.AfterFault(response, state.Faults++, now);
            if (wait.Reason == RetryWaitReason.ServerAsked && wait.Delay > _options.MaxRetryAfter)
            {
                var refusal = new RateLimitRefusal(wait, now, _options.MaxRetryAfter);
                _gate.Close(refusal);
                state.Request.Properties[WaitRefusedProperty] = refusal;
                Emit(new SiteEvent(SiteEventLevel.Warning, _siteName,
                    $"{state.Request.Method.Method} {PathOf(state.Request)} answered {(int)response.StatusCode} {response.ReasonPhrase} and asks to wait " +
                    $"{Seconds(wait.Delay, "0")} s ({wait.Source}), longer than the {Seconds(_options.MaxRetryAfter, "0")} s SpaceSync waits: " +
                    $"not repeated, and nothing is sent to the {_siteName} site before {Utc(refusal.Until)}.",
                    state.Request.Method.Method, PathOf(state.Request), (int)response.StatusCode, wait.Delay));
                return null;
            }

            // A 429 that states its wait is the site pacing us: only the wait budget bounds those (a site that keeps
            // answering "come back in a second" has not failed). A 429 that leaves the wait to us is bounded by attempts.
            if (rateLimited && !IsPacing(wait)) state.RateLimitGuesses++;
            var budgetLeft = rateLimited ? state.RateLimitGuesses < _options.MaxRateLimitAttempts : state.Faults < _options.MaxAttempts;
            if (!budgetLeft || state.Waited + wait.Delay > _options.MaxRateLimitWait || state.OverallLeft <= TimeSpan.Zero)
            {
                return null;
            }

            if (!state.BodyReplayable)
            {
                state.Request.Properties[BodyNotReplayableProperty] = true;
                return null;
            }

            return wait;
        }

        /// <summary>
        /// A wait the site stated of at least a second (Retry-After's unit): pacing, bounded by MaxRateLimitWait only.
        /// A shorter one ("now") is counted like a guess, so that a site answering "Retry-After: 0" forever still ends.
        /// </summary>
        private static bool IsPacing(RetryWait wait) => wait.Reason == RetryWaitReason.ServerAsked && wait.Delay >= TimeSpan.FromSeconds(1);

        /// <summary>One pass through the fault pipeline: attempts and backoff until an answer that is not a fault (or no budget is left).</summary>
        private async Task<HttpResponseMessage> RoundAsync(RequestState state, CancellationToken cancellationToken)
        {
            var budget = new RoundBudget(state.OverallLeft, cancellationToken);
            state.Round = budget;
            var context = ResilienceContextPool.Shared.Get(budget.Token);
            context.Properties.Set(StateKey, state);
            try
            {
                var outcome = await _pipeline.ExecuteOutcomeAsync(
                    static async (ctx, s) =>
                    {
                        s.Attempts++;
                        try
                        {
                            var response = await s.Handler.SendOnceAsync(s, ctx.CancellationToken).ConfigureAwait(false);
                            return Outcome.FromResult(response);
                        }
                        catch (Exception e)
                        {
                            return Outcome.FromException<HttpResponseMessage>(e);
                        }
                    },
                    context,
                    state).ConfigureAwait(false);

                state.Request.Properties[AttemptsProperty] = state.Attempts;
                if (outcome.Exception is OperationCanceledException && budget.Spent(cancellationToken))
                {
                    // The budget, not the caller, ended it: a timeout like any other, named as the budget.
                    throw new TimeoutRejectedException(
                        $"no answer within the request's budget of {Seconds(_options.OverallTimeout, "0.#")} s", _options.OverallTimeout, outcome.Exception);
                }

                outcome.ThrowIfException();
                return outcome.Result!;
            }
            finally
            {
                state.Active += budget.Counted;
                ResilienceContextPool.Shared.Return(context);
                budget.Dispose();
            }
        }

        /// <summary>
        /// One attempt under its silence timer. <paramref name="round"/> is the round's token (the caller's and the budget's);
        /// the timer firing becomes a <see cref="TimeoutRejectedException"/>, a fault like a lost connection.
        /// </summary>
        private async Task<HttpResponseMessage> SendOnceAsync(RequestState state, CancellationToken round)
        {
            using var timer = new AttemptTimer(_options.AttemptTimeout, state.Round!);
            state.Timer = timer;
            try
            {
                var response = await base.SendAsync(state.Request, timer.Token).ConfigureAwait(false);
                timer.Alive(bodyChunk: false);
                if (response.Content is null || IsStreamed(state.Request))
                {
                    return response;
                }

                try
                {
                    // Read the body inside the attempt: a connection that drops mid-body is then retried
                    // like any other transport failure, and the silence timer covers the body too.
                    // LoadIntoBufferAsync takes no token here, so cancellation disposes the response.
                    using (timer.Token.Register(static r => ((HttpResponseMessage)r!).Dispose(), response))
                    {
                        await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                    }

                    timer.Token.ThrowIfCancellationRequested();
                    return response;
                }
                catch (Exception) when (timer.Token.IsCancellationRequested)
                {
                    // Whatever the aborted read threw, the cause is the cancellation (caller, budget or silence).
                    response.Dispose();
                    throw new OperationCanceledException(timer.Token);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }
            catch (Exception e) when (timer.TimedOut && !round.IsCancellationRequested)
            {
                throw new TimeoutRejectedException(
                    $"no sign of life from the site for {Seconds(timer.Timeout, "0.#")} s", timer.Timeout, e);
            }
            finally
            {
                state.Timer = null;
            }
        }

        private static bool IsStreamed(HttpRequestMessage request) =>
            request.Properties.TryGetValue(StreamBodyProperty, out var value) && value is bool streamed && streamed;

        /// <param name="maxAttempts">The request's attempt budget; null when only the wait budget bounds it (a site pacing it).</param>
        private void Report(RequestState state, HttpResponseMessage? response, Exception? exception, int? maxAttempts, RetryWait wait)
        {
            if (_onEvent is null)
            {
                return;
            }

            var method = state.Request.Method.Method;
            var path = PathOf(state.Request);
            var what = response != null
                ? $"answered {(int)response.StatusCode} {response.ReasonPhrase}"
                : $"failed ({Describe(exception)})";
            var why = wait.Reason == RetryWaitReason.ServerAsked
                ? $"as {wait.Source} asks"
                : response != null && (int)response.StatusCode == 429 ? "backoff: the answer does not say when to come back" : "backoff";
            // Being throttled and waiting is normal operation; faults are not.
            var level = response != null && IsAskedToWait(response) ? SiteEventLevel.Information : SiteEventLevel.Warning;
            var nextAttempt = state.Attempts + 1;
            Emit(new SiteEvent(
                level,
                _siteName,
                maxAttempts is int max
                    ? $"{method} {path} {what}; attempt {nextAttempt} of {max} in {Seconds(wait.Delay, "0.0")} s ({why})."
                    : $"{method} {path} {what}; attempt {nextAttempt} in {Seconds(wait.Delay, "0.0")} s ({why}; " +
                      $"{Seconds(state.Waited + wait.Delay, "0")} of {Seconds(_options.MaxRateLimitWait, "0")} s waited for the site by then).",
                method,
                path,
                response != null ? (int)response.StatusCode : (int?)null,
                wait.Delay,
                nextAttempt));
        }

        private static string PathOf(HttpRequestMessage request) => request.RequestUri?.AbsolutePath ?? "";

        private static string Seconds(TimeSpan span, string format) => span.TotalSeconds.ToString(format, CultureInfo.InvariantCulture);

        internal static string Utc(DateTimeOffset at) =>
            at == DateTimeOffset.MaxValue ? "the end of time" : at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

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
            if (exception is TimeoutRejectedException timeout)
            {
                // Ours (SendOnceAsync, RoundAsync): the message says which timer and how long.
                return timeout.Message;
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
            private readonly TimeSpan _overallTimeout;
            private readonly Stopwatch _watch = Stopwatch.StartNew();

            public RequestState(ResilienceHandler handler, HttpRequestMessage request, bool bodyReplayable, TimeSpan overallTimeout)
            {
                Handler = handler;
                Request = request;
                BodyReplayable = bodyReplayable;
                _overallTimeout = overallTimeout;
            }

            /// <summary>Attempts that ended in a fault (5xx, 503, timeout, lost connection).</summary>
            public int Faults { get; set; }

            /// <summary>Attempts answered 429.</summary>
            public int RateLimited { get; set; }

            /// <summary>Attempts answered 429 whose wait the site did not state (backoff, or "now"): bounded by MaxRateLimitAttempts.</summary>
            public int RateLimitGuesses { get; set; }

            /// <summary>Time waited at the site's gate (not counted against the overall timeout).</summary>
            public TimeSpan Waited { get; set; }

            /// <summary>Time spent in attempts and fault backoff (a moving body's time not counted).</summary>
            public TimeSpan Active { get; set; }

            /// <summary>Since the request came in, waits included.</summary>
            public TimeSpan Elapsed => _watch.Elapsed;

            /// <summary>The budget of the round under way.</summary>
            public RoundBudget? Round { get; set; }

            /// <summary>The silence timer of the attempt under way, for the upload body's progress; null between attempts.</summary>
            public AttemptTimer? Timer { get; set; }

            public TimeSpan OverallLeft => _overallTimeout - Active;

            public HttpRequestMessage Request { get; }

            public bool BodyReplayable { get; }

            public ResilienceHandler Handler { get; }

            public int Attempts { get; set; }

            public RetryWait LastWait { get; set; }
        }
    }
}
