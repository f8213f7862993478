using Xunit;
using System.Diagnostics;
using System.Net;
using System.Text;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Tests.Sites;

public sealed class SiteHttpTests : IDisposable
{
    private readonly SiteTestKit _kit = new();

    private ScriptedServer Server => _kit.Server;

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task Cloud_sends_basic_email_and_api_token_and_user_agent()
    {
        Server.On("GET", "/wiki/rest/api/user/current", Reply.Ok(Bodies.CloudUser));
        using var site = _kit.Cloud();

        var user = await site.GetCurrentUserAsync(CancellationToken.None);

        var request = Assert.Single(Server.Requests);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(SiteTestKit.CloudEmail + ":" + SiteTestKit.CloudToken));
        Assert.Equal(expected, request.Authorization);
        Assert.StartsWith("SpaceSync/", request.UserAgent);
        Assert.Contains("application/json", request.Accept);
        Assert.Equal("5b10ac8d82e05b22cc7d4ef5", user.AccountId);
        Assert.Equal("Sync Bot", user.DisplayName);
        Assert.Equal("sync-bot@acme.com", user.Email);
        Assert.Equal("Europe/Berlin", user.TimeZone);
    }

    [Fact]
    public async Task DataCenter_sends_bearer_pat_under_its_context_path()
    {
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Ok(Bodies.DataCenterUser));
        using var site = _kit.DataCenter();

        var user = await site.GetCurrentUserAsync(CancellationToken.None);

        Assert.Equal("Bearer " + SiteTestKit.DataCenterPat, Assert.Single(Server.Requests).Authorization);
        Assert.Equal("8a7f808a7d6b1c3e017d6b1d2f3a0001", user.UserKey);
        Assert.Equal("sync-bot", user.UserName);
        Assert.Equal("Sync Bot", user.DisplayName);
    }

    [Fact]
    public async Task DataCenter_can_use_basic_user_and_password()
    {
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Ok(Bodies.DataCenterUser));
        using var site = _kit.DataCenter(credential: SiteCredential.Basic("admin", "pa:ss"));

        await site.GetCurrentUserAsync(CancellationToken.None);

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:pa:ss")), Assert.Single(Server.Requests).Authorization);
    }

    [Fact]
    public async Task Refused_credentials_are_Unauthorized_and_no_message_shows_the_secret()
    {
        Server.On("GET", "/wiki/rest/api/user/current",
            Reply.Json(401, """{"code":401,"message":"Unauthorized; scope does not match"}""", ("WWW-Authenticate", "Basic realm=\"protected\"")));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unauthorized, e.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal("GET", e.Method);
        Assert.Equal("/wiki/rest/api/user/current", e.Path);
        Assert.Equal("Unauthorized; scope does not match", e.ServerMessage);
        Assert.Single(Server.Requests); // 401 is final: never retried
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(SiteTestKit.CloudEmail + ":" + SiteTestKit.CloudToken));
        foreach (var text in new[] { e.Message, e.ToString() })
        {
            Assert.DoesNotContain(SiteTestKit.CloudToken, text);
            Assert.DoesNotContain(base64, text);
            Assert.DoesNotContain("Authorization", text);
        }
    }

    [Fact]
    public async Task A_DataCenter_401_does_not_show_the_pat_either()
    {
        Server.On("GET", "/confluence/rest/api/user/current", Reply.WithStatus(401));
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unauthorized, e.Kind);
        Assert.DoesNotContain(SiteTestKit.DataCenterPat, e.ToString());
    }

    [Fact]
    public async Task A_site_built_from_the_scope_uses_the_resolved_secret_unless_overridden()
    {
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Ok(Bodies.DataCenterUser));
        var secrets = new OneSecret("resolved-pat");

        using (var fromScope = await SiteClientFactory.CreateAsync(_kit.DataCenterSettings(), secrets, null, _kit.Options(), CancellationToken.None))
        {
            await fromScope.GetCurrentUserAsync(CancellationToken.None);
        }

        using (var overridden = await SiteClientFactory.CreateAsync(_kit.DataCenterSettings(), secrets, SiteCredential.Bearer("given-pat"), _kit.Options(), CancellationToken.None))
        {
            await overridden.GetCurrentUserAsync(CancellationToken.None);
        }

        Assert.Equal(new[] { "Bearer resolved-pat", "Bearer given-pat" }, Server.Requests.Select(r => r.Authorization));
        Assert.Equal(1, secrets.Calls);
        Assert.Equal(SiteKind.DataCenter, secrets.LastSite);
    }

    private sealed class OneSecret(string value) : ISecretResolver
    {
        public int Calls { get; private set; }
        public SiteKind? LastSite { get; private set; }

        public Task<ResolvedSecret> ResolveAsync(SecretReference reference, SiteKind site, CancellationToken cancellationToken)
        {
            Calls++;
            LastSite = site;
            return Task.FromResult(new ResolvedSecret(value));
        }
    }

    [Fact]
    public void Credentials_never_print_their_secret()
    {
        var basic = SiteCredential.Basic(SiteTestKit.CloudEmail, SiteTestKit.CloudToken);
        var bearer = SiteCredential.Bearer(SiteTestKit.DataCenterPat);

        Assert.Equal("Basic sync-bot@acme.com (secret hidden)", basic.ToString());
        Assert.Equal("Bearer (token hidden)", bearer.ToString());
        Assert.DoesNotContain(SiteTestKit.DataCenterPat, bearer.ToString());
        var display = (System.Diagnostics.DebuggerDisplayAttribute)Attribute.GetCustomAttribute(typeof(SiteCredential), typeof(System.Diagnostics.DebuggerDisplayAttribute))!;
        Assert.Equal("{ToString(),nq}", display.Value);
        Assert.DoesNotContain(typeof(SiteCredential).GetProperties(), p => p.GetMethod!.IsPublic && p.Name == "Secret");
    }

    [Fact]
    public void An_override_credential_keeps_the_scope_auth_type()
    {
        var bearerScope = new AuthSettings { Type = AuthType.Bearer, Token = new SecretReference(SecretSource.Prompt, null, null) };
        var basicScope = new AuthSettings { Type = AuthType.Basic, User = "x", Token = new SecretReference(SecretSource.Prompt, null, null) };

        var asBearer = SiteCredential.FromOverride(bearerScope, "ignored", "my-pat");
        var asBasic = SiteCredential.FromOverride(basicScope, "admin", "pw");

        Assert.Equal(AuthType.Bearer, asBearer.Type);
        Assert.Null(asBearer.User);
        Assert.Equal(AuthType.Basic, asBasic.Type);
        Assert.Equal("admin", asBasic.User);
        Assert.Throws<ArgumentException>(() => SiteCredential.Basic("", "pw"));
        Assert.Throws<ArgumentException>(() => SiteCredential.Bearer(""));
    }

    [Fact]
    public async Task A_429_waits_for_Retry_After_seconds_and_is_counted()
    {
        Server.On("GET", "/wiki/rest/api/user/current",
            Reply.Json(429, """{"message":"Rate limit exceeded"}""", ("Retry-After", "7"), ("X-RateLimit-Remaining", "0")),
            Reply.Ok(Bodies.CloudUser));
        using var site = _kit.Cloud();

        await site.GetCurrentUserAsync(CancellationToken.None);

        Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, _kit.Clock.Delays);
        Assert.Equal(2, site.Counters.RequestsSent);
        Assert.Equal(1, site.Counters.Retries);
        Assert.Equal(1, site.Counters.RateLimitedResponses);
        Assert.Equal(TimeSpan.FromSeconds(7), site.Counters.RateLimitWait);
        var retry = Assert.Single(_kit.Events);
        Assert.Equal(SiteEventLevel.Information, retry.Level);
        Assert.Equal(429, retry.StatusCode);
        Assert.Contains("as Retry-After: 7 asks", retry.Message);
        // A stated wait is bounded by the wait budget (MaxRateLimitWait, 15 min), not by a count of attempts.
        Assert.Contains("attempt 2 in 7.0 s (as Retry-After: 7 asks; 7 of 900 s waited for the site by then)", retry.Message);
        Assert.DoesNotContain(SiteTestKit.CloudToken, retry.Message);
    }

    [Fact]
    public async Task A_503_with_an_http_date_Retry_After_waits_until_that_time()
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(20);
        Server.On("GET", "/confluence/rest/api/user/current",
            Reply.Json(503, """{"statusCode":503,"message":"Service Unavailable"}""", ("Retry-After", at.ToString("R"))),
            Reply.Ok(Bodies.DataCenterUser));
        using var site = _kit.DataCenter();

        await site.GetCurrentUserAsync(CancellationToken.None);

        var wait = Assert.Single(_kit.Clock.Delays);
        Assert.InRange(wait, TimeSpan.FromSeconds(17), TimeSpan.FromSeconds(20));
        Assert.Equal(0, site.Counters.RateLimitedResponses); // a 503 is not a 429
        Assert.Equal(1, site.Counters.Retries);
    }

    [Fact]
    public async Task Without_Retry_After_a_GET_backs_off_exponentially_on_5xx()
    {
        Server.On("GET", "/wiki/rest/api/user/current",
            Reply.WithStatus(500), Reply.WithStatus(502), Reply.WithStatus(504), Reply.Ok(Bodies.CloudUser));
        using var site = _kit.Cloud();

        await site.GetCurrentUserAsync(CancellationToken.None);

        // Base 1 s, x2 per retry, jitter pinned to 1.0.
        Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) }, _kit.Clock.Delays);
        Assert.Equal(4, site.Counters.RequestsSent);
        Assert.Equal(3, site.Counters.Retries);
    }

    [Fact]
    public async Task Backoff_jitter_stays_within_0_7_and_1_3_and_the_cap()
    {
        var options = _kit.Options(maxAttempts: 8);
        options.JitterSource = () => 0.999;
        options.MaxBackoffDelay = TimeSpan.FromSeconds(30);
        Server.On("GET", "/wiki/rest/api/user/current", Reply.WithStatus(500));
        using var site = _kit.Cloud(options);

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.ServerError, e.Kind);
        Assert.Contains("after 8 attempts", e.Message);
        var delays = _kit.Clock.Delays;
        Assert.Equal(7, delays.Count);
        Assert.InRange(delays[0].TotalSeconds, 1.29, 1.3);
        Assert.InRange(delays[3].TotalSeconds, 10.3, 10.4);
        Assert.Equal(TimeSpan.FromSeconds(30), delays[6]);
    }

    [Fact]
    public async Task A_POST_answered_500_is_not_repeated()
    {
        Server.On("POST", "/wiki/rest/api/content/42/label", Reply.Json(500, """{"statusCode":500,"message":"Internal error"}"""));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.Rest.SendJsonAsync(HttpMethod.Post, site.V1("/content/42/label"), """[{"prefix":"global","name":"x"}]""", CancellationToken.None));

        Assert.Equal(SiteErrorKind.ServerError, e.Kind);
        Assert.Equal("Internal error", e.ServerMessage);
        Assert.Single(Server.Requests);
        Assert.Empty(_kit.Clock.Delays);
        Assert.Equal(0, site.Counters.Retries);
    }

    [Fact]
    public async Task A_POST_whose_connection_drops_is_not_repeated_and_its_outcome_is_unknown()
    {
        Server.On("POST", "/confluence/rest/api/content", Reply.Dropped());
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.Rest.SendJsonAsync(HttpMethod.Post, site.Api("/content"), """{"type":"page","title":"T","space":{"key":"ENG"}}""", CancellationToken.None));

        Assert.Equal(SiteErrorKind.OutcomeUnknown, e.Kind);
        Assert.Contains("may or may not have taken effect", e.Message);
        Assert.Equal("POST", e.Method);
        Assert.Equal("/confluence/rest/api/content", e.Path);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task A_POST_answered_429_is_repeated_with_the_same_body()
    {
        const string body = """{"spaceId":"98305","status":"current","title":"Runbook","body":{"representation":"storage","value":"<p>x</p>"}}""";
        Server.On("POST", "/wiki/api/v2/pages",
            Reply.Json(429, "{}", ("Retry-After", "2")),
            Reply.Ok("""{"id":"123","title":"Runbook"}"""));
        using var site = _kit.Cloud();

        using var created = await site.Rest.SendJsonAsync(HttpMethod.Post, site.V2("/pages"), body, CancellationToken.None);

        Assert.Equal("123", created!.RootElement.GetProperty("id").GetString());
        var requests = Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(body, r.Body));
        Assert.Equal(new[] { TimeSpan.FromSeconds(2) }, _kit.Clock.Delays);
    }

    [Fact]
    public async Task A_POST_to_a_port_nobody_listens_on_is_retried_because_nothing_was_sent()
    {
        var closed = new SiteSettings { Kind = SiteKind.DataCenter, Url = new Uri($"http://127.0.0.1:{UnusedPort()}/confluence"), Auth = _kit.DataCenterSettings().Auth };
        using var site = (DataCenterSite)SiteClientFactory.Create(closed, SiteCredential.Bearer("p"), _kit.Options());

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.Rest.SendJsonAsync(HttpMethod.Post, site.Api("/content"), "{}", CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unreachable, e.Kind);
        Assert.Contains("after 4 attempts", e.Message);
        Assert.Equal(4, site.Counters.RequestsSent);
        Assert.Equal(3, site.Counters.Retries);
    }

    [Fact]
    public async Task A_PUT_is_repeated_after_a_5xx_and_a_dropped_connection()
    {
        const string body = """{"id":"123","status":"current","title":"T","body":{"representation":"storage","value":"<p>y</p>"},"version":{"number":3}}""";
        Server.On("PUT", "/wiki/api/v2/pages/123", Reply.WithStatus(502), Reply.Dropped(), Reply.Ok("""{"id":"123","version":{"number":3}}"""));
        using var site = _kit.Cloud();

        using var updated = await site.Rest.SendJsonAsync(HttpMethod.Put, site.V2("/pages/123"), body, CancellationToken.None);

        Assert.Equal(3, Server.Requests.Count);
        Assert.All(Server.Requests, r => Assert.Equal(body, r.Body));
        Assert.Equal(2, site.Counters.Retries);
    }

    [Fact]
    public async Task A_seekable_stream_body_is_resent_but_a_one_way_stream_is_not()
    {
        var bytes = Encoding.UTF8.GetBytes("attachment bytes");
        Server.On("PUT", "/confluence/rest/api/thing", Reply.WithStatus(503), Reply.Ok("{}"));
        using var site = _kit.DataCenter();

        using (var request = new HttpRequestMessage(HttpMethod.Put, site.Api("/thing")) { Content = new StreamContent(new MemoryStream(bytes)) })
        using (await site.Rest.SendAsync(request, false, CancellationToken.None))
        {
        }

        Assert.Equal(2, Server.Requests.Count);
        Assert.All(Server.Requests, r => Assert.Equal("attachment bytes", r.Body));

        Server.On("PUT", "/confluence/rest/api/other", Reply.WithStatus(503), Reply.Ok("{}"));
        using var oneWay = new HttpRequestMessage(HttpMethod.Put, site.Api("/other")) { Content = new StreamContent(new OneWayStream(bytes)) };
        var e = await Assert.ThrowsAsync<SiteException>(() => site.Rest.SendAsync(oneWay, false, CancellationToken.None));

        Assert.Equal(SiteErrorKind.ServerError, e.Kind);
        Assert.Contains("cannot be sent again", e.Message);
        Assert.Single(Server.RequestsTo("/confluence/rest/api/other"));
    }

    [Fact]
    public async Task Rate_limited_to_the_last_attempt_is_RateLimited()
    {
        Server.On("GET", "/wiki/api/v2/spaces", Reply.Json(429, """{"errors":[{"status":429,"code":"TOO_MANY_REQUESTS","title":"Rate limited"}]}""", ("Retry-After", "1")));
        var options = _kit.Options();
        options.MaxRateLimitWait = TimeSpan.FromSeconds(9);
        using var site = _kit.Cloud(options);

        var e = await Assert.ThrowsAsync<SiteException>(() => site.FindSpaceAsync("ENG", CancellationToken.None));

        // Waits the site states are bounded by MaxRateLimitWait (here 9 s: ten attempts a second apart), not by a count.
        Assert.Equal(SiteErrorKind.RateLimited, e.Kind);
        Assert.Equal((HttpStatusCode)429, e.StatusCode);
        Assert.Contains("still rate limited after 10 attempts (having waited 9 s for the site)", e.Message);
        Assert.Equal(10, site.Counters.RequestsSent);
        Assert.Equal(9, site.Counters.Retries);
        Assert.Equal(10, site.Counters.RateLimitedResponses);
        Assert.Equal(9, _kit.Events.Count);
        Assert.All(_kit.Events, ev => Assert.Equal("/wiki/api/v2/spaces", ev.Path));
        Assert.All(_kit.Events, ev => Assert.DoesNotContain("keys=", ev.Message));
    }

    [Fact]
    public async Task A_multipart_upload_answered_429_is_resent_whole()
    {
        Server.On("POST", "/wiki/rest/api/content/42/child/attachment",
            Reply.Json(429, "{}", ("Retry-After", "1")),
            Reply.Ok("""{"results":[{"id":"att7","type":"attachment","title":"diagram.png"}],"size":1}"""));
        using var site = _kit.Cloud();
        using var request = new HttpRequestMessage(HttpMethod.Post, site.V1("/content/42/child/attachment"));
        request.Headers.Add("X-Atlassian-Token", "no-check");
        var form = new MultipartFormDataContent("boundary-1");
        form.Add(new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("PNGDATA"))), "file", "diagram.png");
        request.Content = form;

        using (await site.Rest.SendAsync(request, false, CancellationToken.None))
        {
        }

        var sent = Server.Requests;
        Assert.Equal(2, sent.Count);
        Assert.Contains("PNGDATA", sent[1].Body);
        Assert.Equal(sent[0].Body, sent[1].Body);
    }

    [Fact]
    public async Task A_GET_whose_connection_drops_is_repeated()
    {
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Dropped(), Reply.Ok(Bodies.DataCenterUser));
        using var site = _kit.DataCenter();

        var user = await site.GetCurrentUserAsync(CancellationToken.None);

        Assert.Equal("sync-bot", user.UserName);
        Assert.Equal(2, site.Counters.RequestsSent);
        Assert.Single(_kit.Events);
        Assert.Contains("failed", _kit.Events[0].Message);
        Assert.Equal(SiteEventLevel.Warning, _kit.Events[0].Level);
    }

    [Fact]
    public async Task An_attempt_that_takes_too_long_is_abandoned_and_repeated()
    {
        Server.On("GET", "/confluence/rest/api/user/current",
            new Reply { Delay = TimeSpan.FromSeconds(20), Body = Bodies.DataCenterUser },
            Reply.Ok(Bodies.DataCenterUser));
        using var site = _kit.DataCenter(_kit.Options(attemptTimeout: TimeSpan.FromSeconds(1)));
        var watch = Stopwatch.StartNew();

        await site.GetCurrentUserAsync(CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.Equal(1, site.Counters.Retries);
        Assert.Contains("no sign of life from the site for 1 s", _kit.Events.Single().Message);
    }

    [Fact]
    public async Task The_overall_timeout_ends_a_request_that_keeps_timing_out()
    {
        Server.On("GET", "/confluence/rest/api/user/current", new Reply { Delay = TimeSpan.FromSeconds(20), Body = Bodies.DataCenterUser });
        var options = _kit.Options(maxAttempts: 10, attemptTimeout: TimeSpan.FromMilliseconds(300));
        options.OverallTimeout = TimeSpan.FromSeconds(1);
        using var site = _kit.DataCenter(options);
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), watch.Elapsed.ToString());
        Assert.Equal(SiteErrorKind.Unreachable, e.Kind);
        Assert.Contains("no answer within the request's budget of 1 s", e.Message);
        // How many 300 ms attempts fit in 1 s depends on machine load; each one after the first is a retry.
        Assert.InRange(site.Counters.Retries, site.Counters.RequestsSent - 1, site.Counters.RequestsSent);
    }

    [Fact]
    public async Task Cancellation_stops_a_request_in_flight_quickly_and_is_not_retried()
    {
        Server.On("GET", "/wiki/rest/api/user/current", new Reply { Delay = TimeSpan.FromSeconds(30), Body = Bodies.CloudUser });
        using var site = _kit.Cloud();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => site.GetCurrentUserAsync(cancel.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        Assert.Equal(1, site.Counters.RequestsSent);
        Assert.Equal(0, site.Counters.Retries);
    }

    [Fact]
    public async Task Cancellation_during_a_retry_wait_ends_the_request()
    {
        using var cancel = new CancellationTokenSource();
        var options = _kit.Options();
        options.RetryDelayClock = TimeProvider.System; // a real 30 s wait that only cancellation can cut short
        Server.On("GET", "/wiki/rest/api/user/current", Reply.Json(429, "{}", ("Retry-After", "30")));
        options.OnEvent = _ => cancel.CancelAfter(200);
        using var site = _kit.Cloud(options);
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => site.GetCurrentUserAsync(cancel.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.Equal(1, site.Counters.RequestsSent);
    }

    [Fact]
    public async Task A_stale_version_409_carries_the_Cloud_v2_message()
    {
        Server.On("PUT", "/wiki/api/v2/pages/123", Reply.Json(409,
            """{"errors":[{"status":409,"code":"CONFLICT","title":"Version must be incremented when updating a page. Current Version: [6]. Provided version: [5]","detail":null}]}"""));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.Rest.SendJsonAsync(HttpMethod.Put, site.V2("/pages/123"), "{}", CancellationToken.None));

        Assert.Equal(SiteErrorKind.Conflict, e.Kind);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.Equal("Version must be incremented when updating a page. Current Version: [6]. Provided version: [5]", e.ServerMessage);
        Assert.Contains("Current Version: [6]", e.Message);
        Assert.Single(Server.Requests); // a 409 is an answer, not a fault
    }

    [Fact]
    public async Task A_stale_version_409_carries_the_DataCenter_message()
    {
        Server.On("PUT", "/confluence/rest/api/content/1212418", Reply.Json(409,
            """{"statusCode":409,"data":{"authorized":true,"valid":true,"errors":[],"successful":false},"message":"Version must be incremented on update. Current version is: 7","reason":"Conflict"}"""));
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.Rest.SendJsonAsync(HttpMethod.Put, site.Api("/content/1212418"), "{}", CancellationToken.None));

        Assert.Equal(SiteErrorKind.Conflict, e.Kind);
        Assert.Equal("Version must be incremented on update. Current version is: 7", e.ServerMessage);
        Assert.Equal("/confluence/rest/api/content/1212418", e.Path);
    }

    [Fact]
    public async Task Error_paths_leave_out_the_query_string()
    {
        Server.On("GET", "/wiki/rest/api/search", Reply.Json(400, """{"statusCode":400,"message":"Could not parse cql : title = \"x"}"""));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(async () =>
        {
            await site.SearchV1("title = \"secret project\"", 25).ReadAllAsync(CancellationToken.None);
        });

        Assert.Equal(SiteErrorKind.BadRequest, e.Kind);
        Assert.Equal("/wiki/rest/api/search", e.Path);
        Assert.DoesNotContain("secret", e.Message);
    }

    [Fact]
    public async Task A_redirect_is_reported_not_followed()
    {
        Server.On("GET", "/confluence/rest/api/user/current", Reply.WithStatus(302, ("Location", "https://wiki.acme.internal/login.action?os_destination=x")));
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.UnexpectedResponse, e.Kind);
        Assert.Contains("redirected to https://wiki.acme.internal/login.action", e.Message);
        Assert.DoesNotContain("os_destination", e.Message);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task An_html_answer_is_an_unexpected_response()
    {
        Server.On("GET", "/wiki/rest/api/user/current", new Reply { Body = "<html>login</html>", ContentType = "text/html" });
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.UnexpectedResponse, e.Kind);
        Assert.Contains("not JSON", e.Message);
    }

    [Fact]
    public async Task An_anonymous_answer_is_not_a_sign_in()
    {
        Server.On("GET", "/wiki/rest/api/user/current", Reply.Ok("""{"type":"anonymous","displayName":"Anonymous","_links":{}}"""));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unauthorized, e.Kind);
    }

    [Fact]
    public async Task Cloud_finds_a_space_by_key_and_answers_null_for_a_missing_one()
    {
        Server.On("GET", "/wiki/api/v2/spaces?keys=ENG2", Reply.Ok(Bodies.CloudSpaces("ENG2")));
        Server.On("GET", "/wiki/api/v2/spaces?keys=NOPE", Reply.Ok(Bodies.CloudNoSpaces));
        using var site = _kit.Cloud();

        var space = await site.FindSpaceAsync("ENG2", CancellationToken.None);
        var missing = await site.FindSpaceAsync("NOPE", CancellationToken.None);

        Assert.Equal(new SiteSpace { Id = "98305", Key = "ENG2", Name = "ENG2 docs", HomepageId = "98306" }, space);
        Assert.Null(missing);
    }

    [Fact]
    public async Task DataCenter_finds_a_space_by_key_and_answers_null_on_404()
    {
        Server.On("GET", "/confluence/rest/api/space/ENG", Reply.Ok(Bodies.DataCenterSpace("ENG")));
        Server.On("GET", "/confluence/rest/api/space/NOPE", Reply.Json(404, Bodies.DataCenterNotFound));
        using var site = _kit.DataCenter();

        var space = await site.FindSpaceAsync("ENG", CancellationToken.None);
        var missing = await site.FindSpaceAsync("NOPE", CancellationToken.None);

        Assert.Equal(new SiteSpace { Id = "1212417", Key = "ENG", Name = "ENG docs", HomepageId = "1212418" }, space);
        Assert.Null(missing);
        Assert.Equal("?expand=homepage", Server.RequestsTo("/confluence/rest/api/space/ENG").Single().Query);
    }

    [Fact]
    public async Task Cloud_write_access_reads_the_space_operations()
    {
        Server.On("GET", "/wiki/api/v2/spaces/98305/operations", Reply.Ok(Bodies.CloudOperations(true)));
        Server.On("GET", "/wiki/api/v2/spaces/555/operations", Reply.Ok(Bodies.CloudOperations(false)));
        using var site = _kit.Cloud();
        var user = new SiteUser { AccountId = "a", DisplayName = "Sync Bot" };

        var allowed = await site.CheckWriteAccessAsync(new SiteSpace { Id = "98305", Key = "ENG2" }, user, CancellationToken.None);
        var denied = await site.CheckWriteAccessAsync(new SiteSpace { Id = "555", Key = "RO" }, user, CancellationToken.None);

        Assert.Equal(WriteAccess.Allowed, allowed.Access);
        Assert.Equal(WriteAccess.Denied, denied.Access);
        Assert.Contains("RO", denied.Message);
    }

    private static int UnusedPort()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>A stream that can be read once and not rewound: like a network or pipe source.</summary>
    private sealed class OneWayStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
