using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Tests.Shared;
using Xunit;

namespace SpaceSync.Core.Tests.Scenarios;

/// <summary>
/// Issue 4's done-when world: a seeded Data Center space with everything a space holds (pages, labels, attachments,
/// footer comments with replies, mentions of twenty people, links by page id, restricted pages) copied to Cloud the
/// way the migration assistant leaves it, both emulators over real HTTP, a real SQLite state file, and a sync of
/// everything (labels, attachments, comments on; restricted pages skipped).
/// </summary>
public sealed class WholeSpaceWorld : IAsyncDisposable
{
    public const string Key = "OPS";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder;

    private WholeSpaceWorld(RunningEmulator dc, RunningEmulator cloud, string folder)
    {
        DcEmulator = dc;
        CloudEmulator = cloud;
        _folder = folder;
        DcSite = EmulatedPair.DataCenterClient(dc.BaseUrl, new SiteClientOptions { MaxAttempts = 2 });
        CloudSite = EmulatedPair.CloudClient(cloud.BaseUrl, new SiteClientOptions { MaxAttempts = 2 });
        State = StateStore.Open(Path.Combine(folder, "spacesync.db"));
        Space = new ResolvedSpace
        {
            Key = Key,
            CloudKey = Key,
            Direction = SyncDirection.Both,
            Conflicts = ConflictPolicy.Manual,
            MaxDeletePercent = 10,
            Content = new ResolvedContent(Labels: true, Attachments: true, Comments: true, Blogposts: false),
            RestrictedPages = RestrictedPagesMode.Skip,
        };
    }

    public RunningEmulator DcEmulator { get; }
    public RunningEmulator CloudEmulator { get; }
    public EmulatorState Dc => DcEmulator.State;
    public EmulatorState Cloud => CloudEmulator.State;
    public IConfluenceSite DcSite { get; }
    public IConfluenceSite CloudSite { get; }
    public StateStore State { get; }
    public ResolvedSpace Space { get; set; }
    public string BlobFolder => Path.Combine(_folder, "blobs");

