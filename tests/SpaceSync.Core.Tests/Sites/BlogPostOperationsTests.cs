using SpaceSync.Core.Tests.Content;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// The blog-post view of both connectors (IConfluenceSite.OfBlogPosts) over real HTTP: the page operations a sync makes,
/// on the space's blog posts and never on its pages.
/// </summary>
public sealed class BlogPostOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task The_view_lists_reads_creates_updates_trashes_restores_and_purges_blog_posts_only(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 30); // the seeder writes 3 blog posts
        using var posts = site.Client.OfBlogPosts();
        Assert.Equal(ContentKind.BlogPost, posts.Content);
        Assert.Equal(ContentKind.Page, site.Client.Content);
        var space = (await posts.FindSpaceAsync(EmulatedSite.SpaceKey, None))!;

        var seeded = site.State.GetPages(EmulatedSite.SpaceKey).Where(p => p.IsBlogPost).Select(p => p.Id.ToString()).Order().ToList();
        Assert.Equal(3, seeded.Count);
        var listed = await posts.ListPages(space, withBodies: true, includeTrashed: false).ReadAllAsync(None);
        Assert.Equal(seeded, listed.Select(p => p.Id).Order());
        Assert.All(listed, p => Assert.Null(p.ParentId));
        Assert.All(listed, p => Assert.False(string.IsNullOrEmpty(p.Body)));
        var pages = await site.Client.ListPages(site.Space, withBodies: false, includeTrashed: false).ReadAllAsync(None);
        Assert.DoesNotContain(pages, p => seeded.Contains(p.Id));

        var created = await posts.CreatePageAsync(space, null, "Release notes 4.2", "<p>Out now.</p>", None);
        Assert.True(site.State.FindPage(long.Parse(created.Id))!.IsBlogPost);
        Assert.Null(created.ParentId);
        await Assert.ThrowsAsync<ArgumentException>(() => posts.CreatePageAsync(space, pages[0].Id, "Below a page", "<p/>", None));
        site.SearchCaughtUp(); // Data Center finds a blog post by title through search: a few seconds on
        var found = await posts.FindPageByTitleAsync(space, "Release notes 4.2", None);
        Assert.Equal(created.Id, found?.Id);
        Assert.Null(await site.Client.FindPageByTitleAsync(site.Space, "Release notes 4.2", None));

        var updated = await posts.UpdatePageAsync(created.Id, created.Version.Number, "Release notes 4.2.1", "<p>Fixed.</p>", None);
        Assert.Equal(created.Version.Number + 1, updated.Version.Number);
        var stale = await Assert.ThrowsAsync<SiteException>(() => posts.UpdatePageAsync(created.Id, created.Version.Number, "x", "<p/>", None));
        Assert.Equal(SiteErrorKind.Conflict, stale.Kind);
        StoredBody.AssertStored(flavor, "<p>Fixed.</p>", (await posts.GetPageAsync(created.Id, None))!.Body);

        await posts.TrashPageAsync(created.Id, None);
        var trash = await posts.ListTrash(space).ReadAllAsync(None);
        Assert.Equal(created.Id, Assert.Single(trash).Id);
        Assert.Empty(await site.Client.ListTrash(site.Space).ReadAllAsync(None));
        var restored = await posts.RestorePageAsync(created.Id, updated.Version.Number, None);
        Assert.Equal(SitePageStatus.Current, restored.Status);
        await posts.TrashPageAsync(created.Id, None);
        await posts.PurgePageAsync(created.Id, None);
        Assert.Null(await posts.GetPageAsync(created.Id, None));
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task A_change_query_on_the_view_finds_changed_blog_posts_and_no_pages(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 20);
        using var posts = site.Client.OfBlogPosts();
        var space = (await posts.FindSpaceAsync(EmulatedSite.SpaceKey, None))!;
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var post = site.State.GetPages(EmulatedSite.SpaceKey).First(p => p.IsBlogPost);
        site.State.UpdatePage(post.Id, new Emulator.Store.PageUpdate(post.Current.Number + 1, null, "<p>Edited.</p>"));
        var page = site.LeafPage();
        site.State.UpdatePage(page.Id, new Emulator.Store.PageUpdate(page.Current.Number + 1, null, "<p>Edited page.</p>"));
        site.SearchCaughtUp(); // the change query answers from the search index: as it stands a few seconds on

        var changes = await posts.GetChangedPagesAsync(space, since, TimeSpan.FromMinutes(10), withBodies: true, None);

        var changed = Assert.Single(changes.Pages);
        Assert.Equal(post.Id.ToString(), changed.Id);
        Assert.Equal("<p>Edited.</p>", changed.Body);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Labels_and_attachments_of_a_blog_post_are_read_through_the_view(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 5);
        using var posts = site.Client.OfBlogPosts();
        var space = (await posts.FindSpaceAsync(EmulatedSite.SpaceKey, None))!;
        var created = await posts.CreatePageAsync(space, null, "Labelled post", "<p/>", None);
        await posts.AddPageLabelsAsync(created.Id, new[] { "news", "q4" }, None);
        await using (var bytes = new MemoryStream("hello"u8.ToArray()))
        {
            await posts.UploadAttachmentAsync(created.Id, "hello.txt", "text/plain", bytes, null, None);
        }

        Assert.Equal(new[] { "news", "q4" }, await posts.GetPageLabelsAsync(created.Id, None));
        var files = await posts.ListAttachments(created.Id).ReadAllAsync(None);
        Assert.Equal("hello.txt", Assert.Single(files).FileName);
    }
}
