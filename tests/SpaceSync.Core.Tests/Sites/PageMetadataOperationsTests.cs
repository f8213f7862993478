using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Labels and restrictions of many pages in one CQL batch, on both connectors over real HTTP.</summary>
public sealed class PageMetadataOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static PageMetadataRequests Requests(IConfluenceSite client) => client switch
    {
        CloudSite cloud => cloud.Metadata,
        DataCenterSite dc => dc.Metadata,
        _ => throw new ArgumentException("not a connector", nameof(client)),
    };

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Labels_and_restrictions_come_in_one_search_a_batch_and_match_the_single_reads(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 60);
        Requests(site.Client).BatchSize = 25;
        var ids = site.StorePages().Select(p => p.Id.ToString()).ToList();
        Assert.Equal(61, ids.Count);
        Assert.Contains(site.StorePages(), p => p.Restrictions.Count > 0); // the seeder restricts a few pages
        var labelsOf = ids.Skip(10).ToList();
        var restrictionsOf = ids.Take(50).ToList();
        const string gone = "987654321";

        var sent = site.Client.Counters.RequestsSent;
        var read = await site.Client.ReadPageMetadataAsync(labelsOf.Append(gone).ToList(), restrictionsOf, None);

        // ceil(61 / 25) searches for both parts, plus the missing page's labels read alone (a 404).
        Assert.Equal(3 + 1, site.Client.Counters.RequestsSent - sent);
        Assert.Equal(ids.Order(), read.Keys.Order());
        foreach (var id in ids)
        {
            Assert.Equal(labelsOf.Contains(id) ? await site.Client.GetPageLabelsAsync(id, None) : null, read[id].Labels);
            Assert.Equal(restrictionsOf.Contains(id) ? await site.Client.GetPageRestrictionsAsync(id, None) : null, read[id].Restrictions);
        }
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task No_ids_cost_no_request_and_the_default_batch_is_200(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 5);
        var sent = site.Client.Counters.RequestsSent;
        Assert.Empty(await site.Client.ReadPageMetadataAsync(Array.Empty<string>(), Array.Empty<string>(), None));
        Assert.Equal(0, site.Client.Counters.RequestsSent - sent);
        // DC caps CQL at 200 results when anything but a body is expanded (docs/confluence-behaviours.md B7, B31).
        Assert.Equal(200, Requests(site.Client).BatchSize);
    }
}
