using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>The streamed attachment paths against a scripted server: what is retried, what is not, and how refusals read.</summary>
public sealed class AttachmentHttpTests : IDisposable
{
    private const string DownloadPath = "/confluence/download/attachments/42/a.bin";
    private const string UploadPath = "/confluence/rest/api/content/42/child/attachment";
    private const string RestDownloadPath = "/wiki/rest/api/content/42/child/attachment/att7/download";
    private const string MediaPath = "/file/5f0c2d9e-6a1b-4c1e-9f1e-2b7d3c4a5e6f/binary";
    private const string MediaToken = "eyJhbGciOiJIUzI1NiJ9.media-token-Secr3t.c2lnbmF0dXJl";

    private readonly SiteTestKit _kit = new();

    /// <summary>Cloud's media host: another origin (its own port) that a REST download redirects to.</summary>
    private readonly ScriptedServer _media = new();

    public void Dispose()
    {
        _media.Dispose();
        _kit.Dispose();
    }

    private string MediaLocation => _media.Url(MediaPath) + "?token=" + MediaToken + "&client=7c1d&name=a.bin";

    private Reply RedirectToMedia => Reply.WithStatus(302, ("Location", MediaLocation));

    private static Reply Bytes(string body) => new() { Status = 200, Body = body, ContentType = "application/octet-stream" };

