using System.Security.Cryptography;
using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Faults;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Attachment operations of both site clients against the emulator: list, find, upload, new version, download, delete, refusals.</summary>
public sealed class AttachmentOperationsTests
{
    public static TheoryData<EmulatorFlavor> Flavors => new() { EmulatorFlavor.Cloud, EmulatorFlavor.DataCenter };

    private static async Task<string> NewPageAsync(EmulatedSite site, string title) =>
        site.State.CreatePage(long.Parse(site.Space.Id), title, "<p>" + title + "</p>", long.Parse(site.Space.HomepageId!)).Id.ToString();

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task Uploads_lists_finds_versions_downloads_each_version_and_deletes(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 2);
        var client = site.Client;
        var pageId = await NewPageAsync(site, "Files");
        var first = Bytes(10_000, 1);
        var second = Bytes(6_000_000, 2); // above the 4 MB a retry may buffer: streamed from the caller's stream

        var created = await client.UploadAttachmentAsync(pageId, "report.bin", "application/x-test", new MemoryStream(first), "first cut", CancellationToken.None);
        Assert.Equal("report.bin", created.FileName);
        Assert.Equal(pageId, created.PageId);
        Assert.Equal(1, created.Version);
        Assert.Equal(first.Length, created.Size);
        Assert.Equal("application/x-test", created.MediaType);
        Assert.Equal("first cut", created.Comment);

        var taken = await Assert.ThrowsAsync<SiteException>(() =>
            client.UploadAttachmentAsync(pageId, "REPORT.bin", null, new MemoryStream(first), null, CancellationToken.None));
        Assert.Equal(SiteErrorKind.BadRequest, taken.Kind);

        var updated = await client.UploadAttachmentVersionAsync(pageId, created.Id, "report.bin", "application/x-test", new MemoryStream(second), null, CancellationToken.None);
        Assert.Equal(created.Id, updated.Id);
        Assert.Equal(2, updated.Version);
        Assert.Equal(second.Length, updated.Size);

        var listed = Assert.Single(await client.ListAttachments(pageId).ReadAllAsync(CancellationToken.None));
        Assert.Equal((created.Id, 2, (long)second.Length, "report.bin"), (listed.Id, listed.Version, listed.Size, listed.FileName));
        Assert.Equal(listed, await client.FindAttachmentAsync(pageId, "report.bin", CancellationToken.None));
        Assert.Null(await client.FindAttachmentAsync(pageId, "other.bin", CancellationToken.None));

        var current = new MemoryStream();
        var download = await client.DownloadAttachmentAsync(listed, null, current, CancellationToken.None);
        Assert.Equal(second, current.ToArray());
        Assert.Equal(new AttachmentDownload(second.Length, Sha(second)), download);

        var old = new MemoryStream();
        var oldDownload = await client.DownloadAttachmentAsync(listed, 1, old, CancellationToken.None);
        Assert.Equal(first, old.ToArray());
        Assert.Equal(Sha(first), oldDownload.Sha256);

        var missingVersion = await Assert.ThrowsAsync<SiteException>(() => client.DownloadAttachmentAsync(listed, 7, Stream.Null, CancellationToken.None));
        // Cloud's REST download documents 400 for a version above the latest; the Data Center servlet answers 404.
        Assert.Equal(flavor == EmulatorFlavor.Cloud ? SiteErrorKind.BadRequest : SiteErrorKind.NotFound, missingVersion.Kind);

        await client.DeleteAttachmentAsync(pageId, created.Id, CancellationToken.None);
        Assert.Empty(await client.ListAttachments(pageId).ReadAllAsync(CancellationToken.None));
        Assert.Equal("trashed", site.State.FindAttachment(long.Parse(created.Id.Replace("att", "")))!.Status);
        var again = await Assert.ThrowsAsync<SiteException>(() => client.DeleteAttachmentAsync(pageId, created.Id, CancellationToken.None));
        Assert.Equal(SiteErrorKind.NotFound, again.Kind);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task A_file_above_the_size_limit_fails_with_TooLarge_naming_it_and_the_next_file_goes_through(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 2);
        var pageId = await NewPageAsync(site, "Limited");
        site.State.MaxAttachmentBytes = 100_000;

