using SpaceSync.Core.Sites;
using SpaceSync.Core.Tests.Content;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// The Cloud connector against Cloud's conversion of what it stores (docs/confluence-behaviours.md, section 2): the write's
/// answer carries the body as stored, and a body Cloud's editor cannot hold fails with Cloud's reason and the part named.
/// </summary>
public sealed class CloudConversionTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Nested = "<table><tbody><tr><td><table><tbody><tr><td><p>inner</p></td></tr></tbody></table></td></tr></tbody></table>";

    [Fact]
    public async Task A_write_answers_with_the_body_as_cloud_stored_it()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 5);
        var created = await site.Client.CreatePageAsync(site.Space, site.Space.HomepageId, "Stored form", "<p>one</p><p></p>", None);
        Assert.Equal(site.StorePage(created.Id).Current.Body, created.Body);
        Assert.Matches("^<p local-id=\"[0-9a-f]{12}\">one</p><p local-id=\"[0-9a-f]{12}\" />$", created.Body);
        StoredBody.AssertSameContent("<p>one</p><p/>", created.Body);
    }

    [Fact]
    public async Task A_page_or_blog_post_body_cloud_cannot_convert_fails_with_its_reason_and_the_part_named()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 30);
        var page = site.LeafPage();
        var refused = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.UpdatePageAsync(page.Id.ToString(), page.Current.Number, page.Title, Nested, None));
        AssertRefusal(refused);
        Assert.Equal(page.Current.Number, site.StorePage(page.Id.ToString()).Current.Number);

        using var posts = site.Client.OfBlogPosts();
        var space = (await posts.FindSpaceAsync(EmulatedSite.SpaceKey, None))!;
        AssertRefusal(await Assert.ThrowsAsync<SiteException>(() => posts.CreatePageAsync(space, null, "Nested news", Nested, None)));
        Assert.Null(await posts.FindPageByTitleAsync(space, "Nested news", None));

        // Cloud refused something the connector does not know: it says so instead of guessing.
        site.State.RefusedConstructs = new[] { "macro:section" };
        var other = await Assert.ThrowsAsync<SiteException>(() => site.Client.CreatePageAsync(site.Space, site.Space.HomepageId, "Sections",
            "<ac:structured-macro ac:name=\"section\"><ac:rich-text-body><p>x</p></ac:rich-text-body></ac:structured-macro>", None));
        Assert.Equal(SiteErrorKind.BadRequest, other.Kind);
        Assert.Contains("Cloud does not say which part it could not convert", other.Message, StringComparison.Ordinal);
    }

    private static void AssertRefusal(SiteException e)
    {
        Assert.Equal(SiteErrorKind.BadRequest, e.Kind);
        Assert.Equal("Content body cannot be converted to new editor format", e.ServerMessage);
        Assert.Contains("answered 400", e.Message, StringComparison.Ordinal);
        Assert.Contains("Content body cannot be converted to new editor format. Cloud's editor cannot hold a <table> inside a cell of another table " +
                        "(table 2 of the body, inside table 1, beginning \"inner\").", e.Message, StringComparison.Ordinal);
    }
}