    private static string Sha(string text) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    /// <summary>No trace of the media link's token in what the client reported or threw.</summary>
    private void AssertTokenNowhere(Exception? e = null)
    {
        lock (_kit.Events)
        {
            foreach (var ev in _kit.Events)
            {
                Assert.DoesNotContain("Secr3t", ev.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain("Secr3t", ev.Path, StringComparison.Ordinal);
            }
        }

        if (e != null)
        {
            Assert.DoesNotContain("Secr3t", e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("token=", e.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_Cloud_download_follows_the_one_redirect_by_hand_without_credentials_and_counts_both_requests()
    {
        _kit.Server.On("GET", RestDownloadPath, RedirectToMedia);
        _media.On("GET", MediaPath, Bytes("cloud bytes"));
        using var site = _kit.Cloud();

        var destination = new MemoryStream();
        var result = await site.DownloadAttachmentAsync(Attachment, null, destination, CancellationToken.None);

        Assert.Equal("cloud bytes", System.Text.Encoding.UTF8.GetString(destination.ToArray()));
        Assert.Equal(new AttachmentDownload(11, Sha("cloud bytes")), result);
        var asked = Assert.Single(_kit.Server.Requests);
        Assert.Equal(RestDownloadPath + "?version=3", asked.PathAndQuery);
        Assert.StartsWith("Basic ", asked.Authorization, StringComparison.Ordinal);
        var fetched = Assert.Single(_media.Requests);
        Assert.Equal(MediaPath + "?token=" + MediaToken + "&client=7c1d&name=a.bin", fetched.PathAndQuery);
        Assert.Null(fetched.Authorization); // the site's credentials never reach the other origin
        Assert.Equal(2, site.Counters.RequestsSent);
        Assert.Empty(_kit.Server.RequestsTo("/wiki/download/attachments/42/a.bin")); // never the servlet Cloud refuses
    }

    [Fact]
    public async Task A_Cloud_download_asks_the_media_host_again_after_a_5xx_and_logs_the_path_only()
    {
        _kit.Server.On("GET", RestDownloadPath, RedirectToMedia);
        _media.On("GET", MediaPath, Reply.Json(500, """{"code":500,"message":"media store hiccup"}"""), Bytes("second time lucky"));
        using var site = _kit.Cloud();

        var destination = new MemoryStream();
        await site.DownloadAttachmentAsync(Attachment, 2, destination, CancellationToken.None);

        Assert.Equal("second time lucky", System.Text.Encoding.UTF8.GetString(destination.ToArray()));
        Assert.Equal("?version=2", Assert.Single(_kit.Server.Requests).Query);
        Assert.Equal(2, _media.RequestsTo(MediaPath).Count);
        Assert.All(_media.Requests, r => Assert.Null(r.Authorization));
        Assert.Equal((3L, 1L), (site.Counters.RequestsSent, site.Counters.Retries));
        var retry = Assert.Single(_kit.Events);
        Assert.Equal(MediaPath, retry.Path);
        Assert.Contains("GET " + MediaPath + " answered 500", retry.Message, StringComparison.Ordinal);
        AssertTokenNowhere();
    }

    [Fact]
    public async Task A_second_redirect_is_refused_and_not_followed()
    {
        using var third = new ScriptedServer();
        third.On("GET", "/elsewhere", Bytes("should never be read"));
        _kit.Server.On("GET", RestDownloadPath, RedirectToMedia);
        _media.On("GET", MediaPath, Reply.WithStatus(302, ("Location", third.Url("/elsewhere") + "?token=" + MediaToken)));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.DownloadAttachmentAsync(Attachment, null, new MemoryStream(), CancellationToken.None));

        Assert.Equal(SiteErrorKind.UnexpectedResponse, e.Kind);
        Assert.Contains("redirected the download of 'a.bin' (att7 of page 42) a second time", e.Message, StringComparison.Ordinal);
        Assert.Contains("exactly one redirect", e.Message, StringComparison.Ordinal);
        Assert.Contains("media host " + _media.Origin.GetLeftPart(UriPartial.Authority), e.Message, StringComparison.Ordinal);
        Assert.Empty(third.Requests);
        Assert.Single(_media.Requests);
        AssertTokenNowhere(e);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "file")]
    [InlineData("ftp://127.0.0.1/a.bin", "ftp")]
    public async Task A_redirect_to_a_non_http_URL_is_refused_with_its_scheme(string location, string scheme)
    {
        _kit.Server.On("GET", RestDownloadPath, Reply.WithStatus(302, ("Location", location)));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.DownloadAttachmentAsync(Attachment, null, new MemoryStream(), CancellationToken.None));

        Assert.Equal(SiteErrorKind.UnexpectedResponse, e.Kind);
        Assert.Contains($"GET {RestDownloadPath} on the Cloud site answered 302 but redirected the download of 'a.bin' to a '{scheme}:' URL; only http(s) is followed.",
            e.Message, StringComparison.Ordinal);
        Assert.Single(_kit.Server.Requests);
        Assert.Equal(1, site.Counters.RequestsSent);
    }

    [Fact]
    public async Task A_refused_media_link_reads_as_a_refused_link_without_the_token_even_when_the_host_echoes_it()
    {
        _kit.Server.On("GET", RestDownloadPath, RedirectToMedia);
        _media.On("GET", MediaPath, Reply.Json(401, $$"""{"code":401,"message":"token {{MediaToken}} has expired"}"""));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.DownloadAttachmentAsync(Attachment, null, new MemoryStream(), CancellationToken.None));

        Assert.Equal(SiteErrorKind.Forbidden, e.Kind); // the user's credentials are fine: nothing to re-enter
        Assert.Contains($"GET {MediaPath} on the Cloud site's media host {_media.Origin.GetLeftPart(UriPartial.Authority)} answered 401", e.Message, StringComparison.Ordinal);
        Assert.Contains("token [redacted] has expired", e.Message, StringComparison.Ordinal);
        Assert.Contains("download link", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("check the user and token", e.Message, StringComparison.Ordinal);
        Assert.Equal(MediaPath, e.Path);
        AssertTokenNowhere(e);
    }

    [Fact]
    public async Task A_media_host_that_cannot_be_reached_is_named_without_the_token()
    {
        var gone = new ScriptedServer();
        var location = gone.Url(MediaPath) + "?token=" + MediaToken;
        gone.Dispose(); // nothing listens there any more
        _kit.Server.On("GET", RestDownloadPath, Reply.WithStatus(302, ("Location", location)));
        using var site = _kit.Cloud(_kit.Options(maxAttempts: 2));

        var e = await Assert.ThrowsAsync<SiteException>(() => site.DownloadAttachmentAsync(Attachment, null, new MemoryStream(), CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unreachable, e.Kind);
        Assert.Contains("the Cloud site's media host " + gone.Origin.GetLeftPart(UriPartial.Authority) + " could not be reached after 2 attempts", e.Message, StringComparison.Ordinal);
        AssertTokenNowhere(e);
    }

    [Fact]
    public async Task Cancelling_while_the_media_host_is_answering_stops_the_second_request()
    {
        _kit.Server.On("GET", RestDownloadPath, RedirectToMedia);
        _media.On("GET", MediaPath, new Reply { Status = 200, Body = "late", ContentType = "application/octet-stream", Delay = TimeSpan.FromSeconds(30) });
        using var site = _kit.Cloud();
        using var cancel = new CancellationTokenSource();

        var download = site.DownloadAttachmentAsync(Attachment, null, new MemoryStream(), cancel.Token);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_media.Requests.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Single(_media.Requests); // the second request is under way
        var watch = System.Diagnostics.Stopwatch.StartNew();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
        Assert.Single(_media.Requests); // not repeated
    }

    [Fact]
    public async Task A_Cloud_site_that_answers_the_bytes_itself_is_read_without_a_second_request()
    {
        _kit.Server.On("GET", RestDownloadPath, Bytes("direct"));
        using var site = _kit.Cloud();

        var destination = new MemoryStream();
        await site.DownloadAttachmentAsync(Attachment, null, destination, CancellationToken.None);

        Assert.Equal("direct", System.Text.Encoding.UTF8.GetString(destination.ToArray()));
        Assert.Empty(_media.Requests);
        Assert.Equal(1, site.Counters.RequestsSent);
    }

    private static SiteAttachment Attachment => new() { Id = "att7", PageId = "42", FileName = "a.bin", Version = 3, Size = 11 };

    [Fact]
    public async Task A_download_refused_before_its_first_byte_is_retried_and_then_streamed()
    {
        _kit.Server.On("GET", DownloadPath,
            Reply.WithStatus(503, ("Retry-After", "2")),
            new Reply { Status = 200, Body = "hello bytes", ContentType = "application/octet-stream" });
        using var site = _kit.DataCenter();

        var destination = new MemoryStream();
        var result = await site.DownloadAttachmentAsync(Attachment, null, destination, CancellationToken.None);

        Assert.Equal("hello bytes", System.Text.Encoding.UTF8.GetString(destination.ToArray()));
        Assert.Equal(11, result.Bytes);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("hello bytes"u8.ToArray())).ToLowerInvariant(), result.Sha256);
        Assert.Equal(2, _kit.Server.RequestsTo(DownloadPath).Count);
        Assert.Equal("?version=3", _kit.Server.RequestsTo(DownloadPath)[0].Query);
    }

    [Fact]
    public async Task A_download_that_breaks_off_mid_body_is_not_repeated_and_says_how_far_it_got()
    {
        _kit.Server.On("GET", DownloadPath, Reply.Dropped(), new Reply { Status = 200, Body = "never asked" });
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.DownloadAttachmentAsync(Attachment, null, new MemoryStream(), CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unreachable, e.Kind);
        Assert.Contains("'a.bin' broke off after", e.Message, StringComparison.Ordinal);
        Assert.Single(_kit.Server.RequestsTo(DownloadPath));
    }

    [Fact]
    public async Task A_size_refusal_worded_as_400_is_TooLarge_too()
    {
        _kit.Server.On("POST", UploadPath, Reply.Json(400,
            """{"statusCode":400,"data":{"authorized":true,"valid":false,"errors":[],"successful":false},"message":"The file exceeds the maximum attachment size of 104857600 bytes.","reason":"Bad Request"}"""));
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.UploadAttachmentAsync("42", "huge.iso", null, new MemoryStream(new byte[2048]), null, CancellationToken.None));

        Assert.Equal(SiteErrorKind.TooLarge, e.Kind);
        Assert.Contains("'huge.iso' (2,048 bytes)", e.Message, StringComparison.Ordinal);
        Assert.Contains("104857600", e.Message, StringComparison.Ordinal);
        var sent = Assert.Single(_kit.Server.RequestsTo(UploadPath));
        Assert.Contains("name=file; filename=huge.iso", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ordinary_bad_request_stays_BadRequest()
    {
        _kit.Server.On("POST", UploadPath, Reply.Json(400,
            """{"statusCode":400,"data":{"authorized":true,"valid":false,"errors":[],"successful":false},"message":"Cannot add a new attachment with same file name as an existing attachment: a.bin","reason":"Bad Request"}"""));
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() =>
            site.UploadAttachmentAsync("42", "a.bin", null, new MemoryStream(new byte[10]), null, CancellationToken.None));
        Assert.Equal(SiteErrorKind.BadRequest, e.Kind);
    }

    [Fact]
    public async Task The_callers_stream_is_left_open_after_an_upload()
    {
        _kit.Server.On("POST", UploadPath, Reply.Ok(
            """{"results":[{"id":"att9","type":"attachment","status":"current","title":"a.bin","version":{"number":1},"metadata":{"mediaType":"text/plain"},"extensions":{"fileSize":3,"mediaType":"text/plain"},"_links":{"download":"/download/attachments/42/a.bin?version=1"}}],"start":0,"limit":50,"size":1,"_links":{"base":"http://wiki.acme.internal/confluence"}}"""));
        using var site = _kit.DataCenter();
        var content = new MemoryStream("abc"u8.ToArray());

        var created = await site.UploadAttachmentAsync("42", "a.bin", "text/plain", content, null, CancellationToken.None);

        Assert.Equal(("att9", "42", 1, 3L, "text/plain"), (created.Id, created.PageId, created.Version, created.Size, created.MediaType));
        Assert.True(content.CanRead); // not disposed with the request
        var sent = Assert.Single(_kit.Server.RequestsTo(UploadPath));
        Assert.Contains("abc", sent.Body, StringComparison.Ordinal);
    }
}
