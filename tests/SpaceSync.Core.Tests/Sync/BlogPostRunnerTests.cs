using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 4 item 4: blog posts (content.blogposts) cross with the same guarantees as pages — baseline, edits, new posts,
/// trashes, concurrent edits, incremental runs — as a collection of their own beside the page tree.
/// </summary>
public sealed class BlogPostRunnerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    internal static async Task<(RunnerWorld World, ResolvedSpace Posts, IConfluenceSite Dc, IConfluenceSite Cloud)> StartAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 40); // the seeder writes 4 blog posts
        world.Space = world.Space with { Content = new ResolvedContent(false, false, false, Blogposts: true) };
        // What the migration assistant copies besides the page tree: the blog posts.
        var cloudSpace = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!;
        foreach (var post in Posts(world.Dc))
        {
            var copy = world.Cloud.CreateBlogPost(cloudSpace.Id, post.Title, post.Current.Body);
            var comments = new Dictionary<long, long>();
            foreach (var comment in post.Comments.OrderBy(c => c.Id))
            {
                long? parent = comment.ParentCommentId is long p ? comments[p] : null;
                comments[comment.Id] = world.Cloud.AddComment(copy.Id, comment.Current.Body, parent).Id;
            }
        }

        var collections = SpaceCollections.Of(world.Space).ToList();
        Assert.Equal(new[] { RunnerWorld.Key, RunnerWorld.Key + ":blogposts" }, collections.Select(c => c.Key));
        return (world, collections[1], world.DcSite.OfBlogPosts(), world.CloudSite.OfBlogPosts());
    }

    internal static List<Page> Posts(EmulatorState state) =>
        state.GetPages(RunnerWorld.Key).Where(p => p.IsBlogPost && p.Status == "current").OrderBy(p => p.Id).ToList();

    internal static Task<SyncRunResult> SyncAsync(RunnerWorld world, ResolvedSpace posts, IConfluenceSite dc, IConfluenceSite cloud)
    {
        world.SearchCaughtUp();
        return SyncRunner.RunAsync(dc, cloud, world.State, posts, new SyncRunOptions(), EngineLog.None, None);
    }

    private static void AssertPostsEqual(RunnerWorld world, ResolvedSpace posts)
    {
        var pairs = world.State.ListPairs(posts.Key).Where(p => p.Status == Core.State.PairStatus.Active).ToList();
        Assert.Equal(Posts(world.Dc).Select(p => p.Id.ToString()).Order(), pairs.Select(p => p.DataCenterPageId).Order());
        Assert.Equal(Posts(world.Cloud).Select(p => p.Id.ToString()).Order(), pairs.Select(p => p.CloudPageId).Order());
        foreach (var pair in pairs)
        {
            var dc = world.Dc.FindPage(long.Parse(pair.DataCenterPageId))!;
            var cloud = world.Cloud.FindPage(long.Parse(pair.CloudPageId))!;
            Assert.True(dc.IsBlogPost && cloud.IsBlogPost);
            Assert.Equal(dc.Title, cloud.Title);
            Assert.Equal(ContentNormalizer.Normalize(dc.Current.Body), ContentNormalizer.Normalize(cloud.Current.Body));
        }
    }

    [Fact]
    public async Task Blog_posts_are_baselined_and_synced_both_ways_as_their_own_collection_beside_the_pages()
    {
        var (world, posts, dc, cloud) = await StartAsync();
        await using var _ = world;
        var pageBaseline = await world.BaselineAsync();
        var postBaseline = await BaselineRunner.RunAsync(dc, cloud, world.State, posts, null, false, false, EngineLog.None, None);
        Assert.Equal(4, postBaseline.PairsRecorded);
        Assert.Equal(0, postBaseline.Unpaired);
        Assert.Equal(pageBaseline.PairsRecorded, world.State.ListPairs(RunnerWorld.Key).Count); // no blog post among the pages

        var dcPosts = Posts(world.Dc);
        RunnerWorld.Edit(world.Dc, dcPosts[0], body: "<p>Edited on Data Center.</p>");
        world.Dc.TrashPage(dcPosts[1].Id);
        var cloudPosts = Posts(world.Cloud);
        RunnerWorld.Edit(world.Cloud, cloudPosts[2], title: cloudPosts[2].Title + " (retitled on Cloud)");
        var cloudSpace = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!;
        world.Cloud.CreateBlogPost(cloudSpace.Id, "Posted on Cloud", "<p>Fresh news.</p>");

        // One trash in four posts is 25%: the delete guard counts within the collection, as it does for pages.
        var refused = await SyncAsync(world, posts, dc, cloud);
        Assert.Equal("DeleteGuard", refused.Refusal?.Code);
        posts = posts with { MaxDeletePercent = 50 };
        var run = await SyncAsync(world, posts, dc, cloud);

        Assert.Null(run.Refusal);
        Assert.Empty(run.Errors);
        Assert.Equal(RunnerWorld.Key + ":blogposts", run.SpaceKey);
        Assert.Equal(1, run.Count("Create"));
        Assert.Equal(1, run.Count("Trash"));
        Assert.Equal(2, run.Count("Update"));
        AssertPostsEqual(world, posts);
        Assert.Contains(Posts(world.Dc), p => p.Title == "Posted on Cloud");
        Assert.All(world.Dc.GetPages(RunnerWorld.Key).Where(p => p.Title == "Posted on Cloud"), p => Assert.True(p.IsBlogPost));
        var twinOfTrashed = world.State.FindPair(posts.Key, SiteKind.DataCenter, dcPosts[1].Id.ToString())!;
        Assert.Equal("trashed", world.Cloud.FindPage(long.Parse(twinOfTrashed.CloudPageId))!.Status);

        // The page tree saw none of it, and a second run of either collection writes nothing.
        var pages = await world.SyncAsync();
        Assert.DoesNotContain(pages.Plan.Actions, a => a.WritesSite);
        var again = await SyncAsync(world, posts, dc, cloud);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        Assert.Equal(ListingMode.Changes, again.Listing);
    }

    [Fact]
    public async Task A_comment_on_a_blog_post_crosses_to_its_twin_both_ways()
    {
        var (world, posts, dc, cloud) = await StartAsync();
        await using var _ = world;
        posts = posts with { Content = new ResolvedContent(false, false, Comments: true, Blogposts: true) };
        await BaselineRunner.RunAsync(dc, cloud, world.State, posts, null, false, false, EngineLog.None, None);
        var post = Posts(world.Dc)[0];
        var twin = world.Cloud.FindPage(long.Parse(world.State.FindPair(posts.Key, SiteKind.DataCenter, post.Id.ToString())!.CloudPageId))!;
        var dcBefore = post.Comments.Count;
        var cloudBefore = twin.Comments.Count;
        world.Dc.AddComment(post.Id, "<p>Great news from Data Center.</p>");
        world.Cloud.AddComment(twin.Id, "<p>Agreed, says Cloud.</p>");

        var run = await SyncAsync(world, posts, dc, cloud);

        Assert.Empty(run.Errors);
        Assert.Equal(2, run.Count("CommentsCreated"));
        Assert.Equal(cloudBefore + 2, world.Cloud.FindPage(twin.Id)!.Comments.Count);
        Assert.Contains(world.Cloud.FindPage(twin.Id)!.Comments, c => c.Current.Body.Contains("Great news from Data Center."));
        Assert.Contains(world.Dc.FindPage(post.Id)!.Comments, c => c.Current.Body.Contains("Agreed, says Cloud."));
        Assert.Equal(dcBefore + 2, world.Dc.FindPage(post.Id)!.Comments.Count);
    }

    [Fact]
    public async Task A_blog_post_edited_on_both_sites_is_a_conflict_left_alone_under_manual()
    {
        var (world, posts, dc, cloud) = await StartAsync();
        await using var _ = world;
        await BaselineRunner.RunAsync(dc, cloud, world.State, posts, null, false, false, EngineLog.None, None);
        var post = Posts(world.Dc)[0];
        var twin = world.Cloud.FindPage(long.Parse(world.State.FindPair(posts.Key, SiteKind.DataCenter, post.Id.ToString())!.CloudPageId))!;
        RunnerWorld.Edit(world.Dc, post, body: "<p>Data Center's news.</p>");
        RunnerWorld.Edit(world.Cloud, twin, body: "<p>Cloud's news.</p>");

        var run = await SyncAsync(world, posts, dc, cloud);

        var conflict = Assert.Single(run.Conflicts);
        Assert.Equal(post.Title, conflict.Title);
        Assert.Contains("Data Center's news", world.Dc.FindPage(post.Id)!.Current.Body);
        Assert.Contains("Cloud's news", world.Cloud.FindPage(twin.Id)!.Current.Body);
    }

    [Fact]
    public async Task A_space_limited_to_a_subtree_or_without_content_blogposts_has_no_blog_post_collection()
    {
        var space = new ResolvedSpace { Key = "ENG", CloudKey = "ENG2", Content = new ResolvedContent(true, true, false, Blogposts: true) };
        var posts = Assert.Single(SpaceCollections.Of(space).Skip(1));
        Assert.Equal(("ENG", "ENG2", ContentKind.BlogPost), (posts.SiteKey, posts.SiteCloudKey, posts.Collection));
        Assert.Equal(("ENG:blogposts", "ENG2:blogposts"), (posts.Key, posts.CloudKey));
        Assert.Single(SpaceCollections.Of(space with { IncludeSubtree = "Docs" }));
        Assert.Single(SpaceCollections.Of(space with { Content = new ResolvedContent(true, true, false, Blogposts: false) }));
        await Task.CompletedTask;
    }
}
