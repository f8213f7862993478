using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 4 item 5: page bodies cross between the dialects (mentions, links by id, Cloud-only markup), and the crossing
/// is a fixed point: a run after a sync writes nothing, and the same edit made in each dialect is no conflict.
/// Users: the world's Cloud has an account for each Data Center user (same e-mail), as CCMA leaves it.
/// </summary>
public sealed class TranslationRunnerTests(ITestOutputHelper output)
{
    private static string Mention(User user, SyncSide side) => side == SyncSide.DataCenter
        ? $"<ac:link><ri:user ri:userkey=\"{user.UserKey}\" /></ac:link>"
        : $"<ac:link><ri:user ri:account-id=\"{user.AccountId}\" /></ac:link>";

    private static async Task<RunnerWorld> SyncedWorldAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 12);
        await world.BaselineAsync();
        var first = await world.SyncAsync();
        Assert.DoesNotContain(first.Plan.Actions, a => a.WritesSite); // CCMA's copy is the same content in the other dialect
        return world;
    }

    /// <summary>Every page's version and status on both sites: a run that writes anything moves one of them.</summary>
    private static Dictionary<string, (int Version, string Status)> Versions(RunnerWorld world) =>
        world.Dc.GetPages(RunnerWorld.Key).Select(p => ("dc" + p.Id, p.Current.Number, p.Status))
            .Concat(world.Cloud.GetPages(RunnerWorld.Key).Select(p => ("cloud" + p.Id, p.Current.Number, p.Status)))
            .ToDictionary(p => p.Item1, p => (p.Item2, p.Item3));

    private async Task AssertNextRunWritesNothingAsync(RunnerWorld world, bool fullListing = false)
    {
        var before = Versions(world);
        var again = await world.SyncAsync(fullListing: fullListing);
        foreach (var o in again.Outcomes) output.WriteLine($"again: {o.Outcome}: {o.Action} → {o.Message}");
        Assert.Empty(again.Errors);
        Assert.Empty(again.Conflicts);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        Assert.Equal(before, Versions(world));
    }

    [Fact]
    public async Task A_Data_Center_mention_arrives_on_Cloud_as_the_account_id_links_by_id_as_the_twins_id_and_the_way_back_is_the_body_that_left()
    {
        await using var world = await SyncedWorldAsync();
        var taken = new List<long>();
        var page = RunnerWorld.Leaf(world.Dc, taken);
        var linked = RunnerWorld.Leaf(world.Dc, taken);
        var aliceDc = world.Dc.FindUserByEmail("alice@example.com")!;
        var aliceCloud = world.Cloud.FindUserByEmail("alice@example.com")!;
        var dcPath = world.DcSite.BaseUrl.AbsolutePath.TrimEnd('/');
        var dcBody = $"<p>Ask {Mention(aliceDc, SyncSide.DataCenter)} about " +
                     $"<ac:link><ri:content-entity ri:content-id=\"{linked.Id}\" /></ac:link> or " +
                     $"<a href=\"{dcPath}/pages/viewpage.action?pageId={linked.Id}\">this link</a>.</p>";
        RunnerWorld.Edit(world.Dc, page, body: dcBody);

        var sync = await world.SyncAsync();
        foreach (var o in sync.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        Assert.Empty(sync.Errors);
        Assert.Equal(1, sync.Count("Update"));
        var twin = world.CloudTwin(page);
        var twinOfLinked = world.CloudTwin(linked);
        Assert.Contains($"ri:account-id=\"{aliceCloud.AccountId}\"", twin.Current.Body);
        Assert.DoesNotContain("ri:userkey", twin.Current.Body);
        Assert.Contains($"ri:content-id=\"{twinOfLinked.Id}\"", twin.Current.Body);
        Assert.Contains($"/wiki/spaces/{RunnerWorld.Key}/pages/{twinOfLinked.Id}", twin.Current.Body);
        Assert.DoesNotContain(linked.Id.ToString(), twin.Current.Body);
        world.AssertSidesEqual();
        await AssertNextRunWritesNothingAsync(world);

        // Edited on Cloud: it comes back in the Data Center dialect, the body that left plus the edit.
        RunnerWorld.Edit(world.Cloud, twin, body: twin.Current.Body + "<p>Added on Cloud.</p>");
        var back = await world.SyncAsync();
        Assert.Empty(back.Errors);
        Assert.Equal(1, back.Count("Update"));
        Assert.Equal(ContentNormalizer.Normalize(dcBody + "<p>Added on Cloud.</p>"),
            ContentNormalizer.Normalize(world.Dc.FindPage(page.Id)!.Current.Body));
        await AssertNextRunWritesNothingAsync(world);
        await AssertNextRunWritesNothingAsync(world, fullListing: true);
    }

    [Fact]
    public async Task A_page_created_on_Cloud_with_a_mention_is_created_on_Data_Center_with_the_user_key_and_stays_put()
    {
        await using var world = await SyncedWorldAsync();
        var bob = world.Cloud.FindUserByEmail("bob@example.com")!;
        var space = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!;
        world.Cloud.CreatePage(space.Id, "Made on Cloud", $"<p local-id=\"a1b2\">Owner {Mention(bob, SyncSide.Cloud)}.</p>", space.HomepageId);

        var sync = await world.SyncAsync();
        Assert.Empty(sync.Errors);
        Assert.Equal(1, sync.Count("Create"));
        var created = RunnerWorld.CurrentPages(world.Dc).Single(p => p.Title == "Made on Cloud");
        Assert.Contains($"ri:userkey=\"{world.Dc.FindUserByEmail("bob@example.com")!.UserKey}\"", created.Current.Body);
        Assert.DoesNotContain("account-id", created.Current.Body);
        Assert.DoesNotContain("local-id", created.Current.Body);
        world.AssertSidesEqual();
        await AssertNextRunWritesNothingAsync(world);
        await AssertNextRunWritesNothingAsync(world, fullListing: true);
    }

    [Fact]
    public async Task A_Cloud_edit_with_emoji_and_an_adf_extension_arrives_on_Data_Center_as_the_fallback_with_warnings_not_errors()
    {
        await using var world = await SyncedWorldAsync();
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        var twin = world.CloudTwin(page);
        RunnerWorld.Edit(world.Cloud, twin, body:
            "<p>Launch <ac:emoticon ac:name=\"blue-star\" ac:emoji-shortname=\":rocket:\" ac:emoji-id=\"1f680\" ac:emoji-fallback=\"\U0001F680\" /> soon.</p>" +
            "<ac:adf-extension><ac:adf-node type=\"panel\"><ac:adf-attribute key=\"panel-type\">note</ac:adf-attribute>" +
            "<ac:adf-content><p>A note.</p></ac:adf-content></ac:adf-node>" +
            "<ac:adf-fallback><div class=\"panel\"><p>A note.</p></div></ac:adf-fallback></ac:adf-extension>");

        var sync = await world.SyncAsync();
        var outcome = Assert.Single(sync.Outcomes, o => o.Action.Kind == SyncActionKind.Update);
        output.WriteLine(outcome.Message);
        Assert.Equal(ActionOutcomeKind.Done, outcome.Outcome);
        Assert.Empty(sync.Errors);
        Assert.Contains(TranslationWarningCodes.AdfExtensionReplaced, outcome.Message);
        Assert.Contains(TranslationWarningCodes.EmojiReplaced, outcome.Message);
        var item = Assert.Single(sync.Plan.Items, i => i.DataCenterId == page.Id.ToString());
        Assert.Contains(item.Warnings, w => w.Contains(TranslationWarningCodes.AdfExtensionReplaced));
        Assert.Contains(item.Warnings, w => w.Contains(TranslationWarningCodes.EmojiReplaced));

        var dcBody = world.Dc.FindPage(page.Id)!.Current.Body;
        Assert.Contains("<div class=\"panel\"><p>A note.</p></div>", dcBody);
        Assert.DoesNotContain("adf-extension", dcBody);
        Assert.DoesNotContain("ac:emoji-", dcBody);
        Assert.Contains("\U0001F680", dcBody);
        // Cloud keeps its markup, Data Center its fallback: the same page, so no run writes it back.
        Assert.Contains("adf-extension", world.Cloud.FindPage(twin.Id)!.Current.Body);
        world.AssertSidesEqual();
        await AssertNextRunWritesNothingAsync(world);
        await AssertNextRunWritesNothingAsync(world, fullListing: true);
    }

    [Fact]
    public async Task A_mention_of_a_user_without_a_Cloud_account_becomes_the_name_with_a_warning_and_stays_put()
    {
        await using var world = await SyncedWorldAsync();
        var zed = world.Dc.AddUser("Zed Zimmer", "zed@example.com"); // on Data Center only
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, page, body: $"<p>Ask {Mention(zed, SyncSide.DataCenter)} first.</p>");

        var sync = await world.SyncAsync();
        var outcome = Assert.Single(sync.Outcomes, o => o.Action.Kind == SyncActionKind.Update);
        output.WriteLine(outcome.Message);
        Assert.Equal(ActionOutcomeKind.Done, outcome.Outcome);
        Assert.Empty(sync.Errors);
        Assert.Contains(TranslationWarningCodes.UserNotMapped, outcome.Message);
        Assert.Contains(Assert.Single(sync.Plan.Items, i => i.DataCenterId == page.Id.ToString()).Warnings,
            w => w.Contains(TranslationWarningCodes.UserNotMapped));
        var cloudBody = world.CloudTwin(page).Current.Body;
        Assert.Contains("Ask Zed Zimmer first.", cloudBody);
        Assert.DoesNotContain("ri:user", cloudBody);
        // Data Center keeps the mention, Cloud the name: what can cross did, and nothing ping-pongs.
        Assert.Contains(zed.UserKey, world.Dc.FindPage(page.Id)!.Current.Body);
        await AssertNextRunWritesNothingAsync(world);
        await AssertNextRunWritesNothingAsync(world, fullListing: true);
    }

    [Fact]
    public async Task The_same_edit_made_in_each_dialect_is_in_sync_not_a_conflict()
    {
        await using var world = await SyncedWorldAsync();
        var taken = new List<long>();
        var page = RunnerWorld.Leaf(world.Dc, taken);
        var linked = RunnerWorld.Leaf(world.Dc, taken);
        var chenDc = world.Dc.FindUserByEmail("chen@example.com")!;
        var chenCloud = world.Cloud.FindUserByEmail("chen@example.com")!;
        RunnerWorld.Edit(world.Dc, page, body:
            $"<p>Reviewed by {Mention(chenDc, SyncSide.DataCenter)}, see <ac:link><ri:content-entity ri:content-id=\"{linked.Id}\" /></ac:link>.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(page), body:
            $"<p local-id=\"x1\">Reviewed by {Mention(chenCloud, SyncSide.Cloud)}, see <ac:link><ri:content-entity ri:content-id=\"{world.CloudTwin(linked).Id}\" /></ac:link>.</p>");

        var sync = await world.SyncAsync();
        foreach (var o in sync.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        Assert.Empty(sync.Errors);
        Assert.Empty(sync.Conflicts);
        Assert.Equal(DriftStatus.InSync, Assert.Single(sync.Plan.Items, i => i.DataCenterId == page.Id.ToString()).Status);
        Assert.DoesNotContain(sync.Plan.Actions, a => a.WritesSite);
        await AssertNextRunWritesNothingAsync(world);
    }

    [Fact]
    public async Task A_new_page_linking_to_its_new_child_is_rewritten_once_the_child_has_its_twin_and_then_stays_put()
    {
        await using var world = await SyncedWorldAsync();
        var space = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var parent = world.Dc.CreatePage(space.Id, "New parent", "<p>placeholder</p>", space.HomepageId);
        var child = world.Dc.CreatePage(space.Id, "New child", "<p>I am the child.</p>", parent.Id);
        var parentBody = $"<p>Start with <ac:link><ri:content-entity ri:content-id=\"{child.Id}\" /></ac:link>.</p>";
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(parent.Id)!, body: parentBody);

        var sync = await world.SyncAsync();
        foreach (var o in sync.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        Assert.Empty(sync.Errors);
        Assert.Equal(2, sync.Count("Create"));
        var cloudParent = world.CloudTwin(parent);
        Assert.Contains($"ri:content-id=\"{world.CloudTwin(child).Id}\"", cloudParent.Current.Body);
        Assert.DoesNotContain(child.Id.ToString(), cloudParent.Current.Body);
        Assert.Equal(cloudParent.Current.Number, world.PairOfDc(parent.Id).CloudVersion);
        Assert.DoesNotContain(Assert.Single(sync.Plan.Items, i => i.DataCenterId == parent.Id.ToString()).Warnings,
            w => w.Contains(TranslationWarningCodes.PageNotPaired));
        world.AssertSidesEqual();
        await AssertNextRunWritesNothingAsync(world);
        await AssertNextRunWritesNothingAsync(world, fullListing: true);
    }

    [Fact]
    public async Task The_run_translator_lists_the_users_only_for_a_body_that_mentions_someone_and_then_once()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 0);
        var translator = new RunTranslation(world.DcSite, world.CloudSite, PageMap.Empty, new Dictionary<string, string>(), null, Core.Logging.EngineLog.None);
        long Requests() => world.DcSite.Counters.RequestsSent + world.CloudSite.Counters.RequestsSent;
        var before = Requests();

        var plain = await translator.TranslateAsync("<p>Nobody here.</p>", SyncSide.DataCenter, CancellationToken.None);
        Assert.False(plain.Changed);
        Assert.Equal(before, Requests());
        Assert.Null(translator.Users);

        var alice = world.Dc.FindUserByEmail("alice@example.com")!;
        var first = await translator.TranslateAsync($"<p>{Mention(alice, SyncSide.DataCenter)}</p>", SyncSide.DataCenter, CancellationToken.None);
        Assert.Contains(world.Cloud.FindUserByEmail("alice@example.com")!.AccountId, first.Body);
        var afterListing = Requests();
        Assert.True(afterListing >= before + 2, "both sites list their users");
        Assert.NotNull(translator.Users);

        var bob = world.Cloud.FindUserByEmail("bob@example.com")!;
        var second = await translator.TranslateAsync($"<p>{Mention(bob, SyncSide.Cloud)}</p>", SyncSide.Cloud, CancellationToken.None);
        Assert.Contains(world.Dc.FindUserByEmail("bob@example.com")!.UserKey, second.Body);
        Assert.Equal(afterListing, Requests());
    }

    [Fact]
    public async Task A_baseline_of_CCMA_content_with_account_ids_finds_every_pair_equal()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        Assert.Contains(RunnerWorld.CurrentPages(world.Cloud), p => p.Current.Body.Contains("ri:account-id"));
        var baseline = await world.BaselineAsync();
        Assert.Equal(0, baseline.Conflicts);
        Assert.Equal(0, baseline.Updated);
        Assert.All(baseline.Plan.Pairs, p => Assert.True(p.Equal, p.Path));
    }

    [Fact]
    public async Task A_run_whose_changes_mention_nobody_does_not_list_the_users()
    {
        await using var world = await SyncedWorldAsync();
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, page, body: "<p>No mention here.</p>");
        var withoutMention = await world.SyncAsync();
        Assert.Equal(1, withoutMention.Count("Update"));

        var other = RunnerWorld.Leaf(world.Dc, new List<long> { page.Id });
        RunnerWorld.Edit(world.Dc, other, body: $"<p>Hi {Mention(world.Dc.FindUserByEmail("dana@example.com")!, SyncSide.DataCenter)}.</p>");
        var withMention = await world.SyncAsync();
        Assert.Equal(1, withMention.Count("Update"));
        output.WriteLine($"requests: {withoutMention.Requests} without a mention, {withMention.Requests} with one");
        // The same work, plus the two user listings (at least one request each) for the mention.
        Assert.True(withMention.Requests >= withoutMention.Requests + 2, $"{withMention.Requests} vs {withoutMention.Requests}");
        var quiet = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, quiet.Listing);
        Assert.InRange(quiet.Requests, 1, 8);
    }
}
