using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>The streamed attachment paths against a scripted server: what is retried, what is not, and how refusals read.</summary>
public sealed class AttachmentHttpTests : IDisposable
{
    private const string DownloadPath = "/confluence/download/attachments/42/a.bin";
    private const string UploadPath = "/confluence/rest/api/content/42/child/attachment";

    private readonly SiteTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

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
