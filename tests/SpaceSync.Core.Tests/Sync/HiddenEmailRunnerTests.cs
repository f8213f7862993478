using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using SpaceSync.Tests.Shared;
using SpaceSync.Core.Tests.Content;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 12 item 4 through whole runs over both emulators: people whose e-mail one site will not give pair only through
/// users.map, and the rest stay unpaired — never mentioned, granted or credited as somebody else.
/// <list type="bullet">
/// <item>Cloud: Bob's and Dana's profiles hide their e-mail and the e-mail API refuses the API-token caller (the emulator's
/// default); Alice and Chen pair by e-mail, Bob through users.map, Dana with nobody.</item>
/// <item>Data Center: the sync account is no Confluence administrator, so Data Center shows it nobody's e-mail; Bob pairs
/// through users.map, Alice, Chen and Dana with nobody.</item>
/// </list>
/// </summary>
public sealed class HiddenEmailRunnerTests(ITestOutputHelper output)
{
    public enum HiddenOn { Cloud, DataCenter }

    private static readonly CancellationToken None = CancellationToken.None;

    private sealed record Person(User Dc, User Cloud)
    {
        public string DcMention => $"<ac:link><ri:user ri:userkey=\"{Dc.UserKey}\" /></ac:link>";
        public string CloudMention => $"<ac:link><ri:user ri:account-id=\"{Cloud.AccountId}\" /></ac:link>";
    }

    /// <summary>The world, the Data Center client the runs use (the admin's or the non-administrator bot's), users.map and the people.</summary>
    private sealed class World : IAsyncDisposable
    {
        public required RunnerWorld Runner { get; init; }
        public required IConfluenceSite DcSite { get; init; }
        public required TranslationSettings Translation { get; init; }
        public required HiddenOn Hidden { get; init; }
        public required Person Alice { get; init; }
        public required Person Bob { get; init; }
        public required Person Dana { get; init; }
        /// <summary>The Data Center account the runs sign in as (restrictions must name it to stay visible to it).</summary>
        public required User DcAccount { get; init; }

        public EmulatorState Dc => Runner.Dc;
        public EmulatorState Cloud => Runner.Cloud;

        /// <summary>A run as a scheduled one finds the sites: every write made before it searchable (RunnerWorld.SearchCaughtUp).</summary>
        public Task<SyncRunResult> SyncAsync(bool full = false)
        {
            Runner.SearchCaughtUp();
            return SyncRunner.RunAsync(DcSite, Runner.CloudSite, Runner.State, Runner.Space,
                new SyncRunOptions { Translation = Translation, FullListing = full }, EngineLog.None, None);
        }

        public async ValueTask DisposeAsync()
        {
            if (!ReferenceEquals(DcSite, Runner.DcSite)) DcSite.Dispose();
            await Runner.DisposeAsync();
            Directory.Delete(Path.GetDirectoryName(Translation.UserMapPath!)!, recursive: true);
        }
    }

    private static async Task<World> StartAsync(HiddenOn hidden, ResolvedContent? content = null, RestrictedPagesMode mode = RestrictedPagesMode.Skip)
    {
        var runner = await RunnerWorld.StartAsync(pageCount: 12);
        Person Find(string email) => new(runner.Dc.FindUserByEmail(email)!, runner.Cloud.FindUserByEmail(email)!);
        var (alice, bob, dana) = (Find("alice@example.com"), Find("bob@example.com"), Find("dana@example.com"));
        var dcSite = runner.DcSite;
        var dcAccount = runner.Dc.Admin;
        if (hidden == HiddenOn.Cloud)
        {
            runner.Cloud.HideEmail(bob.Cloud);
            runner.Cloud.HideEmail(dana.Cloud);
        }
        else
        {
            dcAccount = runner.Dc.AddUser("Sync Bot", "sync-bot@example.com", "sync-bot", personalAccessToken: "bot-pat");
            dcSite = EmulatedPair.DataCenterClient(runner.DcEmulator.BaseUrl, new SiteClientOptions { MaxAttempts = 2 }, "bot-pat");
        }

        var folder = Directory.CreateTempSubdirectory("spacesync-hidden-email-").FullName;
        var map = Path.Combine(folder, "users.csv");
        File.WriteAllText(map, $"dataCenterUserKey,cloudAccountId,name\n{bob.Dc.UserKey},{bob.Cloud.AccountId},Bob Brandt\n");
        runner.Space = runner.Space with
        {
            RestrictedPages = mode,
            Content = content ?? runner.Space.Content,
        };
        var world = new World
        {
            Runner = runner,
            DcSite = dcSite,
            Translation = new TranslationSettings { SpaceKeys = new Dictionary<string, string> { [RunnerWorld.Key] = RunnerWorld.Key }, UserMapPath = map },
            Hidden = hidden,
            Alice = alice,
            Bob = bob,
            Dana = dana,
            DcAccount = dcAccount,
        };
        runner.SearchCaughtUp();
        var baseline = await BaselineRunner.RunAsync(dcSite, runner.CloudSite, runner.State, runner.Space, authority: null, idMap: null,
            force: false, whatIf: false, EngineLog.None, None, world.Translation);
        Assert.Empty(baseline.Errors);
        var first = await world.SyncAsync(); // structural: the marks, so the next runs read changes
        Assert.Empty(first.Errors);
        return world;
    }

