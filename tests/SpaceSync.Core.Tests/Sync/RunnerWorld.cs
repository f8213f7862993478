using Microsoft.Data.Sqlite;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.State;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Tests.Shared;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Two emulators over real HTTP (Cloud, and Data Center under /confluence), a seeded Data Center space copied to
/// Cloud the way CCMA leaves it (same titles, tree and bodies, new ids), and a real SQLite state file (or, given
/// <c>openState</c>, another real store: PostgreSQL).
/// </summary>
public sealed class RunnerWorld : IAsyncDisposable
{
    public const string Key = "ENG";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder;

    private RunnerWorld(RunningEmulator dc, RunningEmulator cloud, IConfluenceSite dcClient, IConfluenceSite cloudClient, string folder, TimeProvider? clock,
        Func<TimeProvider?, StateStore>? openState)
    {
        DcEmulator = dc;
        CloudEmulator = cloud;
        DcSite = dcClient;
        CloudSite = cloudClient;
        _folder = folder;
        State = openState?.Invoke(clock) ?? StateStore.Open(Path.Combine(folder, "spacesync.db"), clock);
        Space = new ResolvedSpace
        {
            Key = Key,
            CloudKey = Key,
            Direction = SyncDirection.Both,
            Conflicts = ConflictPolicy.Manual,
            MaxDeletePercent = 10,
            Content = new ResolvedContent(false, false, false, false),
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

    /// <param name="stateClock">The state store's clock (lock expiry tests); the system clock when null.</param>
    /// <param name="migratedAgo">
    /// How long ago the copy to Cloud was made (null: now). Request-count tests of change queries set days: a copy made a
    /// moment ago would sit inside every change-query window, as no real migration does.
    /// </param>
    /// <param name="openState">Opens the state store (null: an SQLite file in the world's temp folder).</param>
    public static async Task<RunnerWorld> StartAsync(int pageCount = 40, TimeProvider? stateClock = null, TimeSpan? migratedAgo = null,
        Func<TimeProvider?, StateStore>? openState = null)
    {
        var dc = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.DataCenter, ContextPath = "/confluence" });
        var cloud = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.Cloud });
        Seeder.Seed(dc.State, Key, pageCount, seed: 1);
        // The seeder restricts a few pages, which restrictedPages: skip leaves alone; the restriction tests make their own.
        foreach (var page in dc.State.GetPages(Key)) dc.State.ClearRestrictions(page.Id);
        var dcClient = EmulatedPair.DataCenterClient(dc.BaseUrl, new SiteClientOptions { MaxAttempts = 2 });
        var cloudClient = EmulatedPair.CloudClient(cloud.BaseUrl, new SiteClientOptions { MaxAttempts = 2 });
        var folder = Path.Combine(Path.GetTempPath(), "spacesync-runner-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var world = new RunnerWorld(dc, cloud, dcClient, cloudClient, folder, stateClock, openState);
        if (migratedAgo is { } ago) cloud.State.Clock = new ShiftedClock(-ago);
        await world.MigrateLikeCcmaAsync();
        cloud.State.Clock = TimeProvider.System;
        return world;
    }

    /// <summary>
    /// Cloud's client for a run whose lease runs out while it works: when the run creates the page titled
    /// <paramref name="title"/>, three hours pass on <paramref name="clock"/> and another run ("other-run") takes the space.
    /// </summary>
    internal InterceptingSite CloudLosingTheLockAt(string title, ManualClock clock) => new InterceptingSite(CloudSite)
    {
        LoseCreateAnswer = created =>
        {
            if (created == title)
            {
                clock.Advance(TimeSpan.FromHours(3));
                Assert.True(State.TryAcquireLock(Key, "other-run", TimeSpan.FromHours(1)).Acquired);
            }

            return false;
        },
    };

    /// <summary>The Data Center space copied to Cloud as Atlassian's migration assistant leaves it.</summary>
    private Task MigrateLikeCcmaAsync() => EmulatedPair.CopyLikeCcmaAsync(Dc, Cloud, DcSite, CloudSite, Key);

    public Task<BaselineResult> BaselineAsync(SyncSide? authority = null, bool force = false, bool whatIf = false)
    {
        SearchCaughtUp();
        return BaselineRunner.RunAsync(DcSite, CloudSite, State, Space, authority, force, whatIf, EngineLog.None, None);
    }

    /// <param name="searchCaughtUp">False: the run meets the sites' search as it stands (tests of index lag).</param>
    public Task<SyncRunResult> SyncAsync(bool force = false, bool whatIf = false, IConfluenceSite? dcSite = null, IConfluenceSite? cloudSite = null,
        CancellationToken cancellationToken = default, bool fullListing = false, bool searchCaughtUp = true, EngineLog? log = null)
    {
        if (searchCaughtUp) SearchCaughtUp();
        return SyncRunner.RunAsync(dcSite ?? DcSite, cloudSite ?? CloudSite, State, Space,
            new SyncRunOptions { Force = force, WhatIf = whatIf, FullListing = fullListing }, log ?? EngineLog.None, cancellationToken);
    }

    /// <summary>Both emulators' request counters back to zero, so that what follows is counted alone, per route.</summary>
    public void ResetRequestCounts()
    {
        Dc.Stats.Reset();
        Cloud.Stats.Reset();
    }

    /// <summary>A run's listing and requests, then each emulator's requests per route: what a request-count test failed on.</summary>
    public void ShowRequests(Xunit.Abstractions.ITestOutputHelper output, string what, SyncRunResult run)
    {
        output.WriteLine($"{what}: {run.Listing}, {run.Requests} requests");
        foreach (var r in Dc.Stats.ByRoute) output.WriteLine($"  DC {r.Key}: {r.Value}");
        foreach (var r in Cloud.Stats.ByRoute) output.WriteLine($"  Cloud {r.Key}: {r.Value}");
    }

    /// <summary>
    /// Both sites' search indexes take in every write made so far, as the emulators' index lag would a few seconds on:
    /// the runs of these tests stand for scheduled runs, which find the edits made before them searchable. Writes made
    /// during a run stay lagged. Tests of the lag itself (IndexLagRunnerTests) start runs without it.
    /// </summary>
    public void SearchCaughtUp()
    {
        Dc.IndexEverythingQueued();
        Cloud.IndexEverythingQueued();
    }

    public static List<Page> CurrentPages(EmulatorState state) =>
        state.GetPages(Key).Where(p => !p.IsBlogPost && p.Status == "current").ToList();

    /// <summary>A current page with no current children, below the home page, not already in <paramref name="taken"/>.</summary>
    public static Page Leaf(EmulatorState state, ICollection<long> taken)
    {
        var current = CurrentPages(state);
        var leaf = current.First(p => p.ParentId != null && !taken.Contains(p.Id) && current.All(c => c.ParentId != p.Id));
        taken.Add(leaf.Id);
        return leaf;
    }

    public PairRecord PairOfDc(long dcId) => State.FindPair(Key, SiteKind.DataCenter, dcId.ToString()) ?? throw new InvalidOperationException($"DC page {dcId} is not paired.");

    public Page CloudTwin(Page dcPage) => Cloud.FindPage(long.Parse(PairOfDc(dcPage.Id).CloudPageId))!;

    public static Page Edit(EmulatorState state, Page page, string? title = null, string? body = null) =>
        state.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, title, body));

    public static Page Move(EmulatorState state, Page page, long newParentId) =>
        state.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, null, Move: true, NewParentId: newParentId));

    /// <summary>
    /// Both sides equal: every current page on each side is paired exactly once, and each active pair's pages have
    /// the same title, normalized body, and mapped parent.
    /// </summary>
    public void AssertSidesEqual()
    {
        var pairs = State.ListPairs(Key);
        var active = pairs.Where(p => p.Status == Core.State.PairStatus.Active).ToList();
        var dcCurrent = CurrentPages(Dc);
        var cloudCurrent = CurrentPages(Cloud);
        Assert.Equal(dcCurrent.Count, cloudCurrent.Count);
        Assert.Equal(dcCurrent.Select(p => p.Id.ToString()).OrderBy(x => x), active.Select(p => p.DataCenterPageId).OrderBy(x => x));
        Assert.Equal(cloudCurrent.Select(p => p.Id.ToString()).OrderBy(x => x), active.Select(p => p.CloudPageId).OrderBy(x => x));
        Assert.Equal(cloudCurrent.Count, cloudCurrent.Select(p => p.Title.ToUpperInvariant()).Distinct().Count());
        var cloudOfDc = pairs.ToDictionary(p => p.DataCenterPageId, p => p.CloudPageId);
        foreach (var pair in active)
        {
            var dc = Dc.FindPage(long.Parse(pair.DataCenterPageId))!;
            var cloud = Cloud.FindPage(long.Parse(pair.CloudPageId))!;
            Assert.Equal(dc.Title, cloud.Title);
            Assert.Equal(ContentNormalizer.Normalize(InDataCenterDialect(dc.Current.Body, SyncSide.DataCenter)),
                ContentNormalizer.Normalize(InDataCenterDialect(cloud.Current.Body, SyncSide.Cloud)));
            var expectedParent = dc.ParentId is long parent ? cloudOfDc[parent.ToString()] : null;
            Assert.Equal(expectedParent, PageAbove(Cloud, cloud)?.ToString());
        }
    }

    /// <summary>The nearest page above a Cloud page: its parent, or the page above the folders it sits in (the tree both sites share).</summary>
    public static long? PageAbove(EmulatorState state, Page page)
    {
        var parent = page.ParentId;
        while (parent is long id && state.FindPage(id) is { IsContainer: true } container) parent = container.ParentId;
        return parent;
    }

    /// <summary>
    /// A body in the form a run compares (see SnapshotReader.CanonicalHashAsync): in the Data Center dialect after a crossing
    /// to Cloud and back (a Cloud body is translated to Data Center first), through the state's pairs.
    /// </summary>
    public string InDataCenterDialect(string body, SyncSide side)
    {
        var pages = new Core.Content.Translation.PageMap(State.ListPairs(Key).Select(p => new Core.Content.Translation.PagePair(
            new Core.Content.Translation.PageLocation(p.DataCenterPageId, Key), new Core.Content.Translation.PageLocation(p.CloudPageId, Space.CloudKey))));
        var translator = new Core.Content.Translation.StorageTranslator(
            new Core.Content.Translation.TranslationContext(EmulatedPair.UserMapOf(Dc, Cloud), pages)
            {
                DataCenterBaseUrl = DcSite.BaseUrl,
                CloudBaseUrl = CloudSite.BaseUrl,
            });
        if (side == SyncSide.Cloud) body = translator.Translate(body, Core.Content.Translation.TranslationDirection.CloudToDataCenter).Body;
        body = translator.Translate(body, Core.Content.Translation.TranslationDirection.DataCenterToCloud).Body;
        return translator.Translate(body, Core.Content.Translation.TranslationDirection.CloudToDataCenter).Body;
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

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
