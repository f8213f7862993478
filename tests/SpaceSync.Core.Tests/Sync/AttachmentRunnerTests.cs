using SpaceSync.Core.Tests.Content;
using System.Security.Cryptography;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.Sites;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Attachments through whole runs over the emulator pair: files new, in a new version, and removed on either side cross;
/// a 52 MB file arrives byte-identical in bounded memory; a file above the target's size limit fails alone. Runs in the
/// attachment collection: the memory check reads the process's allocation counter, which parallel tests would inflate.
/// </summary>
[Collection(nameof(AttachmentTransferCollection))]
public sealed class AttachmentRunnerTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<RunnerWorld> StartAsync(int pages = 12)
    {
        var world = await RunnerWorld.StartAsync(pages);
        world.Space = world.Space with { Content = new ResolvedContent(Labels: false, Attachments: true, Comments: false, Blogposts: false) };
        return world;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static string ShaOfFile(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static List<Attachment> Files(Page page) => page.Attachments.Where(a => a.Status == "current").OrderBy(a => a.FileName).ToList();

    /// <summary>Every paired page's current files are the same on both sites: names, and bytes by SHA-256.</summary>
    private static void AssertFilesEqual(RunnerWorld world)
    {
        foreach (var dcPage in RunnerWorld.CurrentPages(world.Dc))
        {
            var cloudPage = world.CloudTwin(dcPage);
            var dcFiles = Files(dcPage);
            var cloudFiles = Files(cloudPage);
            Assert.Equal(dcFiles.Select(f => f.FileName.ToLowerInvariant()), cloudFiles.Select(f => f.FileName.ToLowerInvariant()));
            foreach (var (dc, cloud) in dcFiles.Zip(cloudFiles))
                Assert.Equal(ShaOfFile(dc.Current.FilePath), ShaOfFile(cloud.Current.FilePath));
        }
    }

    private static int Done(SyncRunResult result, SyncActionKind kind) =>
        result.Outcomes.Count(o => o.Action.Kind == kind && o.Outcome == ActionOutcomeKind.Done);

    private static int FileWrites(SyncRunResult result) =>
        result.Outcomes.Count(o => o.Action.Attachment != null && o.Action.WritesSite && o.Outcome == ActionOutcomeKind.Done);

    private async Task<SiteAttachment> UploadAsync(IConfluenceSite site, Page page, string name, byte[] bytes) =>
        await site.UploadAttachmentAsync(page.Id.ToString(), name, "application/octet-stream", new MemoryStream(bytes), null, None);

    [Fact]
    public async Task The_seeded_files_cross_on_the_first_sync_and_the_second_run_writes_nothing()
    {
        await using var world = await StartAsync();
        var seeded = RunnerWorld.CurrentPages(world.Dc).Sum(p => Files(p).Count);
        Assert.True(seeded > 0, "the seeder gives some pages files");
        // A migration that left the files behind: none on Cloud.
        foreach (var file in RunnerWorld.CurrentPages(world.Cloud).SelectMany(Files).ToList())
        {
            world.Cloud.TrashAttachment(file.Id);
            world.Cloud.PurgeAttachment(file.Id);
        }

        await world.BaselineAsync();

        var first = await world.SyncAsync();
        Assert.Empty(first.Errors);
        Assert.Equal(seeded, Done(first, SyncActionKind.UploadAttachment));
        Assert.Equal(seeded, world.State.ListAttachmentPairs(RunnerWorld.Key).Count);
        Assert.All(world.State.ListAttachmentPairs(RunnerWorld.Key), p => Assert.Equal(64, p.Sha256.Length));
        AssertFilesEqual(world);

        var second = await world.SyncAsync();
        Assert.Empty(second.Plan.Actions);
        var full = await world.SyncAsync(fullListing: true);
        Assert.Empty(full.Plan.Actions);
    }

    [Fact]
    public async Task The_baseline_pairs_the_files_a_copy_left_on_both_sites_so_the_first_sync_uploads_none()
    {
        await using var world = await StartAsync();
        // CCMA copies files with the pages (so does the test copy): each seeded file is on both sites.
        var copied = RunnerWorld.CurrentPages(world.Cloud).Sum(p => Files(p).Count);
        Assert.Equal(RunnerWorld.CurrentPages(world.Dc).Sum(p => Files(p).Count), copied);
        Assert.True(copied > 0, "the seeder gives some pages files");
        await world.BaselineAsync();
        var pairs = world.State.ListAttachmentPairs(RunnerWorld.Key);
        Assert.Equal(copied, pairs.Count);
        Assert.All(pairs, p => Assert.Equal("", p.Sha256)); // paired by name and size, not read

        var first = await world.SyncAsync();
        Assert.Empty(first.Errors);
        Assert.Equal(0, FileWrites(first));
        AssertFilesEqual(world);
    }

    [Fact]
    public async Task New_files_new_versions_and_removals_cross_each_way()
    {
        await using var world = await StartAsync();
        await world.BaselineAsync();
        await world.SyncAsync();
        var taken = new List<long>();
        var a = RunnerWorld.Leaf(world.Dc, taken);
        var b = RunnerWorld.Leaf(world.Dc, taken);
        var aCloud = world.CloudTwin(a);
        var bCloud = world.CloudTwin(b);

        // New each way (read by the change query).
        var fromDc = Bytes(3000, 1);
        var fromCloud = Bytes(4000, 2);
        var dcFile = await UploadAsync(world.DcSite, a, "from-dc.bin", fromDc);
        var cloudFile = await UploadAsync(world.CloudSite, bCloud, "from-cloud.bin", fromCloud);
        var added = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, added.Listing);
        Assert.Empty(added.Errors);
        Assert.Equal(2, Done(added, SyncActionKind.UploadAttachment));
        Assert.Equal(Sha(fromDc), ShaOfFile(Files(world.CloudTwin(a)).Single(f => f.FileName == "from-dc.bin").Current.FilePath));
        Assert.Equal(Sha(fromCloud), ShaOfFile(Files(world.Dc.FindPage(b.Id)!).Single(f => f.FileName == "from-cloud.bin").Current.FilePath));

        // A new version each way.
        var dcV2 = Bytes(3500, 3);
        var cloudV2 = Bytes(4500, 4);
        await world.DcSite.UploadAttachmentVersionAsync(a.Id.ToString(), dcFile.Id, "from-dc.bin", null, new MemoryStream(dcV2), "v2", None);
        await world.CloudSite.UploadAttachmentVersionAsync(bCloud.Id.ToString(), cloudFile.Id, "from-cloud.bin", null, new MemoryStream(cloudV2), "v2", None);
        var versions = await world.SyncAsync();
        Assert.Empty(versions.Errors);
        Assert.Equal(2, Done(versions, SyncActionKind.UploadAttachment));
        var onCloud = Files(world.CloudTwin(a)).Single(f => f.FileName == "from-dc.bin");
        Assert.Equal((2, Sha(dcV2)), (onCloud.Versions.Count, ShaOfFile(onCloud.Current.FilePath)));
        var onDc = Files(world.Dc.FindPage(b.Id)!).Single(f => f.FileName == "from-cloud.bin");
        Assert.Equal((2, Sha(cloudV2)), (onDc.Versions.Count, ShaOfFile(onDc.Current.FilePath)));
        Assert.Empty((await world.SyncAsync()).Plan.Actions);

        // A removal each way: seen by the next complete listing.
        await world.DcSite.DeleteAttachmentAsync(a.Id.ToString(), dcFile.Id, None);
        await world.CloudSite.DeleteAttachmentAsync(bCloud.Id.ToString(), cloudFile.Id, None);
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, x => x.Kind == SyncActionKind.DeleteAttachment);
        var removed = await world.SyncAsync(fullListing: true);
        Assert.Empty(removed.Errors);
        Assert.Equal(2, Done(removed, SyncActionKind.DeleteAttachment));
        Assert.DoesNotContain(Files(world.CloudTwin(a)), f => f.FileName == "from-dc.bin");
        Assert.DoesNotContain(Files(world.Dc.FindPage(b.Id)!), f => f.FileName == "from-cloud.bin");
        Assert.DoesNotContain(world.State.ListAttachmentPairs(RunnerWorld.Key), p => p.FileName is "from-dc.bin" or "from-cloud.bin");
        AssertFilesEqual(world);
        Assert.Empty((await world.SyncAsync(fullListing: true)).Plan.Actions);
    }

    [Fact]
    public async Task A_new_version_copied_without_its_record_is_paired_by_hash_and_other_bytes_are_reported()
    {
        await using var world = await StartAsync();
        await world.BaselineAsync();
        await world.SyncAsync();
        var taken = new List<long>();
        var page = RunnerWorld.Leaf(world.Dc, taken);
        var other = RunnerWorld.Leaf(world.Dc, taken);
        var dcFile = await UploadAsync(world.DcSite, page, "plan.pdf", Bytes(2000, 1));
        var dcOther = await UploadAsync(world.DcSite, other, "other.pdf", Bytes(2000, 2));
        await world.SyncAsync();
        var pairs = world.State.ListAttachmentPairs(RunnerWorld.Key);
        var cloudFile = pairs.Single(p => p.FileName == "plan.pdf").CloudAttachmentId;
        var cloudOther = pairs.Single(p => p.FileName == "other.pdf").CloudAttachmentId;

        // As if a run uploaded the new version and died before recording it: both sides moved, with the same bytes.
        var v2 = Bytes(2500, 3);
        await world.DcSite.UploadAttachmentVersionAsync(page.Id.ToString(), dcFile.Id, "plan.pdf", null, new MemoryStream(v2), null, None);
        await world.CloudSite.UploadAttachmentVersionAsync(world.CloudTwin(page).Id.ToString(), cloudFile, "plan.pdf", null, new MemoryStream(v2), null, None);
        // And a real conflict: the same size, other bytes.
        await world.DcSite.UploadAttachmentVersionAsync(other.Id.ToString(), dcOther.Id, "other.pdf", null, new MemoryStream(Bytes(2500, 4)), null, None);
        await world.CloudSite.UploadAttachmentVersionAsync(world.CloudTwin(other).Id.ToString(), cloudOther, "other.pdf", null, new MemoryStream(Bytes(2500, 5)), null, None);

        var result = await world.SyncAsync();

        Assert.Equal(0, FileWrites(result));
        var paired = result.Outcomes.Single(o => o.Action.Attachment?.FileName == "plan.pdf");
        Assert.Equal(ActionOutcomeKind.Done, paired.Outcome);
        var pair = world.State.ListAttachmentPairs(RunnerWorld.Key).Single(p => p.FileName == "plan.pdf");
        Assert.Equal((2, 2, Sha(v2)), (pair.DataCenterVersion, pair.CloudVersion, pair.Sha256));
        var conflict = result.Outcomes.Single(o => o.Action.Attachment?.FileName == "other.pdf");
        Assert.Equal(ActionOutcomeKind.Skipped, conflict.Outcome);
        Assert.Contains("different content", conflict.Message);
        Assert.Equal(1, world.State.ListAttachmentPairs(RunnerWorld.Key).Single(p => p.FileName == "other.pdf").DataCenterVersion);
    }

    [Fact]
    public async Task A_file_above_the_targets_size_limit_fails_alone_and_the_rest_of_the_run_crosses()
    {
        await using var world = await StartAsync();
        await world.BaselineAsync();
        await world.SyncAsync();
        var taken = new List<long>();
        var page = RunnerWorld.Leaf(world.Dc, taken);
        var edited = RunnerWorld.Leaf(world.Dc, taken);
        world.Cloud.MaxAttachmentBytes = 10_000;
        await UploadAsync(world.DcSite, page, "huge.iso", Bytes(25_000, 5));
        await UploadAsync(world.DcSite, page, "small.txt", Bytes(500, 6));
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(edited.Id)!, body: "<p>edited while a file is refused</p>");

        var result = await world.SyncAsync();

        var failed = Assert.Single(result.Outcomes, o => o.Outcome == ActionOutcomeKind.Failed);
        Assert.Equal("huge.iso", failed.Action.Attachment!.FileName);
        Assert.Contains("'huge.iso'", failed.Message);
        Assert.Contains("25,000 bytes", failed.Message);
        Assert.Contains("10000", failed.Message);
        Assert.Single(result.Errors);
        Assert.Contains(Files(world.CloudTwin(page)), f => f.FileName == "small.txt");
        Assert.DoesNotContain(Files(world.CloudTwin(page)), f => f.FileName == "huge.iso");
        Assert.Equal(1, Done(result, SyncActionKind.Update));
        StoredBody.AssertSameContent("<p>edited while a file is refused</p>", world.CloudTwin(edited).Current.Body); // Cloud stores it converted
        Assert.DoesNotContain(world.State.ListAttachmentPairs(RunnerWorld.Key), p => p.FileName == "huge.iso");

        // Once the limit allows it, the next complete listing copies it.
        world.Cloud.MaxAttachmentBytes = 0;
        var retried = await world.SyncAsync(fullListing: true);
        Assert.Empty(retried.Errors);
        Assert.Contains(Files(world.CloudTwin(page)), f => f.FileName == "huge.iso");
        AssertFilesEqual(world);
    }

    [Fact]
    public async Task A_52_MB_file_crosses_byte_identical_without_being_held_in_memory()
    {
        await using var world = await StartAsync(pages: 6);
        await world.BaselineAsync();
        await world.SyncAsync();
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        var length = 52L * 1024 * 1024 + 4321;
        var path = Path.Combine(Path.GetTempPath(), "spacesync-52mb-" + Guid.NewGuid().ToString("N"));
        try
        {
            string hash;
            await using (var file = File.Create(path))
            {
                var random = new Random(52);
                var chunk = new byte[1024 * 1024];
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                for (long left = length; left > 0; left -= chunk.Length)
                {
                    random.NextBytes(chunk);
                    var n = (int)Math.Min(chunk.Length, left);
                    file.Write(chunk, 0, n);
                    sha.AppendData(chunk, 0, n);
                }

                hash = Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
            }

            await using (var file = File.OpenRead(path))
                await world.DcSite.UploadAttachmentAsync(page.Id.ToString(), "dump.bin", "application/octet-stream", file, null, None);

            var before = GC.GetTotalAllocatedBytes(precise: true);
            var result = await world.SyncAsync();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            output.WriteLine($"run allocated {allocated:N0} bytes for a {length:N0}-byte file; {result.Requests} requests");

            Assert.Empty(result.Errors);
            var copy = Files(world.CloudTwin(page)).Single(f => f.FileName == "dump.bin");
            Assert.Equal(length, copy.Current.Size);
            Assert.Equal(hash, ShaOfFile(copy.Current.FilePath));
            var pair = world.State.ListAttachmentPairs(RunnerWorld.Key).Single(p => p.FileName == "dump.bin");
            Assert.Equal((length, hash), (pair.Size, pair.Sha256));
            Assert.True(allocated < length / 4, $"The run allocated {allocated:N0} bytes for a {length:N0}-byte file.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_quiet_change_query_run_costs_one_attachment_search_per_side()
    {
        await using var world = await StartAsync();
        await world.BaselineAsync();
        await world.SyncAsync();
        await world.SyncAsync();
        var with = await world.SyncAsync();
        world.Space = world.Space with { Content = world.Space.Content with { Attachments = false } };
        var without = await world.SyncAsync();

        output.WriteLine($"quiet change-query run: {without.Requests} requests without attachments, {with.Requests} with");
        Assert.Equal((ListingMode.Changes, ListingMode.Changes), (with.Listing, without.Listing));
        Assert.Equal(without.Requests + 2, with.Requests);
    }
}
