using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Sync.Comments;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync.Comments;

/// <summary>Footer comments through whole sync runs over the emulator pair (content.comments on).</summary>
public sealed class CommentRunnerTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<(RunnerWorld World, StorageBodyTranslator Translator, User DcJane, User CloudJane, User Bob)> StartAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 12);
        world.Space = world.Space with { Content = new ResolvedContent(Labels: false, Attachments: false, Comments: true, Blogposts: false) };
        var dcJane = world.Dc.AddUser("Jane Doe", "jane.c@example.com", "janec");
        var cloudJane = world.Cloud.AddUser("Jane Doe", "jane.c@example.com");
        var bob = world.Dc.AddUser("Bob Only-On-DC", "bob.c@example.com", "bobc");
        return (world, new StorageBodyTranslator(world.Dc, world.Cloud), dcJane, cloudJane, bob);
    }

    private static Task<SyncRunResult> Sync(RunnerWorld world, IBodyTranslator? translator, bool full = false, IConfluenceSite? dcSite = null,
        IConfluenceSite? cloudSite = null)
    {
        world.SearchCaughtUp();
        return SyncRunner.RunAsync(dcSite ?? world.DcSite, cloudSite ?? world.CloudSite, world.State, world.Space,
            new SyncRunOptions { BodyTranslator = translator, FullListing = full }, EngineLog.None, None);
    }

    /// <summary>The footer comments (the seeded space has inline ones too, which never cross: see InlineCommentRunnerTests).</summary>
    private static List<Comment> Comments(EmulatorState state) =>
        state.GetPages(RunnerWorld.Key).Where(p => p.Status == "current").SelectMany(p => p.Comments).Where(c => !c.IsInline).ToList();

    private void Show(SyncRunResult result)
    {
        output.WriteLine($"{result.Listing}, {result.Requests} requests: " + string.Join(", ", result.Counts.Where(c => c.Key.StartsWith("Comment")).Select(c => $"{c.Key}={c.Value}")));
        foreach (var e in result.Errors) output.WriteLine("error: " + e);
    }

    private Comment CopyOn(RunnerWorld world, EmulatorState target, Comment original, SyncSide originSide)
    {
        var pair = world.State.ListCommentPairs(RunnerWorld.Key)
            .Single(p => (originSide == SyncSide.DataCenter ? p.DataCenterCommentId : p.CloudCommentId) == original.Id.ToString());
        return target.FindComment(long.Parse(originSide == SyncSide.DataCenter ? pair.CloudCommentId : pair.DataCenterCommentId))!;
    }

    [Fact]
    public async Task Comments_and_replies_cross_both_ways_with_attribution_edits_come_back_without_it_and_deletions_follow()
    {
        var (world, translator, jane, cloudJane, bob) = await StartAsync();
        await using var _ = world;
        await world.BaselineAsync();
        var first = await Sync(world, translator);
        Show(first);
        Assert.Empty(first.Errors);
        // The seeded Data Center comments were copied by the first (structural) run; its inline ones were not, and were counted.
        Assert.Equal(Comments(world.Dc).Count, first.Count(SyncRunner_CommentCounts.Created));
        Assert.Equal(Comments(world.Dc).Count, Comments(world.Cloud).Count);
        var dcInline = world.Dc.GetPages(RunnerWorld.Key).Where(p => p.Status == "current").SelectMany(p => p.Comments).Count(c => c.IsInline);
        Assert.True(dcInline > 0, "the seeded space has inline comments");
        Assert.InRange(first.Count("InlineComments"), 1, dcInline); // restricted pages (skipped) keep theirs to themselves
        Assert.DoesNotContain(world.Cloud.GetPages(RunnerWorld.Key).SelectMany(p => p.Comments), c => c.IsInline);

        var taken = new List<long>();
        var dcPage = RunnerWorld.Leaf(world.Dc, taken);
        var cloudPage = world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken));
        var top = world.Dc.AddComment(dcPage.Id, "<p>Hello from Data Center</p>", null, jane);
        var reply = world.Dc.AddComment(dcPage.Id, "<p>A reply by someone Cloud does not know</p>", top.Id, bob);
        var fromCloud = world.Cloud.AddComment(cloudPage.Id, "<p>Written on Cloud</p>", null, cloudJane);

        var second = await Sync(world, translator);
        Show(second);
        Assert.Equal(ListingMode.Changes, second.Listing);
        Assert.Empty(second.Errors);
        Assert.Equal(3, second.Count(SyncRunner_CommentCounts.Created));
        // The pages' drift items say whose comments changed.
        Assert.True(second.Plan.Items.Single(i => i.DataCenterId == dcPage.Id.ToString()).DataCenterChanges.HasFlag(PageChanges.Comments));
        Assert.True(second.Plan.Items.Single(i => i.CloudId == cloudPage.Id.ToString()).CloudChanges.HasFlag(PageChanges.Comments));

        var topCopy = CopyOn(world, world.Cloud, top, SyncSide.DataCenter);
        Assert.Equal(world.CloudTwin(dcPage).Id, topCopy.Page.Id);
        Assert.Equal(
            $"<p><ac:link><ri:user ri:account-id=\"{cloudJane.AccountId}\" /></ac:link> wrote on {top.CreatedAt.UtcDateTime:yyyy-MM-dd} (Data Center):</p><p>Hello from Data Center</p>",
            topCopy.Current.Body);
        var replyCopy = CopyOn(world, world.Cloud, reply, SyncSide.DataCenter);
        Assert.Equal(topCopy.Id, replyCopy.ParentCommentId); // the reply stays under its parent's copy
        Assert.StartsWith("<p><strong>Bob Only-On-DC</strong> wrote on ", replyCopy.Current.Body);
        Assert.EndsWith("(Data Center):</p><p>A reply by someone Cloud does not know</p>", replyCopy.Current.Body);
        var cloudCopy = CopyOn(world, world.Dc, fromCloud, SyncSide.Cloud);
        Assert.Equal(dcPage.Id == cloudCopy.Page.Id ? -1 : long.Parse(world.PairOfDc(cloudCopy.Page.Id).CloudPageId), cloudPage.Id);
        Assert.Contains($"<ri:user ri:userkey=\"{jane.UserKey}\" />", cloudCopy.Current.Body);
        Assert.EndsWith("(Cloud):</p><p>Written on Cloud</p>", cloudCopy.Current.Body);

        // Nothing changed: nothing is written, and the comment queries cost one request a side.
        var quiet = await Sync(world, translator);
        Show(quiet);
        Assert.Equal(ListingMode.Changes, quiet.Listing);
        Assert.Equal(0, quiet.Count(SyncRunner_CommentCounts.Created) + quiet.Count(SyncRunner_CommentCounts.Updated) + quiet.Count(SyncRunner_CommentCounts.Deleted));
        Assert.InRange(quiet.Requests, 1, 10);

        // An edit of the Cloud copy comes back to the original as an update, without a second attribution.
        world.Cloud.UpdateComment(topCopy.Id, topCopy.Current.Number + 1,
            topCopy.Current.Body.Replace("<p>Hello from Data Center</p>", "<p>Corrected on Cloud</p>"));
        var third = await Sync(world, translator);
        Show(third);
        Assert.Equal(1, third.Count(SyncRunner_CommentCounts.Updated));
        Assert.Equal("<p>Corrected on Cloud</p>", world.Dc.FindComment(top.Id)!.Current.Body);
        Assert.Equal(2, world.Cloud.FindComment(topCopy.Id)!.Current.Number); // not written back

        // An edit of the original reaches the copy with its attribution, once.
        world.Dc.UpdateComment(top.Id, 3, "<p>Final words</p>");
        var fourth = await Sync(world, translator);
        Show(fourth);
        var body = world.Cloud.FindComment(topCopy.Id)!.Current.Body;
        Assert.EndsWith("(Data Center):</p><p>Final words</p>", body);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(body, "wrote on"));
        Assert.Equal(0, (await Sync(world, translator)).Count(SyncRunner_CommentCounts.Updated));

        // Deletions are seen by the full listing, both ways.
        world.Cloud.DeleteComment(replyCopy.Id);
        world.Dc.DeleteComment(cloudCopy.Id);
        var full = await Sync(world, translator, full: true);
        Show(full);
        Assert.Empty(full.Errors);
        Assert.Equal(2, full.Count(SyncRunner_CommentCounts.Deleted));
        Assert.Null(world.Dc.FindComment(reply.Id));
        Assert.Null(world.Cloud.FindComment(fromCloud.Id));
        Assert.NotNull(world.Dc.FindComment(top.Id));
        Assert.Equal(Comments(world.Dc).Count, Comments(world.Cloud).Count);
        Assert.Equal(Comments(world.Dc).Count, world.State.ListCommentPairs(RunnerWorld.Key).Count);

        var after = await Sync(world, translator, full: true);
        Assert.Equal(0, after.Count(SyncRunner_CommentCounts.Created) + after.Count(SyncRunner_CommentCounts.Updated) + after.Count(SyncRunner_CommentCounts.Deleted));
    }

    [Fact]
    public async Task An_edit_on_both_sides_is_reported_and_neither_is_overwritten()
    {
        var (world, translator, jane, _, _) = await StartAsync();
        await using var _ = world;
        await world.BaselineAsync();
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        var original = world.Dc.AddComment(page.Id, "<p>v1</p>", null, jane);
        await Sync(world, translator);
        var copy = CopyOn(world, world.Cloud, original, SyncSide.DataCenter);

        world.Dc.UpdateComment(original.Id, 2, "<p>DC words</p>");
        world.Cloud.UpdateComment(copy.Id, 2, "<p>Cloud words</p>");
        var result = await Sync(world, translator);
        Show(result);
        Assert.Equal(1, result.Count(SyncRunner_CommentCounts.Conflicts));
        var item = result.Plan.Items.Single(i => i.DataCenterId == page.Id.ToString());
        Assert.Contains(item.Warnings, w => w.Contains("edited on both sides"));
        Assert.Equal("<p>DC words</p>", world.Dc.FindComment(original.Id)!.Current.Body);
        Assert.Equal("<p>Cloud words</p>", world.Cloud.FindComment(copy.Id)!.Current.Body);
    }

    [Fact]
    public async Task A_save_that_changes_no_words_and_the_same_edit_on_both_sides_write_nothing()
    {
        var (world, translator, jane, _, _) = await StartAsync();
        await using var _ = world;
        await world.BaselineAsync();
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        var original = world.Dc.AddComment(page.Id, "<p>Same words</p>", null, jane);
        await Sync(world, translator);
        var copy = CopyOn(world, world.Cloud, original, SyncSide.DataCenter);

        // The copy re-saved with its words unchanged (whitespace only).
        world.Cloud.UpdateComment(copy.Id, 2, copy.Current.Body.Replace("<p>Same words</p>", "<p>Same   words</p>"));
        var resave = await Sync(world, translator);
        Show(resave);
        Assert.Equal(0, resave.Count(SyncRunner_CommentCounts.Updated));
        Assert.Equal(1, world.Dc.FindComment(original.Id)!.Current.Number);

        world.Dc.UpdateComment(original.Id, 2, "<p>Agreed text</p>");
        world.Cloud.UpdateComment(copy.Id, 3, "<p>Agreed text</p>");
        var same = await Sync(world, translator);
        Show(same);
        Assert.Equal(0, same.Count(SyncRunner_CommentCounts.Conflicts));
        Assert.Equal(0, same.Count(SyncRunner_CommentCounts.Updated));
        Assert.Equal(0, (await Sync(world, translator)).Count(SyncRunner_CommentCounts.Updated));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_paired_by_the_next_run_not_posted_twice()
    {
        var (world, translator, jane, _, _) = await StartAsync();
        await using var _ = world;
        await world.BaselineAsync();
        await Sync(world, translator);
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        var original = world.Dc.AddComment(page.Id, "<p>Lost in transit</p>", null, jane);
        var cloudTwin = world.CloudTwin(page);
        var cloudBefore = cloudTwin.Comments.Count;

        var losing = new InterceptingSite(world.CloudSite) { LoseCommentCreateAnswer = body => body.Contains("Lost in transit") };
        var lost = await Sync(world, translator, cloudSite: losing);
        Show(lost);
        Assert.Single(lost.Errors);
        Assert.Single(world.State.ListCommentIntents(RunnerWorld.Key));
        Assert.Equal(cloudBefore + 1, cloudTwin.Comments.Count);

        var next = await Sync(world, translator);
        Show(next);
        Assert.Empty(next.Errors);
        Assert.Equal(1, next.Count(SyncRunner_CommentCounts.Adopted));
        Assert.Equal(0, next.Count(SyncRunner_CommentCounts.Created));
        Assert.Equal(cloudBefore + 1, cloudTwin.Comments.Count);
        Assert.Empty(world.State.ListCommentIntents(RunnerWorld.Key));
        Assert.Contains("Lost in transit", CopyOn(world, world.Cloud, original, SyncSide.DataCenter).Current.Body);
    }

    [Fact]
    public async Task WhatIf_reports_the_comments_a_run_would_copy_and_writes_nothing()
    {
        var (world, translator, jane, _, _) = await StartAsync();
        await using var _ = world;
        await world.BaselineAsync();
        await Sync(world, translator);
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        world.Dc.AddComment(page.Id, "<p>Not yet</p>", null, jane);
        var cloudCount = Comments(world.Cloud).Count;

        world.SearchCaughtUp();
        var whatIf = await SyncRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space,
            new SyncRunOptions { BodyTranslator = translator, WhatIf = true }, EngineLog.None, None);
        var item = whatIf.Plan.Items.Single(i => i.DataCenterId == page.Id.ToString());
        Assert.True(item.DataCenterChanges.HasFlag(PageChanges.Comments));
        Assert.Contains("copy comment", item.Action);
        Assert.Equal(cloudCount, Comments(world.Cloud).Count);
        Assert.Equal(1, (await Sync(world, translator)).Count(SyncRunner_CommentCounts.Created));
    }

    [Fact]
    public async Task A_copy_the_search_index_has_not_caught_up_with_does_not_delete_its_original()
    {
        var (world, translator, jane, _, _) = await StartAsync();
        await using var _ = world;
        await world.BaselineAsync();
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        var original = world.Dc.AddComment(page.Id, "<p>Keep me</p>", null, jane);
        await Sync(world, translator);
        var copy = CopyOn(world, world.Cloud, original, SyncSide.DataCenter);

        var lagging = new InterceptingSite(world.CloudSite) { HideFromCommentSearch = c => c.Id == copy.Id.ToString() };
        var result = await Sync(world, translator, full: true, cloudSite: lagging);
        Show(result);
        Assert.Equal(0, result.Count(SyncRunner_CommentCounts.Deleted));
        Assert.NotNull(world.Dc.FindComment(original.Id));
        Assert.Contains(world.State.ListCommentPairs(RunnerWorld.Key), p => p.CloudCommentId == copy.Id.ToString());
    }

    [Fact]
    public async Task Comments_of_a_page_out_of_scope_stay_where_they_are()
    {
        var (world, translator, jane, _, _) = await StartAsync();
        await using var _ = world;
        await world.BaselineAsync();
        var taken = new List<long>();
        var excluded = RunnerWorld.Leaf(world.Dc, taken);
        var included = RunnerWorld.Leaf(world.Dc, taken);
        world.Space = world.Space with { ExcludeTitles = new[] { excluded.Title } };
        await Sync(world, translator);
        world.Dc.AddComment(excluded.Id, "<p>Private to this page</p>", null, jane);
        world.Dc.AddComment(included.Id, "<p>Shared</p>", null, jane);

        var result = await Sync(world, translator, full: true);
        Show(result);
        Assert.DoesNotContain(Comments(world.Cloud), c => c.Current.Body.Contains("Private to this page"));
        Assert.Contains(Comments(world.Cloud), c => c.Current.Body.Contains("Shared"));
    }

    [Fact]
    public async Task With_comments_off_by_default_no_comment_is_read_or_written()
    {
        var (world, translator, jane, _, _) = await StartAsync();
        await using var _ = world;
        world.Space = world.Space with { Content = ScopeResolver.BuiltInContent };
        Assert.False(world.Space.Content.Comments);
        await world.BaselineAsync();
        world.Dc.AddComment(RunnerWorld.Leaf(world.Dc, new List<long>()).Id, "<p>Stays here</p>", null, jane);
        var result = await Sync(world, translator);
        Assert.Empty(Comments(world.Cloud));
        Assert.False(result.Counts.ContainsKey(SyncRunner_CommentCounts.Created));
        Assert.Equal(0, translator.Calls);
    }

    [Fact]
    public async Task A_one_way_direction_copies_comments_only_towards_its_target()
    {
        var (world, translator, jane, cloudJane, _) = await StartAsync();
        await using var _ = world;
        world.Space = world.Space with { Direction = SyncDirection.ToCloud };
        await world.BaselineAsync();
        await Sync(world, translator);
        var taken = new List<long>();
        var dcPage = RunnerWorld.Leaf(world.Dc, taken);
        world.Dc.AddComment(dcPage.Id, "<p>Goes to Cloud</p>", null, jane);
        var cloudOnly = world.Cloud.AddComment(world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken)).Id, "<p>Stays on Cloud</p>", null, cloudJane);
        var result = await Sync(world, translator);
        Show(result);
        Assert.Equal(1, result.Count(SyncRunner_CommentCounts.Created));
        Assert.DoesNotContain(Comments(world.Dc), c => c.Current.Body.Contains("Stays on Cloud"));
        Assert.Contains(Comments(world.Cloud), c => c.Current.Body.Contains("Goes to Cloud"));
        Assert.NotNull(world.Cloud.FindComment(cloudOnly.Id));
    }
}

/// <summary>The count keys the comment step adds to a run's counts (mirrors SyncRunner's private names).</summary>
internal static class SyncRunner_CommentCounts
{
    public const string Created = "CommentsCreated";
    public const string Updated = "CommentsUpdated";
    public const string Deleted = "CommentsDeleted";
    public const string Conflicts = "CommentConflicts";
    public const string Adopted = "CommentsAdopted";
}
