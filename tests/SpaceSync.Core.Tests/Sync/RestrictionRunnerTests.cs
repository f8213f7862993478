using SpaceSync.Core.Tests.Content;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 4 item 6 against both emulators: restricted Data Center pages are never copied in skip mode (nor pages below a
/// view-restricted one, nor edits of restricted pairs), and in mirror mode arrive on Cloud restricted before their body.
/// </summary>
public sealed class RestrictionRunnerTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<RunnerWorld> SyncedWorldAsync(RestrictedPagesMode mode)
    {
        var world = await RunnerWorld.StartAsync(pageCount: 12);
        world.Space = world.Space with { RestrictedPages = mode };
        await world.BaselineAsync();
        var first = await world.SyncAsync(); // structural; leaves the marks, so the next runs read only changes
        Assert.Equal(ListingMode.Structural, first.Listing);
        return world;
    }

    private static Page NewPage(EmulatorState state, string title, string body, long? parentId = null)
    {
        var space = state.FindSpaceByKey(RunnerWorld.Key)!;
        return state.CreatePage(space.Id, title, body, parentId ?? space.HomepageId);
    }

    private static Page? CloudPageTitled(RunnerWorld world, string title) =>
        RunnerWorld.CurrentPages(world.Cloud).SingleOrDefault(p => p.Title == title);

    private void Show(SyncRunResult run)
    {
        foreach (var o in run.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        foreach (var i in run.Plan.Items.Where(i => i.Warnings.Count > 0)) output.WriteLine($"{i.Status} {i.Title}: {string.Join(" | ", i.Warnings)}");
    }

    [Fact]
    public async Task Skip_a_trash_on_cloud_never_crosses_to_a_restricted_data_center_page_on_a_change_run()
    {
        await using var world = await SyncedWorldAsync(RestrictedPagesMode.Skip);
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        world.Dc.SetRestriction(page.Id, "update", new[] { world.Dc.Admin }, Array.Empty<string>()); // no version: unseen by a change query
        world.Cloud.TrashPage(world.CloudTwin(page).Id);

        var run = await world.SyncAsync();
        Show(run);

        Assert.Equal(ListingMode.Changes, run.Listing);
        Assert.Equal("current", world.Dc.FindPage(page.Id)!.Status);
        Assert.Contains(run.Plan.Items, i => i.Status == DriftStatus.Restricted && i.DataCenterId == page.Id.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Skip_neither_a_file_nor_a_comment_reaches_a_page_restricted_since_the_last_structural_listing(bool fullListing)
    {
        await using var world = await SyncedWorldAsync(RestrictedPagesMode.Skip);
        world.Space = world.Space with { Content = new ResolvedContent(Labels: false, Attachments: true, Comments: true, Blogposts: false) };
        await world.SyncAsync(fullListing: true); // files and comments as the migration left them, paired
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        var twin = world.CloudTwin(page);
        // Restricted without a new version (a change query cannot see it), then given a file and a comment, no edit.
        world.Dc.SetRestriction(page.Id, "update", new[] { world.Dc.Admin }, Array.Empty<string>());
        var blob = Path.GetTempFileName();
        await File.WriteAllTextAsync(blob, "private notes");
        world.Dc.AddAttachment(page.Id, "private.txt", "text/plain", blob, null, false);
        world.Dc.AddComment(page.Id, "<p>Only for the editors.</p>");
        var filesBefore = twin.Attachments.Count(a => a.Status == "current");
        var commentsBefore = twin.Comments.Count;

        var run = await world.SyncAsync(fullListing: fullListing);
        Show(run);

        Assert.Empty(run.Errors);
        Assert.Equal(filesBefore, world.Cloud.FindPage(twin.Id)!.Attachments.Count(a => a.Status == "current"));
        Assert.Equal(commentsBefore, world.Cloud.FindPage(twin.Id)!.Comments.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Skip_a_restricted_data_center_page_its_view_restricted_subtree_and_a_restricted_pair_stay_on_their_site(bool fullListing)
    {
        await using var world = await SyncedWorldAsync(RestrictedPagesMode.Skip);
        var alice = world.Dc.AddUser("Riley", "riley.restricted@example.com");
        var secret = NewPage(world.Dc, "Payroll", "<p>Salaries.</p>");
        world.Dc.SetRestriction(secret.Id, "read", new[] { world.Dc.Admin, alice }, Array.Empty<string>());
        var below = NewPage(world.Dc, "Payroll details", "<p>Per person.</p>", secret.Id);
        var paired = RunnerWorld.Leaf(world.Dc, new List<long>());
        world.Dc.SetRestriction(paired.Id, "update", new[] { world.Dc.Admin }, Array.Empty<string>());
        RunnerWorld.Edit(world.Dc, paired, body: "<p>Edited while edit-restricted.</p>");
        var cloudBefore = world.CloudTwin(paired).Current.Body;

        var run = await world.SyncAsync(fullListing: fullListing);
        Show(run);

        Assert.Empty(run.Errors);
        Assert.Null(CloudPageTitled(world, "Payroll"));
        Assert.Null(CloudPageTitled(world, "Payroll details"));
        Assert.Equal(cloudBefore, world.CloudTwin(paired).Current.Body);
        Assert.DoesNotContain(run.Plan.Actions, a => a.WritesSite);
        var restricted = run.Plan.Items.Where(i => i.Status == DriftStatus.Restricted).ToList();
        Assert.Equal(new[] { paired.Id.ToString(), secret.Id.ToString(), below.Id.ToString() }.Order(), restricted.Select(i => i.DataCenterId!).Order());
        Assert.All(restricted, i => Assert.Contains("restrictedPages is skip", Assert.Single(i.Warnings)));
        Assert.Contains("ancestor \"Payroll\"", restricted.Single(i => i.DataCenterId == below.Id.ToString()).Warnings[0]);

        var again = await world.SyncAsync(fullListing: fullListing);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        Assert.Equal(3, again.Plan.Items.Count(i => i.Status == DriftStatus.Restricted));
    }

    [Fact]
    public async Task Skip_a_change_query_run_does_not_carry_an_edit_below_a_page_view_restricted_since_the_last_structural_listing()
    {
        await using var world = await SyncedWorldAsync(RestrictedPagesMode.Skip);
        var current = RunnerWorld.CurrentPages(world.Dc);
        var parent = current.First(p => p.ParentId != null && current.Any(c => c.ParentId == p.Id));
        var child = current.First(c => c.ParentId == parent.Id);
        world.Dc.SetRestriction(parent.Id, "read", new[] { world.Dc.Admin }, Array.Empty<string>()); // no version: no change query sees it
        RunnerWorld.Edit(world.Dc, child, body: "<p>Written after the parent was restricted.</p>");
        var cloudBefore = world.CloudTwin(child).Current.Body;

        var run = await world.SyncAsync();
        Show(run);

        Assert.Equal(ListingMode.Changes, run.Listing);
        Assert.Equal(cloudBefore, world.CloudTwin(child).Current.Body);
        Assert.Equal(DriftStatus.Restricted, run.Plan.Items.Single(i => i.DataCenterId == child.Id.ToString()).Status);
    }

    [Fact]
    public async Task Mirror_a_restricted_data_center_page_arrives_on_cloud_restricted_before_its_body_and_a_second_run_writes_nothing()
    {
        await using var world = await SyncedWorldAsync(RestrictedPagesMode.Mirror);
        var dcAlice = world.Dc.AddUser("Riley", "riley.restricted@example.com");
        var cloudAlice = world.Cloud.AddUser("Riley", "riley.restricted@example.com");
        var secret = NewPage(world.Dc, "Payroll", "<p>Salaries.</p>");
        world.Dc.SetRestriction(secret.Id, "read", new[] { dcAlice, world.Dc.Admin }, Array.Empty<string>());
        world.Dc.SetRestriction(secret.Id, "update", new[] { dcAlice }, Array.Empty<string>());
        var below = NewPage(world.Dc, "Payroll details", "<p>Per person.</p>", secret.Id);

        var cloudSite = new InterceptingSite(world.CloudSite);
        var restrictedWhenFilled = new List<bool>();
        cloudSite.BeforeUpdate = id =>
        {
            var page = world.Cloud.FindPage(long.Parse(id))!;
            if (page.Title == "Payroll")
            {
                restrictedWhenFilled.Add(page.Restrictions.ContainsKey("read"));
                Assert.Equal("", page.Current.Body); // made empty: nothing readable before the restriction
            }

            return Task.CompletedTask;
        };
        var run = await world.SyncAsync(cloudSite: cloudSite);
        Show(run);

        Assert.Empty(run.Errors);
        Assert.Equal(new[] { true }, restrictedWhenFilled);
        var cloudSecret = CloudPageTitled(world, "Payroll")!;
        StoredBody.AssertSameContent("<p>Salaries.</p>", cloudSecret.Current.Body); // Cloud stores it converted
        var read = (await world.CloudSite.GetPageRestrictionsAsync(cloudSecret.Id.ToString(), None))!; // the Cloud emulator's restriction endpoint
        Assert.Equal(new[] { cloudAlice.AccountId, world.Cloud.Admin.AccountId }.Order(StringComparer.Ordinal), read.ReadUsers);
        Assert.Equal(new[] { cloudAlice.AccountId, world.Cloud.Admin.AccountId }.Order(StringComparer.Ordinal), read.UpdateUsers);
        Assert.NotNull(CloudPageTitled(world, "Payroll details")); // below the restricted page: inherits its view restriction there too
        Assert.Equal(cloudSecret.Id, CloudPageTitled(world, "Payroll details")!.ParentId);

        var again = await world.SyncAsync(fullListing: true);
        Show(again);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        Assert.Equal(DriftStatus.InSync, again.Plan.Items.Single(i => i.DataCenterId == secret.Id.ToString()).Status);
        Assert.NotNull(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, below.Id.ToString()));
    }

    [Fact]
    public async Task Mirror_a_pair_restricted_since_on_data_center_is_restricted_on_cloud_before_the_edit_crosses()
    {
        await using var world = await SyncedWorldAsync(RestrictedPagesMode.Mirror);
        var paired = RunnerWorld.Leaf(world.Dc, new List<long>());
        var cloudTwin = world.CloudTwin(paired);
        world.Dc.SetRestriction(paired.Id, "read", new[] { world.Dc.Admin }, Array.Empty<string>());
        RunnerWorld.Edit(world.Dc, paired, body: "<p>Edited after the restriction.</p>");
        var cloudSite = new InterceptingSite(world.CloudSite);
        var restrictedWhenWritten = new List<bool>();
        cloudSite.BeforeUpdate = id =>
        {
            if (id == cloudTwin.Id.ToString()) restrictedWhenWritten.Add(world.Cloud.FindPage(cloudTwin.Id)!.Restrictions.ContainsKey("read"));
            return Task.CompletedTask;
        };

        var run = await world.SyncAsync(cloudSite: cloudSite, fullListing: true);
        Show(run);

        Assert.Empty(run.Errors);
        Assert.Equal(new[] { true }, restrictedWhenWritten);
        StoredBody.AssertSameContent("<p>Edited after the restriction.</p>", world.Cloud.FindPage(cloudTwin.Id)!.Current.Body); // Cloud stores it converted
        Assert.Equal(1, run.Count("Restrict"));
        Assert.DoesNotContain((await world.SyncAsync(fullListing: true)).Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task Mirror_a_restriction_naming_a_user_with_no_cloud_counterpart_keeps_the_page_off_cloud()
    {
        await using var world = await SyncedWorldAsync(RestrictedPagesMode.Mirror);
        var carol = world.Dc.AddUser("Quinn", "quinn.dc-only@example.com"); // no Cloud account
        var secret = NewPage(world.Dc, "Carol's notes", "<p>Private.</p>");
        world.Dc.SetRestriction(secret.Id, "read", new[] { carol, world.Dc.Admin }, Array.Empty<string>());

        var run = await world.SyncAsync();
        Show(run);

        Assert.Null(CloudPageTitled(world, "Carol's notes"));
        var item = run.Plan.Items.Single(i => i.DataCenterId == secret.Id.ToString());
        Assert.Equal(DriftStatus.Restricted, item.Status);
        Assert.Contains("user key " + carol.UserKey, Assert.Single(item.Warnings));
    }

    [Theory]
    [InlineData(RestrictedPagesMode.Skip)]
    [InlineData(RestrictedPagesMode.Mirror)]
    public async Task A_baseline_with_an_authority_pairs_a_restricted_page_but_does_not_write_it_over_a_less_restricted_copy(RestrictedPagesMode mode)
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        world.Space = world.Space with { RestrictedPages = mode };
        var leaves = new List<long>();
        var restricted = RunnerWorld.Leaf(world.Dc, leaves);
        var open = RunnerWorld.Leaf(world.Dc, leaves);
        world.Dc.SetRestriction(restricted.Id, "read", new[] { world.Dc.Admin }, Array.Empty<string>());
        RunnerWorld.Edit(world.Dc, restricted, body: "<p>Only for admins.</p>");
        RunnerWorld.Edit(world.Dc, open, body: "<p>For everyone.</p>");

        var baseline = await world.BaselineAsync(authority: SyncSide.DataCenter);
        foreach (var i in baseline.Plan.Items.Where(i => i.Warnings.Count > 0)) output.WriteLine($"{i.Status} {i.Title}: {string.Join(" | ", i.Warnings)}");

        Assert.NotNull(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, restricted.Id.ToString()));
        Assert.DoesNotContain("Only for admins", world.CloudTwin(restricted).Current.Body);
        StoredBody.AssertSameContent("<p>For everyone.</p>", world.CloudTwin(open).Current.Body); // Cloud stores it converted
        var item = baseline.Plan.Items.Single(i => i.DataCenterId == restricted.Id.ToString());
        Assert.Equal(DriftStatus.Restricted, item.Status);
        Assert.Contains(mode == RestrictedPagesMode.Skip ? "restrictedPages is skip" : "first sync mirrors", item.Warnings.Last());
    }
}
