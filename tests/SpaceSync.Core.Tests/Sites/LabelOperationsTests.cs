using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Label operations of both connectors over real HTTP against the emulator (Data Center under /confluence).</summary>
public sealed class LabelOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static LabelRequests Requests(IConfluenceSite client) => client switch
    {
        CloudSite cloud => cloud.Labels,
        DataCenterSite dc => dc.Labels,
        _ => throw new ArgumentException("not a connector", nameof(client)),
    };

    /// <summary>What the store holds: global labels only, as the connectors report them.</summary>
    private static List<string> StoreGlobals(EmulatedSite site, string pageId) =>
        site.StorePage(pageId).Labels.Where(l => l.Prefix == "global").Select(l => l.Name).Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Labels_are_added_in_one_request_read_back_lower_cased_and_removed(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 5);
        var page = site.LeafPage();
        var id = page.Id.ToString();
        var before = StoreGlobals(site, id);

        var sent = site.Client.Counters.RequestsSent;
        await site.Client.AddPageLabelsAsync(id, new[] { "Needs-Review", " draft ", "draft" }, None);
        Assert.Equal(1, site.Client.Counters.RequestsSent - sent);

        var expected = before.Concat(new[] { "draft", "needs-review" }).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, StoreGlobals(site, id));
        Assert.Equal(expected, await site.Client.GetPageLabelsAsync(id, None));

        sent = site.Client.Counters.RequestsSent;
        await site.Client.RemovePageLabelAsync(id, "DRAFT", None);
        Assert.Equal(1, site.Client.Counters.RequestsSent - sent);
        Assert.Equal(expected.Where(l => l != "draft"), await site.Client.GetPageLabelsAsync(id, None));
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Adding_nothing_sends_nothing(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 3);
        var sent = site.Client.Counters.RequestsSent;
        await site.Client.AddPageLabelsAsync(site.LeafPage().Id.ToString(), Array.Empty<string>(), None);
        Assert.Equal(sent, site.Client.Counters.RequestsSent);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Personal_and_team_labels_are_neither_read_nor_counted(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 3);
        var page = site.LeafPage();
        var id = page.Id.ToString();
        site.State.AddLabels(page.Id, new[] { ("my", "mine"), ("team", "ops"), ("global", "shared") });
        site.SearchCaughtUp(); // the batch read searches: as its index stands a few seconds on

        var single = await site.Client.GetPageLabelsAsync(id, None);
        var many = await site.Client.ReadPageLabelsAsync(new[] { id }, None);

        Assert.NotNull(single);
        Assert.Contains("shared", single);
        Assert.DoesNotContain("mine", single);
        Assert.DoesNotContain("ops", single);
        Assert.Equal(single, many[id]);
        Assert.Equal(StoreGlobals(site, id), single);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Many_pages_are_read_in_one_request_per_batch_and_match_the_store(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 60);
        Requests(site.Client).BatchSize = 25;
        var ids = site.StorePages().Select(p => p.Id.ToString()).ToList();
        Assert.Equal(61, ids.Count);
        Assert.Contains(ids, id => StoreGlobals(site, id).Count > 0); // the seeder labels some pages

        var sent = site.Client.Counters.RequestsSent;
        var labels = await site.Client.ReadPageLabelsAsync(ids, None);

        Assert.Equal(3, site.Client.Counters.RequestsSent - sent); // ceil(61 / 25)
        Assert.Equal(ids.Order(), labels.Keys.Order());
        foreach (var id in ids)
            Assert.Equal(StoreGlobals(site, id), labels[id]);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task A_page_the_search_does_not_return_is_read_alone_and_a_missing_one_is_left_out(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 5);
        var trashed = site.LeafPage();
        var kept = site.LeafPage(1);
        site.State.AddLabels(trashed.Id, new[] { ("global", "old") });
        site.State.TrashPage(trashed.Id); // CQL searches current content only
        site.SearchCaughtUp(); // the batch read searches: as its index stands a few seconds on

        var sent = site.Client.Counters.RequestsSent;
        var labels = await site.Client.ReadPageLabelsAsync(new[] { kept.Id.ToString(), trashed.Id.ToString(), "99999999", kept.Id.ToString() }, None);

        // One search, then one read for each page the search did not return.
        Assert.Equal(3, site.Client.Counters.RequestsSent - sent);
        Assert.Equal(StoreGlobals(site, kept.Id.ToString()), labels[kept.Id.ToString()]);
        Assert.False(labels.ContainsKey("99999999"));
        Assert.Equal(new[] { "old" }.Concat(StoreGlobals(site, trashed.Id.ToString())).Distinct().Order(), labels[trashed.Id.ToString()].Order());
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task No_ids_cost_no_request_and_an_id_that_is_not_a_number_is_refused_before_any(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 3);
        var sent = site.Client.Counters.RequestsSent;
        Assert.Empty(await site.Client.ReadPageLabelsAsync(Array.Empty<string>(), None));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => site.Client.ReadPageLabelsAsync(new[] { "1) or (id > 0" }, None));
        Assert.Contains("not a page id", error.Message);
        Assert.Equal(sent, site.Client.Counters.RequestsSent);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Removing_a_label_that_is_gone_succeeds_but_a_missing_page_is_NotFound(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 3);
        var id = site.LeafPage().Id.ToString();

        await site.Client.RemovePageLabelAsync(id, "never-there", None);

        var error = await Assert.ThrowsAsync<SiteException>(() => site.Client.RemovePageLabelAsync("99999999", "x", None));
        Assert.Equal(SiteErrorKind.NotFound, error.Kind);
        Assert.Null(await site.Client.GetPageLabelsAsync("99999999", None));
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task An_invalid_label_is_refused_by_the_site_with_its_reason(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 3);
        var error = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.AddPageLabelsAsync(site.LeafPage().Id.ToString(), new[] { "two words" }, None));
        Assert.Equal(SiteErrorKind.BadRequest, error.Kind);
        Assert.Contains("two words", error.Message);
    }
}
