using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Footer comment operations of both connectors over real HTTP against the emulator.</summary>
public sealed class CommentOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static List<Comment> StoreComments(EmulatedSite site) =>
        site.State.GetPages(EmulatedSite.SpaceKey).Where(p => p.Status == "current").SelectMany(p => p.Comments).ToList();

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task A_comment_and_a_reply_are_created_listed_updated_and_deleted(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 4);
        var page = site.LeafPage();
        var pageId = page.Id.ToString();

        var sent = site.Client.Counters.RequestsSent;
        var top = await site.Client.CreateCommentAsync(pageId, null, "<p>Top</p>", None);
        Assert.Equal(1, site.Client.Counters.RequestsSent - sent);
        var reply = await site.Client.CreateCommentAsync(pageId, top.Id, "<p>Reply</p>", None);
        Assert.Equal(1, top.Version);
        Assert.Equal(pageId, top.PageId);
        Assert.Equal(top.Id, site.State.FindComment(long.Parse(reply.Id))!.ParentCommentId?.ToString());

        var listed = await site.Client.ListPageCommentsAsync(pageId, None);
        Assert.NotNull(listed);
        Assert.Equal(page.Comments.Select(c => c.Id.ToString()).Order(), listed.Select(c => c.Id).Order());
        var listedReply = listed.Single(c => c.Id == reply.Id);
        Assert.Equal(top.Id, listedReply.ParentCommentId);
        Assert.Equal("<p>Reply</p>", listedReply.Body);
        Assert.Null(listed.Single(c => c.Id == top.Id).ParentCommentId);

        var read = await site.Client.GetCommentAsync(reply.Id, None);
        Assert.NotNull(read);
        Assert.Equal(("<p>Reply</p>", top.Id, 1), (read.Body, read.ParentCommentId, read.Version));
        Assert.Null(await site.Client.GetCommentAsync(pageId, None)); // a page is not a comment
        var updated = await site.Client.UpdateCommentAsync(top.Id, 1, "<p>Edited</p>", None);
        Assert.Equal(2, updated.Version);
        Assert.Equal("<p>Edited</p>", site.State.FindComment(long.Parse(top.Id))!.Current.Body);

        var stale = await Assert.ThrowsAsync<SiteException>(() => site.Client.UpdateCommentAsync(top.Id, 1, "<p>Stale</p>", None));
        Assert.Equal(SiteErrorKind.Conflict, stale.Kind);

        await site.Client.DeleteCommentAsync(top.Id, None);
        Assert.Null(site.State.FindComment(long.Parse(top.Id)));
        Assert.Null(site.State.FindComment(long.Parse(reply.Id))); // replies go with their comment
        await site.Client.DeleteCommentAsync(top.Id, None); // already gone: no error
        Assert.Null(await site.Client.GetCommentAsync(top.Id, None));
        Assert.Null(await site.Client.ListPageCommentsAsync("99999999", None));
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task The_space_listing_gives_every_comment_with_page_parent_author_and_body_50_a_request(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 6);
        var jane = site.State.AddUser("Jane Doe", "jane@example.com", "jane");
        var page = site.LeafPage();
        var top = site.State.AddComment(page.Id, "<p>Hello</p>", null, jane);
        var reply = site.State.AddComment(page.Id, "<p>Hi back</p>", top.Id);
        for (var i = 0; i < 55; i++) site.State.AddComment(site.LeafPage(1).Id, $"<p>Many {i}</p>");
        var expected = StoreComments(site);
        site.SearchCaughtUp(); // the comments are found by search: as its index holds them a few seconds on

        var sent = site.Client.Counters.RequestsSent;
        var all = await site.Client.ListSpaceCommentsAsync(EmulatedSite.SpaceKey, null, None);
        var requests = site.Client.Counters.RequestsSent - sent;

        Assert.Equal(expected.Select(c => c.Id.ToString()).Order(), all.Select(c => c.Id).Order());
        Assert.Equal((expected.Count + 49) / 50, requests);
        var listedTop = all.Single(c => c.Id == top.Id.ToString());
        Assert.Equal(page.Id.ToString(), listedTop.PageId);
        Assert.Null(listedTop.ParentCommentId);
        Assert.Equal("Jane Doe", listedTop.AuthorName);
        Assert.Equal(flavor == EmulatorFlavor.Cloud ? jane.AccountId : jane.UserKey, listedTop.AuthorId);
        Assert.Equal("<p>Hello</p>", listedTop.Body);
        Assert.True(listedTop.Created > DateTimeOffset.MinValue);
        Assert.Equal(top.Id.ToString(), all.Single(c => c.Id == reply.Id.ToString()).ParentCommentId);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task The_space_listing_since_an_instant_finds_only_comments_changed_after_it(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 4);
        var page = site.LeafPage();
        Comment old, edited, fresh;
        using (site.StoreClockAt(DateTimeOffset.UtcNow.AddHours(-3)))
        {
            old = site.State.AddComment(page.Id, "<p>Old</p>");
            edited = site.State.AddComment(page.Id, "<p>Edited later</p>");
        }

        site.State.UpdateComment(edited.Id, 2, "<p>Edited now</p>");
        fresh = site.State.AddComment(page.Id, "<p>Fresh</p>");
        site.SearchCaughtUp(); // as the search index holds them a few seconds on

        var changed = await site.Client.ListSpaceCommentsAsync(EmulatedSite.SpaceKey, DateTimeOffset.UtcNow.AddHours(-1), None);
        var ids = changed.Select(c => c.Id).ToList();
        Assert.Contains(edited.Id.ToString(), ids);
        Assert.Contains(fresh.Id.ToString(), ids);
        Assert.DoesNotContain(old.Id.ToString(), ids);
        Assert.Equal(2, changed.Single(c => c.Id == edited.Id.ToString()).Version);
    }
}
