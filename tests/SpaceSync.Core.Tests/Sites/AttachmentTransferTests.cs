using System.Security.Cryptography;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Runs alone: the memory check reads the process's allocation counter, which parallel tests would inflate.</summary>
[CollectionDefinition(nameof(AttachmentTransferCollection), DisableParallelization = true)]
public sealed class AttachmentTransferCollection;

/// <summary>Copying attachments Data Center → Cloud through a temporary file, byte-identical, in bounded memory.</summary>
[Collection(nameof(AttachmentTransferCollection))]
public sealed class AttachmentTransferTests : IAsyncLifetime
{
    private const long FiftyMegabytes = 50L * 1024 * 1024;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "spacesync-att-" + Guid.NewGuid().ToString("N"));
    private EmulatedSite _dc = null!;
    private EmulatedSite _cloud = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _dc = await EmulatedSite.StartAsync(EmulatorFlavor.DataCenter, pageCount: 2);
        _cloud = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 2);
    }

    public async Task DisposeAsync()
    {
        await _dc.DisposeAsync();
        await _cloud.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string TempFolder()
    {
        var path = Path.Combine(_folder, "transfer");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string NewPage(EmulatedSite site, string title) =>
        site.State.CreatePage(long.Parse(site.Space.Id), title, "<p/>", long.Parse(site.Space.HomepageId!)).Id.ToString();

    /// <summary>A file of pseudo-random bytes written in 1 MB pieces; returns its SHA-256.</summary>
    private static string WriteFile(string path, long length, int seed)
    {
        var random = new Random(seed);
        var chunk = new byte[1024 * 1024];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = File.Create(path);
        for (long left = length; left > 0; left -= chunk.Length)
        {
            random.NextBytes(chunk);
            var n = (int)Math.Min(chunk.Length, left);
            file.Write(chunk, 0, n);
            sha.AppendData(chunk, 0, n);
        }

        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    private static string HashOfFile(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();
    }

    [Fact]
    public async Task A_file_of_more_than_50_MB_arrives_byte_identical_without_being_held_in_memory()
    {
        var source = Path.Combine(_folder, "dump.bin");
        var length = FiftyMegabytes + 12_345;
        var hash = WriteFile(source, length, seed: 11);
        var dcPage = NewPage(_dc, "Data");
        var cloudPage = NewPage(_cloud, "Data");
        SiteAttachment onDc;
        await using (var file = File.OpenRead(source))
            onDc = await _dc.Client.UploadAttachmentAsync(dcPage, "dump.bin", "application/octet-stream", file, "nightly dump", CancellationToken.None);
        Assert.Equal(length, onDc.Size);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await AttachmentTransfer.CopyAsync(_dc.Client, onDc, _cloud.Client, cloudPage, null, CancellationToken.None, tempFolder: TempFolder());
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(length, result.Bytes);
        Assert.Equal(hash, result.Sha256);
        Assert.True(result.VerifiedByRedownload);
        Assert.Equal(("dump.bin", 1, length, "nightly dump"), (result.Target.FileName, result.Target.Version, result.Target.Size, result.Target.Comment));
        var stored = _cloud.State.FindPage(long.Parse(cloudPage))!.Attachments.Single();
        Assert.Equal(hash, HashOfFile(stored.Current.FilePath));
        Assert.Empty(Directory.GetFiles(TempFolder()));
        // Three passes over the file (download, upload, verifying download) in this process, client and both servers:
        // buffering it whole even once would allocate more than its size.
        Assert.True(allocated < length / 4, $"The transfer allocated {allocated:N0} bytes for a {length:N0}-byte file.");
    }

    [Fact]
    public async Task A_new_version_is_copied_onto_the_paired_attachment_and_a_removed_one_is_deleted()
    {
        var dcPage = NewPage(_dc, "Versions");
        var cloudPage = NewPage(_cloud, "Versions");
        var v1 = new byte[70_000];
        new Random(1).NextBytes(v1);
        var onDc = await _dc.Client.UploadAttachmentAsync(dcPage, "plan.pdf", "application/pdf", new MemoryStream(v1), null, CancellationToken.None);
        var first = await AttachmentTransfer.CopyAsync(_dc.Client, onDc, _cloud.Client, cloudPage, null, CancellationToken.None, tempFolder: TempFolder());

        var v2 = new byte[90_000];
        new Random(2).NextBytes(v2);
        onDc = await _dc.Client.UploadAttachmentVersionAsync(dcPage, onDc.Id, "plan.pdf", "application/pdf", new MemoryStream(v2), "revised", CancellationToken.None);
        var second = await AttachmentTransfer.CopyAsync(_dc.Client, onDc, _cloud.Client, cloudPage, first.Target.Id, CancellationToken.None, tempFolder: TempFolder());

        Assert.Equal(first.Target.Id, second.Target.Id);
        Assert.Equal(2, second.Target.Version);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(v2)).ToLowerInvariant(), second.Sha256);
        var onCloud = Assert.Single(await _cloud.Client.ListAttachments(cloudPage).ReadAllAsync(CancellationToken.None));
        var bytes = new MemoryStream();
        await _cloud.Client.DownloadAttachmentAsync(onCloud, null, bytes, CancellationToken.None);
        Assert.Equal(v2, bytes.ToArray());

        // An older source version can be copied on purpose (the version history is kept on both sides).
        var old = await AttachmentTransfer.CopyAsync(_dc.Client, onDc, _cloud.Client, cloudPage, first.Target.Id, CancellationToken.None,
            version: 1, tempFolder: TempFolder());
        Assert.Equal((3, (long)v1.Length), (old.Target.Version, old.Bytes));

        await _cloud.Client.DeleteAttachmentAsync(cloudPage, onCloud.Id, CancellationToken.None);
        Assert.Empty(await _cloud.Client.ListAttachments(cloudPage).ReadAllAsync(CancellationToken.None));
        Assert.Empty(Directory.GetFiles(TempFolder()));
    }

    [Fact]
    public async Task A_target_size_limit_fails_that_file_only_and_leaves_no_temporary_file()
    {
        var dcPage = NewPage(_dc, "Mixed");
        var cloudPage = NewPage(_cloud, "Mixed");
        _cloud.State.MaxAttachmentBytes = 200_000;
        var big = await _dc.Client.UploadAttachmentAsync(dcPage, "big.zip", "application/zip", new MemoryStream(new byte[300_000]), null, CancellationToken.None);
        var small = await _dc.Client.UploadAttachmentAsync(dcPage, "small.txt", "text/plain", new MemoryStream(new byte[1_000]), null, CancellationToken.None);

        var failures = new List<SiteException>();
        foreach (var attachment in await _dc.Client.ListAttachments(dcPage).ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await AttachmentTransfer.CopyAsync(_dc.Client, attachment, _cloud.Client, cloudPage, null, CancellationToken.None, tempFolder: TempFolder());
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.TooLarge)
            {
                failures.Add(e);
            }
        }

        var failure = Assert.Single(failures);
        Assert.Contains("'big.zip'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("300,000 bytes", failure.Message, StringComparison.Ordinal);
        Assert.Equal(small.FileName, Assert.Single(await _cloud.Client.ListAttachments(cloudPage).ReadAllAsync(CancellationToken.None)).FileName);
        Assert.Empty(Directory.GetFiles(TempFolder()));
        Assert.NotNull(big);
    }

    [Fact]
    public async Task A_source_that_serves_other_bytes_than_it_lists_is_not_uploaded()
    {
        var dcPage = NewPage(_dc, "Liar");
        var cloudPage = NewPage(_cloud, "Liar");
        var onDc = await _dc.Client.UploadAttachmentAsync(dcPage, "a.txt", "text/plain", new MemoryStream(new byte[500]), null, CancellationToken.None);

        var e = await Assert.ThrowsAsync<AttachmentIntegrityException>(() =>
            AttachmentTransfer.CopyAsync(_dc.Client, onDc with { Size = 499 }, _cloud.Client, cloudPage, null, CancellationToken.None, tempFolder: TempFolder()));
        Assert.Contains("499", e.Message, StringComparison.Ordinal);
        Assert.Empty(await _cloud.Client.ListAttachments(cloudPage).ReadAllAsync(CancellationToken.None));
        Assert.Empty(Directory.GetFiles(TempFolder()));
    }
}

