using System.Net;
using System.Net.Http;
using SpaceSync.Core.Http;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

public sealed class SiteUnitTests
{
    [Theory]
    [InlineData("""{"errors":[{"status":409,"code":"CONFLICT","title":"Version must be incremented","detail":null}]}""", "Version must be incremented")]
    [InlineData("""{"errors":[{"status":400,"code":"INVALID_REQUEST_PARAMETER","title":"Provided value {x} for 'id' is not the correct type.","detail":"Expected type is ContentId"}]}""", "Provided value {x} for 'id' is not the correct type.: Expected type is ContentId")]
    [InlineData("""{"statusCode":400,"data":{"authorized":true,"valid":false,"errors":[],"successful":false},"message":"A page with this title already exists: A page already exists with the title Home in the space with key ENG","reason":"Bad Request"}""", "A page with this title already exists: A page already exists with the title Home in the space with key ENG")]
    [InlineData("""{"statusCode":400,"data":{"authorized":true,"valid":false,"errors":[{"message":{"key":"title.empty","args":[],"translation":"Title cannot be empty"}}],"successful":false},"message":"","reason":"Bad Request"}""", "Title cannot be empty")]
    [InlineData("""{"code":401,"message":"Unauthorized; scope does not match"}""", "Unauthorized; scope does not match")]
    [InlineData("""{"statusCode":404,"reason":"Not Found"}""", "Not Found")]
    [InlineData("""[1,2]""", null)]
    [InlineData("""{not json""", null)]
    [InlineData("", null)]
    public void Error_messages_come_from_either_envelope(string body, string? expected)
    {
        Assert.Equal(expected, ErrorEnvelope.Parse(body, "application/json"));
    }

    [Fact]
    public void Plain_text_errors_are_kept_short_and_html_pages_are_dropped()
    {
        Assert.Equal("Service is in maintenance", ErrorEnvelope.Parse("Service is in maintenance\n", "text/plain"));
        Assert.EndsWith("…", ErrorEnvelope.Parse(new string('x', 1000), "text/plain"));
        Assert.Null(ErrorEnvelope.Parse("<html><body>Bad gateway</body></html>", "text/html"));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData("PUT", true)]
    [InlineData("DELETE", true)]
    [InlineData("OPTIONS", true)]
    [InlineData("POST", false)]
    [InlineData("PATCH", false)]
    public void Only_idempotent_methods_are_repeated_after_a_500(string method, bool repeated)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        Assert.Equal(repeated, RetryRules.ShouldRetry(new HttpMethod(method), true, response, null));
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(500, false)]
    [InlineData(502, false)]
    [InlineData(409, false)]
    [InlineData(400, false)]
    public void A_POST_is_repeated_only_when_the_server_refused_to_process_it(int status, bool repeated)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        Assert.Equal(repeated, RetryRules.ShouldRetry(HttpMethod.Post, true, response, null));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(501)]
    public void Answers_that_will_not_change_are_never_repeated(int status)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        Assert.False(RetryRules.ShouldRetry(HttpMethod.Get, true, response, null));
    }

    [Fact]
    public void Caller_cancellation_is_never_retried_and_a_body_that_cannot_be_resent_blocks_every_retry()
    {
        Assert.False(RetryRules.ShouldRetry(HttpMethod.Get, true, null, new OperationCanceledException()));
        using var throttled = new HttpResponseMessage((HttpStatusCode)429);
        Assert.False(RetryRules.ShouldRetry(HttpMethod.Put, false, throttled, null));
        Assert.True(RetryRules.ShouldRetry(HttpMethod.Get, true, null, new HttpRequestException("reset", new IOException("connection reset"))));
        Assert.False(RetryRules.ShouldRetry(HttpMethod.Post, true, null, new HttpRequestException("reset", new IOException("connection reset"))));
        Assert.True(RetryRules.ShouldRetry(HttpMethod.Post, true, null,
            new HttpRequestException("refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))));
        Assert.False(RetryRules.ShouldRetry(HttpMethod.Get, true, null,
            new HttpRequestException("ssl", new System.Security.Authentication.AuthenticationException("The remote certificate is invalid"))));
    }

    [Fact]
    public void Retry_After_in_the_past_means_now_and_is_ignored_on_other_statuses()
    {
        var delays = new RetryDelays(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), () => 0.5);
        var now = DateTimeOffset.UtcNow;
        using var past = new HttpResponseMessage((HttpStatusCode)429);
        past.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddMinutes(-5));
        using var serverError = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        serverError.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(50));

        Assert.Equal(TimeSpan.Zero, delays.AfterRateLimit(past, 0, now).Delay);
        Assert.Equal(RetryWaitReason.Backoff, delays.AfterFault(serverError, 2, now).Reason);
        Assert.Equal(TimeSpan.FromSeconds(4), delays.AfterFault(serverError, 2, now).Delay);
    }

    [Theory]
    [InlineData(SiteKind.Cloud, "https://acme.atlassian.net", "https://acme.atlassian.net/wiki")]
    [InlineData(SiteKind.Cloud, "https://acme.atlassian.net/wiki/", "https://acme.atlassian.net/wiki")]
    [InlineData(SiteKind.DataCenter, "https://wiki.acme.internal/confluence/", "https://wiki.acme.internal/confluence")]
    [InlineData(SiteKind.DataCenter, "https://wiki.acme.internal", "https://wiki.acme.internal/")]
    public void Site_urls_are_normalised(SiteKind kind, string url, string expected)
    {
        var settings = new SiteSettings { Kind = kind, Url = new Uri(url) };
        Assert.Equal(expected, SiteClientFactory.SiteUrl(settings).AbsoluteUri);
    }

    [Fact]
    public void The_factory_refuses_what_it_cannot_talk_to()
    {
        var credential = SiteCredential.Bearer("t");
        Assert.Throws<ArgumentException>(() => SiteClientFactory.Create(new SiteSettings { Kind = SiteKind.DataCenter, Url = new Uri("ftp://x/") }, credential));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SiteClientFactory.Create(new SiteSettings { Kind = SiteKind.DataCenter, Url = new Uri("https://x/") }, credential, new SiteClientOptions { MaxAttempts = 0 }));
    }

    [Fact]
    public void The_user_agent_names_the_product_and_its_version()
    {
        Assert.Matches(@"^SpaceSync/\d+\.\d+\.\d+", SiteClientOptions.DefaultUserAgent);
        Assert.DoesNotContain("+", SiteClientOptions.DefaultUserAgent);
    }
}