    private void Show(SyncRunResult run)
    {
        foreach (var o in run.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        foreach (var i in run.Plan.Items.Where(i => i.Warnings.Count > 0)) output.WriteLine($"{i.Status} {i.Title}: {string.Join(" | ", i.Warnings)}");
        foreach (var e in run.Errors) output.WriteLine("error: " + e);
    }

    private static Page NewPage(EmulatorState state, string title, string body, User? author = null)
    {
        var space = state.FindSpaceByKey(RunnerWorld.Key)!;
        return state.CreatePage(space.Id, title, body, space.HomepageId, author);
    }

    private static Page? Titled(EmulatorState state, string title) => RunnerWorld.CurrentPages(state).SingleOrDefault(p => p.Title == title);

    /// <summary>Every id a body mentions (user keys on Data Center, account ids on Cloud).</summary>
    private static List<string> Mentioned(string body) =>
        System.Text.RegularExpressions.Regex.Matches(body, "ri:(?:userkey|account-id|username)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();

    [Theory]
    [InlineData(HiddenOn.Cloud)]
    [InlineData(HiddenOn.DataCenter)]
    public async Task Mentions_cross_for_people_paired_by_users_map_or_email_and_become_names_for_the_rest_both_ways(HiddenOn hidden)
    {
        await using var world = await StartAsync(hidden);
        var alicePairs = hidden == HiddenOn.Cloud; // by e-mail, which only Cloud-side hiding leaves her
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, page, body: $"<p>Ask {world.Bob.DcMention}, {world.Alice.DcMention} or {world.Dana.DcMention}.</p>");
        NewPage(world.Cloud, "Written on Cloud", $"<p>Owners: {world.Bob.CloudMention} and {world.Dana.CloudMention}.</p>");

        var run = await world.SyncAsync();
        Show(run);

        Assert.Empty(run.Errors);
        var cloudBody = world.Runner.CloudTwin(page).Current.Body;
        var expectedOnCloud = alicePairs ? new[] { world.Bob.Cloud.AccountId, world.Alice.Cloud.AccountId } : new[] { world.Bob.Cloud.AccountId };
        Assert.Equal(expectedOnCloud, Mentioned(cloudBody));
        Assert.Contains("Dana Díaz", cloudBody);
        Assert.Equal(!alicePairs, cloudBody.Contains("Alice Anders", StringComparison.Ordinal));
        var update = Assert.Single(run.Outcomes, o => o.Action.Kind == SyncActionKind.Update && o.Action.Target == SyncSide.Cloud);
        Assert.Contains(TranslationWarningCodes.UserNotMapped, update.Message);
        Assert.Contains(world.Dana.Dc.UserKey, update.Message);

        var dcBody = Titled(world.Dc, "Written on Cloud")!.Current.Body;
        Assert.Equal(new[] { world.Bob.Dc.UserKey }, Mentioned(dcBody));
        Assert.Contains("Dana Díaz", dcBody);

        // Each side keeps what it had; compared in one dialect they are the same page, so nothing is written again.
        var again = await world.SyncAsync(full: true);
        Show(again);
        Assert.Empty(again.Errors);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
    }

    [Theory]
    [InlineData(HiddenOn.Cloud)]
    [InlineData(HiddenOn.DataCenter)]
    public async Task Mirror_restrictions_name_the_users_map_counterpart_and_a_restriction_naming_an_unpaired_person_keeps_the_page_off_cloud(HiddenOn hidden)
    {
        await using var world = await StartAsync(hidden, mode: RestrictedPagesMode.Mirror);
        var forBob = NewPage(world.Dc, "Bob's review", $"<p>For {world.Bob.DcMention}.</p>");
        world.Dc.SetRestriction(forBob.Id, "read", new[] { world.Bob.Dc, world.DcAccount }, Array.Empty<string>());
        world.Dc.SetRestriction(forBob.Id, "update", new[] { world.Bob.Dc, world.DcAccount }, Array.Empty<string>());
        var forDana = NewPage(world.Dc, "Dana's review", "<p>For Dana.</p>");
        world.Dc.SetRestriction(forDana.Id, "read", new[] { world.Dana.Dc, world.DcAccount }, Array.Empty<string>());

        world.Dc.Stats.Reset();
        world.Cloud.Stats.Reset();

        var run = await world.SyncAsync();
        Show(run);

        Assert.Empty(run.Errors);
        var cloudPage = Titled(world.Cloud, "Bob's review")!;
        StoredBody.AssertSameContent($"<p>For {world.Bob.CloudMention}.</p>", cloudPage.Current.Body);   // Cloud stores it converted
        // The mention and the restrictions share the run's one user map: each site's users are listed once.
        Assert.Equal(1, world.Dc.Stats.ByRoute.Where(r => r.Key.EndsWith("/rest/api/user/list", StringComparison.Ordinal)).Sum(r => r.Value));
        Assert.Equal(1, world.Cloud.Stats.ByRoute.Where(r => r.Key.EndsWith("/rest/api/search/user", StringComparison.Ordinal)).Sum(r => r.Value));
        var restrictions = (await world.Runner.CloudSite.GetPageRestrictionsAsync(cloudPage.Id.ToString(), None))!;
        var expected = new[] { world.Bob.Cloud.AccountId, world.Cloud.Admin.AccountId }.Order(StringComparer.Ordinal);
        Assert.Equal(expected, restrictions.ReadUsers);
        Assert.Equal(expected, restrictions.UpdateUsers);

        Assert.Null(Titled(world.Cloud, "Dana's review")); // never less restricted, never someone else
        var item = run.Plan.Items.Single(i => i.DataCenterId == forDana.Id.ToString());
        Assert.Equal(DriftStatus.Restricted, item.Status);
        Assert.Contains("user key " + world.Dana.Dc.UserKey, Assert.Single(item.Warnings));
        Assert.Contains("users.map", item.Warnings[0]);

        var again = await world.SyncAsync(full: true);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
    }

    [Theory]
    [InlineData(HiddenOn.Cloud)]
    [InlineData(HiddenOn.DataCenter)]
    public async Task A_copied_comment_mentions_an_author_paired_by_users_map_and_names_an_unpaired_one_in_bold(HiddenOn hidden)
    {
        await using var world = await StartAsync(hidden, content: new ResolvedContent(Labels: false, Attachments: false, Comments: true, Blogposts: false));
        var taken = new List<long>();
        var dcPage = RunnerWorld.Leaf(world.Dc, taken);
        var byBob = world.Dc.AddComment(dcPage.Id, "<p>Looks right to me.</p>", null, world.Bob.Dc);
        var byDana = world.Dc.AddComment(dcPage.Id, "<p>Not to me.</p>", null, world.Dana.Dc);
        var cloudPage = world.Runner.CloudTwin(RunnerWorld.Leaf(world.Dc, taken));
        var bobOnCloud = world.Cloud.AddComment(cloudPage.Id, "<p>Written on Cloud.</p>", null, world.Bob.Cloud);

        var run = await world.SyncAsync();
        Show(run);

        Assert.Empty(run.Errors);
        var copies = world.Cloud.FindPage(world.Runner.CloudTwin(dcPage).Id)!.Comments.ToList();
        string CopyOf(Comment original, IEnumerable<Comment> candidates) =>
            candidates.Single(c => c.Current.Body.EndsWith(original.Current.Body, StringComparison.Ordinal)).Current.Body;
        Assert.Equal($"<p>{world.Bob.CloudMention} wrote on {byBob.CreatedAt.UtcDateTime:yyyy-MM-dd} (Data Center):</p><p>Looks right to me.</p>",
            CopyOf(byBob, copies));
        Assert.Equal($"<p><strong>{System.Net.WebUtility.HtmlEncode("Dana Díaz")}</strong> wrote on {byDana.CreatedAt.UtcDateTime:yyyy-MM-dd} (Data Center):</p><p>Not to me.</p>",
            CopyOf(byDana, copies));
        var dcCopies = world.Dc.FindPage(long.Parse(world.Runner.State.ListPairs(RunnerWorld.Key).Single(p => p.CloudPageId == cloudPage.Id.ToString()).DataCenterPageId))!.Comments;
        Assert.Equal($"<p>{world.Bob.DcMention} wrote on {bobOnCloud.CreatedAt.UtcDateTime:yyyy-MM-dd} (Cloud):</p><p>Written on Cloud.</p>",
            CopyOf(bobOnCloud, dcCopies));

        var again = await world.SyncAsync(full: true);
        Show(again);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        Assert.Equal(0, again.Count("CommentsCreated"));
    }
}