/// <summary>A lost upload answer during a transfer: adopted when the target holds identical bytes, never sent twice.</summary>
public sealed class AttachmentTransferLostAnswerTests
{
    [Fact]
    public async Task An_upload_whose_answer_is_lost_is_adopted_by_hash_and_not_sent_again()
    {
        await using var dc = await EmulatedSite.StartAsync(EmulatorFlavor.DataCenter, pageCount: 2);
        await using var cloud = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 2);
        var dcPage = dc.State.CreatePage(long.Parse(dc.Space.Id), "Held", "<p/>", long.Parse(dc.Space.HomepageId!)).Id.ToString();
        var cloudPage = cloud.State.CreatePage(long.Parse(cloud.Space.Id), "Held", "<p/>", long.Parse(cloud.Space.HomepageId!)).Id.ToString();
        var bytes = new byte[300_000];
        new Random(5).NextBytes(bytes);
        var onDc = await dc.Client.UploadAttachmentAsync(dcPage, "held.bin", null, new MemoryStream(bytes), null, CancellationToken.None);

        // The Cloud site stores the upload but answers only after the client has given up on it.
        cloud.Emulator.Faults.Apply(new SpaceSync.Emulator.Faults.FaultSettings
        {
            Hold = new SpaceSync.Emulator.Faults.HoldSettings { Method = "POST", PathPrefix = "/wiki/rest/api/content/", Ms = 5_000 },
        });
        using var impatient = SiteClientFactory.Create(
            new SpaceSync.Core.Scope.SiteSettings { Kind = SpaceSync.Core.Scope.SiteKind.Cloud, Url = cloud.Emulator.BaseUrl },
            SiteCredential.Basic("admin@example.com", "emulator-token"),
            new SiteClientOptions { MaxAttempts = 3, AttemptTimeout = TimeSpan.FromSeconds(1) });

