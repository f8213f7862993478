using Microsoft.Data.Sqlite;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Tests.Shared;

namespace SpaceSync.Benchmarks;

/// <summary>
/// A Data Center emulator seeded with N pages, a Cloud emulator holding the copy CCMA would leave (same titles, tree
/// and bodies, new ids), SpaceSync clients for both over loopback HTTP, and a state file in a temporary folder.
/// </summary>
public sealed class BenchmarkWorld : IAsyncDisposable
{
    public const string Key = "ENG";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder;

    private BenchmarkWorld(RunningEmulator dc, RunningEmulator cloud, IConfluenceSite dcSite, IConfluenceSite cloudSite, string folder)
    {
        DcEmulator = dc;
        CloudEmulator = cloud;
        DcSite = dcSite;
        CloudSite = cloudSite;
        _folder = folder;
        State = StateStore.Open(Path.Combine(folder, "spacesync.db"));
        Space = new ResolvedSpace
        {
            Key = Key,
            CloudKey = Key,
            Direction = SyncDirection.Both,
            Conflicts = ConflictPolicy.Manual,
            MaxDeletePercent = 10,
            // The scope file's defaults: labels and files cross, comments and blog posts do not.
            Content = new ResolvedContent(Labels: true, Attachments: true, Comments: false, Blogposts: false),
        };
    }

    public RunningEmulator DcEmulator { get; }
    public RunningEmulator CloudEmulator { get; }
    public EmulatorState Dc => DcEmulator.State;
    public EmulatorState Cloud => CloudEmulator.State;
    public IConfluenceSite DcSite { get; }
    public IConfluenceSite CloudSite { get; }
    public StateStore State { get; }
    public ResolvedSpace Space { get; }
    public string StatePath => State.Path;

    public static async Task<BenchmarkWorld> StartAsync(int pageCount)
    {
        var dc = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.DataCenter, ContextPath = "/confluence" });
        var cloud = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.Cloud });
        Seeder.Seed(dc.State, Key, pageCount, seed: 1);
        var dcSite = EmulatedPair.DataCenterClient(dc.BaseUrl, new SiteClientOptions());
        var cloudSite = EmulatedPair.CloudClient(cloud.BaseUrl, new SiteClientOptions());
        var folder = Path.Combine(Path.GetTempPath(), "spacesync-benchmark-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var world = new BenchmarkWorld(dc, cloud, dcSite, cloudSite, folder);
        try
        {
            await world.MigrateLikeCcmaAsync();
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
        return world;
    }

    /// <summary>
    /// Copies the Data Center space to Cloud through the Cloud API, parents first, as CCMA would leave it: the space
    /// (its home page made by the site, then given the Data Center home page's content), then every current page.
    /// </summary>
    private async Task MigrateLikeCcmaAsync()
    {
        // The migration happened days before SpaceSync starts: pages copied a minute ago would all fall inside the
        // change queries' overlap window and make the first incremental runs read them again.
        var clock = Cloud.Clock;
        Cloud.Clock = new ShiftedClock(TimeSpan.FromDays(-3));
        try
        {
            await CopyLikeCcmaAsync();
        }
        finally
        {
            Cloud.Clock = clock;
        }
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    private Task CopyLikeCcmaAsync() => EmulatedPair.CopyLikeCcmaAsync(Dc, Cloud, DcSite, CloudSite, Key);

    public Task<BaselineResult> BaselineAsync() =>
        BaselineRunner.RunAsync(DcSite, CloudSite, State, Space, authority: null, force: false, whatIf: false, EngineLog.None, None);

    public Task<SyncRunResult> SyncAsync() => SyncAsync(fullListing: false);

    /// <summary>
    /// A sync run; <paramref name="fullListing"/> is Invoke-SpaceSync -Full (every page listed, not only what changed). It
    /// stands for a scheduled run, which finds the edits made before it in the sites' search indexes (no index lag left).
    /// </summary>
    public Task<SyncRunResult> SyncAsync(bool fullListing)
    {
        Dc.IndexEverythingQueued();
        Cloud.IndexEverythingQueued();
        return SyncRunner.RunAsync(DcSite, CloudSite, State, Space, new SyncRunOptions { FullListing = fullListing }, EngineLog.None, None);
    }

    /// <summary>Five edits on Data Center and five on Cloud, each on a different leaf page.</summary>
    public void EditTenPages()
    {
        var taken = new HashSet<long>();
        for (var i = 0; i < 5; i++)
        {
            var page = Leaf(Dc, taken);
            Edit(Dc, page, $"<p>Data Center change {i}.</p>");
        }
        for (var i = 0; i < 5; i++)
        {
            var dcPage = Leaf(Dc, taken);
            var pair = State.FindPair(Key, SiteKind.DataCenter, dcPage.Id.ToString())
                ?? throw new InvalidOperationException($"Data Center page {dcPage.Id} has no pair after the baseline.");
            var cloudPage = Cloud.FindPage(long.Parse(pair.CloudPageId))!;
            Edit(Cloud, cloudPage, $"<p>Cloud change {i}.</p>");
        }
    }

    private static Page Leaf(EmulatorState state, ISet<long> taken)
    {
        var current = state.GetPages(Key).Where(p => !p.IsBlogPost && p.Status == "current").ToList();
        var parents = current.Where(p => p.ParentId != null).Select(p => p.ParentId!.Value).ToHashSet();
        // Not a restricted page (nor below a view-restricted one): restrictedPages: skip leaves those alone.
        var leaf = current.First(p => p.ParentId != null && !taken.Contains(p.Id) && !parents.Contains(p.Id) && !Restricted(state, p));
        taken.Add(leaf.Id);
        return leaf;
    }

    private static bool Restricted(EmulatorState state, Page page)
    {
        if (page.Restrictions.Count > 0) return true;
        for (var up = page.ParentId is long id ? state.FindPage(id) : null; up != null; up = up.ParentId is long next ? state.FindPage(next) : null)
            if (up.Restrictions.ContainsKey("read")) return true;
        return false;
    }

    private static void Edit(EmulatorState state, Page page, string body) =>
        state.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, body));

    public void ResetEmulatorCounters()
    {
        Dc.Stats.Reset();
        Cloud.Stats.Reset();
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
        catch (IOException) { /* a leftover temp folder does not spoil the figures */ }
    }
}