        var refused = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.UploadAttachmentAsync(pageId, "video.mp4", "video/mp4", new MemoryStream(Bytes(250_000, 3)), null, CancellationToken.None));
        Assert.Equal(SiteErrorKind.TooLarge, refused.Kind);
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("'video.mp4'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("250,000 bytes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("size limit", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, site.State.Stats.Count("POST", LegacyRoute(flavor, "/content/{id}/child/attachment"))); // not retried

        var small = await site.Client.UploadAttachmentAsync(pageId, "small.txt", "text/plain", new MemoryStream(Bytes(1_000, 4)), null, CancellationToken.None);
        Assert.Equal("small.txt", Assert.Single(await site.Client.ListAttachments(pageId).ReadAllAsync(CancellationToken.None)).FileName);

        var version = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.UploadAttachmentVersionAsync(pageId, small.Id, "small.txt", "text/plain", new MemoryStream(Bytes(100_001, 5)), null, CancellationToken.None));
        Assert.Equal(SiteErrorKind.TooLarge, version.Kind);
        Assert.Contains("'small.txt'", version.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task An_upload_whose_answer_is_lost_is_OutcomeUnknown_sent_once_and_can_be_found(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 2);
        var pageId = await NewPageAsync(site, "Lossy");
        site.Emulator.Faults.Apply(new FaultSettings { DropAfterPercent = 100 });

        var lost = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.UploadAttachmentAsync(pageId, "lost.bin", null, new MemoryStream(Bytes(5_000_000, 6)), null, CancellationToken.None));
        Assert.Equal(SiteErrorKind.OutcomeUnknown, lost.Kind);
        Assert.Equal(1, site.State.Stats.Count("POST", LegacyRoute(flavor, "/content/{id}/child/attachment")));

        site.Emulator.Faults.Apply(new FaultSettings());
        var found = await site.Client.FindAttachmentAsync(pageId, "lost.bin", CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal(5_000_000, found!.Size);
        Assert.Single(site.State.FindPage(long.Parse(pageId))!.Attachments);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task Cancelling_mid_download_stops_it_with_OperationCanceledException(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 2);
        var pageId = await NewPageAsync(site, "Big");
        var bytes = Bytes(20_000_000, 7);
        var attachment = await site.Client.UploadAttachmentAsync(pageId, "big.bin", null, new MemoryStream(bytes), null, CancellationToken.None);

        using var cancel = new CancellationTokenSource();
        var destination = new CancellingStream(cancel, afterBytes: 1_000_000);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            site.Client.DownloadAttachmentAsync(attachment, null, destination, cancel.Token));
        Assert.InRange(destination.Written, 1_000_000, bytes.Length - 1);
    }

    [Fact]
    public async Task A_download_answered_with_an_error_page_is_a_SiteException_not_bytes()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.DataCenter, pageCount: 2);
        var pageId = await NewPageAsync(site, "Gone");
        var ghost = new SiteAttachment { Id = "1", PageId = pageId, FileName = "ghost.png", Version = 1 };
        var destination = new MemoryStream();
        var missing = await Assert.ThrowsAsync<SiteException>(() => site.Client.DownloadAttachmentAsync(ghost, null, destination, CancellationToken.None));
        Assert.Equal(SiteErrorKind.NotFound, missing.Kind);
        Assert.Equal(0, destination.Length);
    }

    [Theory]
    [MemberData(nameof(Flavors))]
    public async Task A_one_way_stream_of_unknown_length_uploads_chunked(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 2);
        var pageId = await NewPageAsync(site, "Piped");
        var bytes = Bytes(5_500_000, 8);

        var created = await site.Client.UploadAttachmentAsync(pageId, "piped.bin", null, new OneWayStream(bytes), null, CancellationToken.None);

        Assert.Equal(bytes.Length, created.Size);
        var back = new MemoryStream();
        await site.Client.DownloadAttachmentAsync(created, null, back, CancellationToken.None);
        Assert.Equal(bytes, back.ToArray());
    }

    private static string LegacyRoute(EmulatorFlavor flavor, string path) =>
        (flavor == EmulatorFlavor.Cloud ? "/wiki/rest/api" : "/rest/api") + path;

    /// <summary>A pipe-like source: readable once, no length, no seeking.</summary>
    private sealed class OneWayStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A destination that cancels the download once it has taken <c>afterBytes</c>.</summary>
    private sealed class CancellingStream(CancellationTokenSource cancel, long afterBytes) : MemoryStream
    {
        public long Written { get; private set; }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Written += count;
            if (Written >= afterBytes) cancel.Cancel();
            return Task.CompletedTask;
        }
    }
}