        var result = await AttachmentTransfer.CopyAsync(dc.Client, onDc, impatient, cloudPage, null, CancellationToken.None);

        Assert.True(result.Adopted);
        Assert.Equal("held.bin", result.Target.FileName);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), result.Sha256);
        Assert.Equal(1, cloud.State.Stats.Count("POST", "/wiki/rest/api/content/{id}/child/attachment"));
        Assert.Single(cloud.State.FindPage(long.Parse(cloudPage))!.Attachments);
    }
}

public sealed class AttachmentTransferUnknownOutcomeTests
{
    [Fact]
    public async Task A_lost_upload_that_left_nothing_behind_stays_OutcomeUnknown()
    {
        await using var dc = await EmulatedSite.StartAsync(EmulatorFlavor.DataCenter, pageCount: 2);
        await using var cloud = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 2);
        var dcPage = dc.State.CreatePage(long.Parse(dc.Space.Id), "Dropped", "<p/>", long.Parse(dc.Space.HomepageId!)).Id.ToString();
        var cloudPage = cloud.State.CreatePage(long.Parse(cloud.Space.Id), "Dropped", "<p/>", long.Parse(cloud.Space.HomepageId!)).Id.ToString();
        var onDc = await dc.Client.UploadAttachmentAsync(dcPage, "gone.bin", null, new MemoryStream(new byte[10_000]), null, CancellationToken.None);

        // Every Cloud request loses its connection before any work: the upload never lands, and the look for it fails too.
        cloud.Emulator.Faults.Apply(new SpaceSync.Emulator.Faults.FaultSettings { DropPercent = 100 });
        var e = await Assert.ThrowsAsync<SiteException>(() => AttachmentTransfer.CopyAsync(dc.Client, onDc, cloud.Client, cloudPage, null, CancellationToken.None));

        Assert.Equal(SiteErrorKind.OutcomeUnknown, e.Kind);
        Assert.Equal(1, cloud.State.Stats.Count("POST", "/wiki/rest/api/content/{id}/child/attachment"));
        Assert.Empty(cloud.State.FindPage(long.Parse(cloudPage))!.Attachments);
    }
}