    /// <summary>Seeds <paramref name="pageCount"/> pages mentioning twenty people, migrates them, and takes the baseline.</summary>
    public static async Task<WholeSpaceWorld> StartAsync(int pageCount = 300, RestrictedPagesMode restricted = RestrictedPagesMode.Skip)
    {
        var dc = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.DataCenter, ContextPath = "/confluence" });
        var cloud = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.Cloud });
        Seeder.Seed(dc.State, Key, pageCount, seed: 4, extraPeople: 16);
        var folder = Path.Combine(Path.GetTempPath(), "spacesync-whole-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var world = new WholeSpaceWorld(dc, cloud, folder);
        world.Space = world.Space with { RestrictedPages = restricted };
        CcmaMigration.Copy(dc.State, cloud.State, Key, world.BlobFolder);
        // The migration is long done when a baseline is taken: both search indexes hold it (the baseline pairs comments by search).
        dc.State.IndexEverythingQueued();
        cloud.State.IndexEverythingQueued();
        var baseline = await BaselineRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space, null, false, false, EngineLog.None, None);
        Assert.Equal(0, baseline.Unpaired);
        Assert.Empty(baseline.Errors);
        return world;
    }

    /// <summary>A run that finds the edits made before it searchable, as a scheduled run does (see RunnerWorld.SearchCaughtUp).</summary>
    public Task<SyncRunResult> SyncAsync(bool fullListing = false)
    {
        Dc.IndexEverythingQueued();
        Cloud.IndexEverythingQueued();
        return SyncRunner.RunAsync(DcSite, CloudSite, State, Space, new SyncRunOptions { FullListing = fullListing }, EngineLog.None, None);
    }

    // ---- the sites' contents, for edits and checks

    public static List<Page> CurrentPages(EmulatorState state) =>
        state.GetPages(Key).Where(p => !p.IsBlogPost && p.Status == "current").ToList();

    public static bool IsRestricted(Page page) =>
        page.Restrictions.Values.Any(r => r.Users.Count > 0 || r.Groups.Count > 0);

    /// <summary>Restricted itself, or below a page with a read restriction (which hides its descendants).</summary>
    public static bool IsRestrictedOrHidden(EmulatorState state, Page page)
    {
        for (var p = page; p != null; p = p.ParentId is long parent ? state.FindPage(parent) : null)
        {
            if (p == page ? IsRestricted(p) : p.Restrictions.TryGetValue("read", out var read) && (read.Users.Count > 0 || read.Groups.Count > 0))
                return true;
        }

        return false;
    }

    public PairRecord PairOfDc(long dcId) =>
        State.FindPair(Key, SiteKind.DataCenter, dcId.ToString()) ?? throw new InvalidOperationException($"DC page {dcId} is not paired.");

    public Page CloudTwin(Page dcPage) => Cloud.FindPage(long.Parse(PairOfDc(dcPage.Id).CloudPageId))!;

    public Page DcTwin(Page cloudPage) =>
        Dc.FindPage(long.Parse((State.FindPair(Key, SiteKind.Cloud, cloudPage.Id.ToString()) ??
                                throw new InvalidOperationException($"Cloud page {cloudPage.Id} is not paired.")).DataCenterPageId))!;

    public static long WritesOn(EmulatorState state) =>
        state.Stats.ByRoute.Where(r => !r.Key.StartsWith("GET ", StringComparison.Ordinal)).Sum(r => r.Value);

    public string NewBlob(byte[] bytes)
    {
        Directory.CreateDirectory(BlobFolder);
        var path = Path.Combine(BlobFolder, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A file of <paramref name="size"/> bytes written in chunks (never held whole), with its SHA-256.</summary>
    public string NewLargeBlob(long size, int seed)
    {
        Directory.CreateDirectory(BlobFolder);
        var path = Path.Combine(BlobFolder, Guid.NewGuid().ToString("N"));
        var random = new Random(seed);
        var chunk = new byte[1 << 20];
        using var file = File.Create(path);
        for (long written = 0; written < size; written += chunk.Length)
        {
            random.NextBytes(chunk);
            file.Write(chunk, 0, (int)Math.Min(chunk.Length, size - written));
        }

        return path;
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    // ---- a dialect-neutral view of a body: what must be equal on both sites

    private static readonly Regex UserRef = new("ri:(userkey|username|account-id)=\"([^\"]+)\"", RegexOptions.CultureInvariant);
    private static readonly Regex IdLink = new(@"(?:href|ri:value)=""[^""]*?(?:pageId=|/pages/)(\d+)[^""]*""", RegexOptions.CultureInvariant);
    // Data Center shows an emoji as the emoticon it names: the extra Cloud attributes are not a difference.
    private static readonly Regex EmojiAttribute = new(@"\s+ac:emoji-[a-z-]+=""[^""]*""", RegexOptions.CultureInvariant);
    private static readonly Regex ContentId = new(@"ri:content-id=""(\d+)""", RegexOptions.CultureInvariant);
    // What Cloud's editor adds to every body it stores and Data Center does not have (local ids the normalizer drops).
    private static readonly Regex CloudEditorMarkup = new(@"\s+data-(?:layout|table-width)=""[^""]*""|<ac:task-uuid>[^<]*</ac:task-uuid>", RegexOptions.CultureInvariant);

    /// <summary>
    /// The body with every person named by e-mail and every page-id link by its pair key, normalized: equal on both
    /// sites exactly when the body crossed faithfully, whatever each dialect spells. Cloud-only markup is compared as
    /// Data Center shows it only where a test made some (the seeded space has none).
    /// </summary>
    public string Neutral(EmulatorState state, string body)
    {
        var isCloud = state == Cloud;
        string Person(Match m)
        {
            var user = m.Groups[1].Value switch
            {
                "userkey" => state.FindUserByKey(m.Groups[2].Value),
                "username" => state.FindUserByUsername(m.Groups[2].Value),
                _ => state.FindUserByAccountId(m.Groups[2].Value),
            };
            return $"ri:userkey=\"{user?.Email ?? "unknown:" + m.Groups[2].Value}\"";
        }

        string PairKey(string pageId)
        {
            var pair = State.FindPair(Key, isCloud ? SiteKind.Cloud : SiteKind.DataCenter, pageId);
            return pair is null ? "unpaired:" + pageId : "pair:" + pair.DataCenterPageId;
        }

        body = EmojiAttribute.Replace(body, "");
        body = CloudEditorMarkup.Replace(body, "");
        body = UserRef.Replace(body, Person);
        body = IdLink.Replace(body, m => $"href=\"{PairKey(m.Groups[1].Value)}\"");
        body = ContentId.Replace(body, m => $"ri:content-id=\"{PairKey(m.Groups[1].Value)}\"");
        return ContentNormalizer.Normalize(body);
    }

    /// <summary>
    /// Both sites hold the same space: every current page that is not restricted (nor below a read-restricted page) is
    /// paired once, and each pair has the same title, mapped parent, body (dialect-neutral), labels, attachments (names
    /// and bytes) and footer comments (each one's text on the other side, replies under their twins' parents).
    /// </summary>
    public void AssertConverged()
    {
        var pairs = State.ListPairs(Key).Where(p => p.Status == Core.State.PairStatus.Active).ToList();
        var dcOpen = CurrentPages(Dc).Where(p => !IsRestrictedOrHidden(Dc, p)).Select(p => p.Id.ToString()).ToHashSet();
        var cloudOpen = CurrentPages(Cloud).Where(p => !IsRestrictedOrHidden(Cloud, p)).Select(p => p.Id.ToString()).ToHashSet();
        Assert.Equal(dcOpen.Order(), pairs.Where(p => dcOpen.Contains(p.DataCenterPageId)).Select(p => p.DataCenterPageId).Order());
        Assert.Equal(cloudOpen.Order(), pairs.Where(p => cloudOpen.Contains(p.CloudPageId)).Select(p => p.CloudPageId).Order());
        var cloudOfDc = State.ListPairs(Key).ToDictionary(p => p.DataCenterPageId, p => p.CloudPageId);
        var problems = new List<string>();
        foreach (var pair in pairs.Where(p => dcOpen.Contains(p.DataCenterPageId)))
        {
            var dc = Dc.FindPage(long.Parse(pair.DataCenterPageId))!;
            var cloud = Cloud.FindPage(long.Parse(pair.CloudPageId))!;
            var where = $"pair {pair.DataCenterPageId}/{pair.CloudPageId} \"{dc.Title}\"";
            if (dc.Title != cloud.Title) problems.Add($"{where}: titles differ (\"{cloud.Title}\" on Cloud)");
            var parent = dc.ParentId is long p ? cloudOfDc.GetValueOrDefault(p.ToString()) : null;
            if (parent != cloud.ParentId?.ToString()) problems.Add($"{where}: parents differ");
            var (dcBody, cloudBody) = (Neutral(Dc, dc.Current.Body), Neutral(Cloud, cloud.Current.Body));
            if (dcBody != cloudBody) problems.Add($"{where}: bodies differ: {FirstDifference(dcBody, cloudBody)}");
            var dcLabels = string.Join(",", dc.Labels.Select(l => l.Name).Order());
            var cloudLabels = string.Join(",", cloud.Labels.Select(l => l.Name).Order());
            if (dcLabels != cloudLabels) problems.Add($"{where}: labels [{dcLabels}] vs [{cloudLabels}]");
            string Files(Page page) => string.Join(",", page.Attachments.Where(a => a.Status == "current")
                .Select(a => a.FileName.ToLowerInvariant() + ":" + Sha256Of(a.Current.FilePath)).Order());
            if (Files(dc) != Files(cloud)) problems.Add($"{where}: attachments differ");
            problems.AddRange(CommentProblems(where, dc, cloud));
        }

        Assert.True(problems.Count == 0, $"{problems.Count} difference(s):\n" + string.Join("\n", problems.Take(25)));
    }

    private static string FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        string Around(string s) => s.Substring(Math.Max(0, i - 40), Math.Min(s.Length - Math.Max(0, i - 40), 120));
        return $"Data Center …{Around(a)}… / Cloud …{Around(b)}…";
    }

    private IEnumerable<string> CommentProblems(string where, Page dc, Page cloud)
    {
        if (dc.Comments.Count != cloud.Comments.Count)
        {
            yield return $"{where}: {dc.Comments.Count} comment(s) on Data Center, {cloud.Comments.Count} on Cloud";
            yield break;
        }

        if (dc.Comments.Count(c => c.ParentCommentId != null) != cloud.Comments.Count(c => c.ParentCommentId != null))
            yield return $"{where}: replies differ";
        // The copy carries a line naming who wrote the original, so one text contains the other.
        var cloudTexts = cloud.Comments.Select(c => Neutral(Cloud, c.Current.Body)).ToList();
        foreach (var comment in dc.Comments)
        {
            var text = Neutral(Dc, comment.Current.Body);
            if (!cloudTexts.Any(t => t.Contains(text, StringComparison.Ordinal) || text.Contains(t, StringComparison.Ordinal)))
                yield return $"{where}: Data Center comment {comment.Id} has no twin on Cloud";
        }
    }

    public async ValueTask DisposeAsync()
    {
        State.Dispose();
        DcSite.Dispose();
        CloudSite.Dispose();
        await DcEmulator.DisposeAsync();
        await CloudEmulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is not a test failure */ }
    }
}
