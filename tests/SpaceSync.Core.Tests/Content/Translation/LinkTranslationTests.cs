using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using Xunit;
using static SpaceSync.Core.Tests.Content.Translation.TranslationWorld;

namespace SpaceSync.Core.Tests.Content.Translation;

public class LinkTranslationTests
{
    private static TranslationContext WithSites() => new(Users, Pages, SpaceKeys)
    {
        DataCenterBaseUrl = new Uri("https://wiki.acme.internal/confluence"),
        CloudBaseUrl = new Uri("https://acme.atlassian.net/wiki"),
    };

    [Fact]
    public void A_data_center_link_by_page_id_becomes_the_cloud_page_url_with_its_query_and_fragment()
    {
        var result = ToCloud("<p><a href=\"/pages/viewpage.action?pageId=1001&amp;focusedCommentId=7#comment-7\">see</a></p>");

        Assert.Equal("<p><a href=\"/wiki/spaces/ENG2/pages/3145000001?focusedCommentId=7#comment-7\">see</a></p>", result.Body);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_cloud_page_url_becomes_a_data_center_link_by_id_and_loses_only_its_title_slug()
    {
        var result = ToDataCenter("<p><a href=\"/wiki/spaces/ENG2/pages/3145000002/Release+Plan\">plan</a> <a href=\"/wiki/pages/viewpage.action?pageId=3145000101\">ops</a></p>");

        Assert.Equal("<p><a href=\"/pages/viewpage.action?pageId=1002\">plan</a> <a href=\"/pages/viewpage.action?pageId=2001\">ops</a></p>", result.Body);
    }

    [Fact]
    public void Under_a_context_path_relative_and_absolute_links_keep_their_kind_and_come_back_unchanged()
    {
        var context = WithSites();
        var body = "<p><a href=\"/confluence/pages/viewpage.action?pageId=1001\">a</a>" +
                   "<a href=\"https://wiki.acme.internal/confluence/pages/viewpage.action?pageId=2001\">b</a></p>";

        var there = ToCloud(body, context);
        var back = ToDataCenter(there.Body, context);

        Assert.Equal("<p><a href=\"/wiki/spaces/ENG2/pages/3145000001\">a</a>" +
                     "<a href=\"https://acme.atlassian.net/wiki/spaces/OPS/pages/3145000101\">b</a></p>", there.Body);
        Assert.Equal(body, back.Body);
    }

    [Fact]
    public void Links_to_other_hosts_and_paths_outside_the_site_are_not_touched()
    {
        var context = WithSites();
        var body = "<p><a href=\"https://other.example.com/confluence/pages/viewpage.action?pageId=1001\">x</a>" +
                   "<a href=\"/pages/viewpage.action?pageId=1001\">root, not under /confluence</a>" +
                   "<a href=\"https://wiki.acme.internal/confluence/pages/viewpage.action?pageId=abc\">not an id</a></p>";

        var result = ToCloud(body, context);

        Assert.False(result.Changed);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Absolute_links_are_left_alone_when_the_site_addresses_are_not_known()
    {
        var result = ToCloud("<p><a href=\"https://wiki.acme.internal/pages/viewpage.action?pageId=1001\">x</a></p>");

        Assert.False(result.Changed);
    }

    [Fact]
    public void A_link_to_a_page_that_is_not_paired_stays_and_is_reported()
    {
        var result = ToCloud("<p><a href=\"/pages/viewpage.action?pageId=9999\">gone</a></p>");

        Assert.False(result.Changed);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(TranslationWarningCodes.PageNotPaired, warning.Code);
        Assert.Equal("<a href=\"/pages/viewpage.action?pageId=9999\">gone</a>", warning.Element);
        Assert.Contains("9999", warning.Message);
    }

    [Fact]
    public void Space_keys_in_page_links_follow_the_space_key_map_both_ways()
    {
        var dc = "<p><ac:link><ri:page ri:space-key=\"ENG\" ri:content-title=\"Runbook\" /></ac:link>" +
                 "<ac:link><ri:page ri:space-key=\"OPS\" ri:content-title=\"Pager\" /></ac:link></p>";

        var there = ToCloud(dc);
        var back = ToDataCenter(there.Body);

        Assert.Equal(dc.Replace("\"ENG\"", "\"ENG2\""), there.Body);
        Assert.Equal(dc, back.Body);
    }

    [Fact]
    public void A_content_id_is_mapped_and_an_unpaired_one_falls_back_to_the_title()
    {
        var paired = ToCloud("<ac:link><ri:attachment ri:filename=\"a.png\"><ri:content-entity ri:content-id=\"1002\" /></ri:attachment></ac:link>");
        var byTitle = ToCloud("<ac:link><ri:page ri:content-id=\"9999\" ri:space-key=\"ENG\" ri:content-title=\"Old\" /></ac:link>");
        var bare = ToCloud("<ac:link><ri:content-entity ri:content-id=\"9999\" /></ac:link>");

        Assert.Equal("<ac:link><ri:attachment ri:filename=\"a.png\"><ri:content-entity ri:content-id=\"3145000002\" /></ri:attachment></ac:link>", paired.Body);
        Assert.Equal("<ac:link><ri:page ri:space-key=\"ENG2\" ri:content-title=\"Old\" /></ac:link>", byTitle.Body);
        Assert.Contains("by title", Assert.Single(byTitle.Warnings).Message);
        Assert.False(bare.Changed);
        Assert.Equal(TranslationWarningCodes.PageNotPaired, Assert.Single(bare.Warnings).Code);
    }

    [Fact]
    public void A_url_in_ri_url_is_rewritten_like_an_href()
    {
        var result = ToDataCenter("<ac:link><ri:url ri:value=\"https://acme.atlassian.net/wiki/spaces/ENG2/pages/3145000001\" /></ac:link>", WithSites());

        Assert.Equal("<ac:link><ri:url ri:value=\"https://wiki.acme.internal/confluence/pages/viewpage.action?pageId=1001\" /></ac:link>", result.Body);
    }

    [Fact]
    public void A_cloud_url_in_a_data_center_body_is_not_read_as_a_data_center_id()
    {
        // what makes translating an already translated body a no-op
        var body = "<p><a href=\"/wiki/spaces/ENG2/pages/1001\">x</a></p>";

        Assert.False(ToCloud(body).Changed);
        Assert.False(ToDataCenter("<p><a href=\"/pages/viewpage.action?pageId=3145000001\">x</a></p>").Changed);
    }

    [Fact]
    public void A_bare_content_id_that_is_already_the_target_page_is_left_alone()
    {
        var body = "<ac:link><ri:page ri:content-id=\"3145000001\" ri:content-title=\"Runbook\" /></ac:link>";

        var result = ToCloud(body);

        Assert.False(result.Changed);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Round_trip_of_a_link_with_comment_focus_is_exact()
    {
        var body = "<p><a href=\"/wiki/spaces/ENG2/pages/3145000001?focusedCommentId=12#comment-12\">c</a></p>";

        var back = ToCloud(ToDataCenter(body).Body);

        Assert.Equal(ContentNormalizer.Normalize(body), ContentNormalizer.Normalize(back.Body));
    }
}
