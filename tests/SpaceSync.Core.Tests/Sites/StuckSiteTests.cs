using System.Net;
using System.Net.Sockets;
using System.Text;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// A site (or a proxy in front of it) that accepts connections and then goes silent, on a raw socket: the request ends
/// within its attempts and its budget with an error that names the site, the request, the attempts and the limits; a
/// transfer that keeps moving is never cut; the caller's cancellation stays a cancellation.
/// </summary>
public sealed class StuckSiteTests : IDisposable
{
    private readonly StuckServer _server = new();
    private readonly List<SiteEvent> _events = new();

    public void Dispose() => _server.Dispose();

    private SiteClientOptions Options(TimeSpan attempt, TimeSpan budget, int maxAttempts = 4) => new()
    {
        MaxAttempts = maxAttempts,
        AttemptTimeout = attempt,
        OverallTimeout = budget,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        JitterSource = () => 0.5,
        OnEvent = e => { lock (_events) _events.Add(e); },
    };

    private DataCenterSite DataCenter(SiteClientOptions options, TimeSpan? scopeTimeout = null, TimeSpan? scopeBudget = null) =>
        (DataCenterSite)SiteClientFactory.Create(
            new SiteSettings
            {
                Kind = SiteKind.DataCenter,
                Url = new Uri(_server.Origin + "/confluence"),
                Auth = new AuthSettings { Type = AuthType.Bearer, Token = new SecretReference(SecretSource.Environment, "SPACESYNC_DC_TOKEN", null) },
                RequestTimeout = scopeTimeout,
                RequestBudget = scopeBudget,
            },
            SiteCredential.Bearer(SiteTestKit.DataCenterPat),
            options);

    [Fact]
    public async Task A_site_that_accepts_and_never_answers_fails_after_the_attempts_naming_site_request_and_limits()
    {
        _server.Mode = StuckMode.Silent;
        using var site = DataCenter(Options(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30)));

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unreachable, e.Kind);
        Assert.Equal(4, _server.Connections);
        Assert.Equal(4, site.Counters.RequestsSent);
        Assert.Contains("GET /confluence/rest/api/user/current:", e.Message, StringComparison.Ordinal);
        Assert.Contains($"the DataCenter site at {_server.Origin}/confluence could not be reached after 4 attempts in ", e.Message, StringComparison.Ordinal);
        Assert.Contains("no sign of life from the site for 0.5 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("each attempt waits 0.5 s for a sign of life (sites.datacenter.requestTimeoutSeconds)", e.Message, StringComparison.Ordinal);
        Assert.Contains("a request at most 30 s in all (sites.datacenter.requestBudgetSeconds)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secr3t", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("?", e.Message.Split(':')[0], StringComparison.Ordinal);
        lock (_events) Assert.Equal(3, _events.Count); // one warning per retry
    }

    [Fact]
    public async Task The_budget_ends_a_stuck_request_before_its_attempts_run_out_and_says_so()
    {
        _server.Mode = StuckMode.Silent;
        using var site = DataCenter(Options(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), maxAttempts: 20),
            scopeTimeout: TimeSpan.FromMilliseconds(400), scopeBudget: TimeSpan.FromSeconds(1.5));

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unreachable, e.Kind);
        Assert.Contains("no answer within the request's budget of 1.5 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("each attempt waits 0.4 s", e.Message, StringComparison.Ordinal); // the scope's values, not the caller's
        // 400 ms attempts in a 1.5 s budget: far fewer than the 20 attempts allowed, however loaded the machine.
        Assert.InRange(_server.Connections, 1, 5);
    }

    [Fact]
    public async Task An_answer_whose_body_stalls_after_its_headers_is_a_timeout_and_is_repeated()
    {
        _server.Mode = StuckMode.HeadersThenStall;
        using var site = DataCenter(Options(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), maxAttempts: 2));

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unreachable, e.Kind);
        Assert.Equal(2, _server.Connections);
        Assert.Contains("could not be reached after 2 attempts", e.Message, StringComparison.Ordinal);
        Assert.Contains("no sign of life from the site for 0.5 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stuck_write_is_not_repeated_and_is_reported_as_outcome_unknown_with_the_site()
    {
        _server.Mode = StuckMode.Silent;
        // 2 s rather than 0.5 s: at 0.5 s this failed once on a machine at load average 20+ (not reproduced since). A
        // silence that ends before the connection is made would rightly send the POST again, which is not this test's point.
        using var site = DataCenter(Options(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)));

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.UploadAttachmentAsync("42", "a.bin", null, new MemoryStream(new byte[100]), null, CancellationToken.None));

        Assert.Equal(SiteErrorKind.OutcomeUnknown, e.Kind);
        Assert.Equal(1, _server.Connections);
        Assert.Contains($"POST /confluence/rest/api/content/42/child/attachment on the DataCenter site at {_server.Origin}/confluence", e.Message, StringComparison.Ordinal);
        Assert.Contains("no sign of life from the site for 2 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_that_keeps_moving_is_not_cut_by_the_attempt_timeout_nor_the_budget()
    {
        // The server takes its time to read 32 MB (far more than the sockets' buffers): at least 10 s of transfer (128 KB
        // reads 40 ms apart) against a 6 s silence timeout and an 8 s budget. Each chunk that leaves is a sign of life, and
        // transfer time is not budget. The silence timeout was 2 s once, and a test host paused that long on a loaded
        // two-core machine cut the upload: the margins are wide so that only a real stall can.
        _server.Mode = StuckMode.SlowReader;
        _server.SlowReadPause = TimeSpan.FromMilliseconds(40);
        using var site = DataCenter(Options(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(8)));
        var bytes = new byte[32 * 1024 * 1024];
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.UploadAttachmentAsync("42", "big.bin", null, new MemoryStream(bytes), null, CancellationToken.None));

        // The scripted answer after the whole body: an ordinary refusal, not a timeout.
        Assert.True(e.Kind == SiteErrorKind.BadRequest, e.Message + " after " + _server.BodyBytesRead + " bytes");
        Assert.Contains("same file name", e.Message, StringComparison.Ordinal);
        Assert.True(_server.BodyBytesRead > bytes.Length, _server.BodyBytesRead.ToString());
        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(8), watch.Elapsed.ToString()); // longer than both limits, or this proves nothing
        Assert.Equal(1, _server.Connections);
    }

    [Fact]
    public async Task Cancelling_a_request_to_a_stuck_site_is_a_cancellation_not_a_timeout()
    {
        _server.Mode = StuckMode.Silent;
        using var site = DataCenter(Options(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => site.GetCurrentUserAsync(cancel.Token));

        Assert.Equal(1, _server.Connections);
        lock (_events) Assert.Empty(_events); // no retry, no timeout reported
    }

    [Fact]
    public void The_defaults_end_a_stuck_request_within_two_minutes()
    {
        var defaults = new SiteClientOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), defaults.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(100), defaults.OverallTimeout);
        Assert.Equal(SiteClientOptions.DefaultAttemptTimeout, defaults.AttemptTimeout);
        Assert.Equal(SiteClientOptions.DefaultOverallTimeout, defaults.OverallTimeout);
        // The budget is what ends a stuck request: all attempts at full length would take longer than it.
        Assert.True(defaults.MaxAttempts * defaults.AttemptTimeout > defaults.OverallTimeout);
        Assert.True(defaults.OverallTimeout < TimeSpan.FromMinutes(2)); // the budget fires even in the middle of an attempt
    }

    private enum StuckMode { Silent, HeadersThenStall, SlowReader }

    /// <summary>A raw loopback socket server: accepts, then does what <see cref="Mode"/> says; never closes first.</summary>
    private sealed class StuckServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<TcpClient> _clients = new();
        private int _connections;
        private long _bodyBytes;

        public StuckServer()
        {
            _listener.Start();
            Origin = "http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _ = AcceptAsync();
        }

        public StuckMode Mode { get; set; }

        public string Origin { get; }

        public int Connections => Volatile.Read(ref _connections);

        public long BodyBytesRead => Interlocked.Read(ref _bodyBytes);

        /// <summary>SlowReader: the pause after each read of at most 128 KB.</summary>
        public TimeSpan SlowReadPause { get; set; } = TimeSpan.FromMilliseconds(20);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                lock (_clients) _clients.Add(client);
                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            try
            {
                var stream = client.GetStream();
                switch (Mode)
                {
                    case StuckMode.Silent:
                        return; // a stuck proxy: the connection stays open, nothing is read or written
                    case StuckMode.HeadersThenStall:
                        await ReadHeadAsync(stream);
                        var head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"type\":\"known\",";
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                        return; // and nothing more
                    case StuckMode.SlowReader:
                        var length = await ReadHeadAsync(stream);
                        var buffer = new byte[128 * 1024];
                        long read = 0;
                        while (read < length)
                        {
                            var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - read)), _stop.Token);
                            if (n == 0) return;
                            read += n;
                            Interlocked.Add(ref _bodyBytes, n);
                            await Task.Delay(SlowReadPause, _stop.Token);
                        }

                        var body = """{"statusCode":400,"data":{"authorized":true,"valid":false,"errors":[],"successful":false},"message":"Cannot add a new attachment with same file name as an existing attachment: big.bin","reason":"Bad Request"}""";
                        var answer = $"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), _stop.Token);
                        return;
                }
            }
            catch (Exception)
            {
                // The client gave up, or the test is over.
            }
        }

        /// <summary>Reads the request head; returns its Content-Length (0 when none).</summary>
        private async Task<long> ReadHeadAsync(NetworkStream stream)
        {
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one, _stop.Token) == 0) return 0;
                head.Append((char)one[0]);
            }

            foreach (var line in head.ToString().Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    return long.Parse(line.Substring("Content-Length:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return 0;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_clients)
            {
                foreach (var client in _clients) client.Dispose();
            }

            _stop.Dispose();
        }
    }
}
