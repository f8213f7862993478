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
    public async Task Pages_come_with_labels_and_restrictions_in_one_search_and_a_page_the_search_misses_is_not_read_alone(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 30);
        var leaf = site.LeafPage();
        var trashed = site.LeafPage(skip: 1);
        site.State.TrashPage(trashed.Id);
        site.SearchCaughtUp();
        var ancestors = new List<string>();
        for (var p = leaf.ParentId; p is long id; p = site.StorePage(id.ToString()).ParentId) ancestors.Add(id.ToString());
        var pages = new[] { leaf.Id.ToString(), trashed.Id.ToString() };

        var sent = site.Client.Counters.RequestsSent;
        var read = await site.Client.ReadPagesWithMetadataAsync(pages, pages, pages.Concat(ancestors).ToList(), None);

        // One search for all of it; the trashed page is not returned and nothing is read alone for it (the caller's GET tells).
        Assert.Equal(1, site.Client.Counters.RequestsSent - sent);
        Assert.False(read.ContainsKey(trashed.Id.ToString()));
        var hit = read[leaf.Id.ToString()];
        var byId = await site.Client.GetPageAsync(leaf.Id.ToString(), None);
        Assert.NotNull(hit.Page);
        Assert.Equal(byId!.Version.Number, hit.Page!.Version.Number);
        Assert.Equal(byId.Title, hit.Page.Title);
        Assert.Equal(byId.ParentId, hit.Page.ParentId);
        Assert.Equal(site.Space.Key, hit.Page.SpaceKey);
        Assert.Equal(SitePageStatus.Current, hit.Page.Status);
        Assert.Null(hit.Page.Body); // no body asked: Data Center's cap stays 200
        Assert.Equal(await site.Client.GetPageLabelsAsync(leaf.Id.ToString(), None), hit.Labels);
        Assert.Equal(await site.Client.GetPageRestrictionsAsync(leaf.Id.ToString(), None), hit.Restrictions);
        foreach (var id in ancestors)
        {
            Assert.Null(read[id].Page); // asked for restrictions only
            Assert.Equal(await site.Client.GetPageRestrictionsAsync(id, None), read[id].Restrictions);
        }

        if (flavor != EmulatorFlavor.Cloud) return;
        // On Cloud a page in a folder names it as its parent, typed, as v2 does (the last v1 ancestor is the folder).
        var space = site.State.FindSpaceByKey(site.Space.Key)!;
        var folder = site.State.CreateContainer("folder", space.Id, "Notes", leaf.ParentId);
        site.State.UpdatePage(leaf.Id, new Emulator.Store.PageUpdate(leaf.Current.Number + 1, null, null, Move: true, NewParentId: folder.Id));
        site.SearchCaughtUp();
        var inFolder = (await site.Client.ReadPagesWithMetadataAsync(new[] { leaf.Id.ToString() }, Array.Empty<string>(), Array.Empty<string>(), None))[leaf.Id.ToString()].Page!;
        var v2 = await site.Client.GetPageAsync(leaf.Id.ToString(), None);
        Assert.Equal(folder.Id.ToString(), inFolder.ParentId);
        Assert.Equal(v2!.ParentType, inFolder.ParentType);
        Assert.True(inFolder.HasNonPageParent);
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

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Attachments_come_in_the_same_search_and_a_page_with_more_than_the_expansion_carries_is_listed_alone(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 60);
        Requests(site.Client).BatchSize = 25;
        var ids = site.StorePages().Select(p => p.Id.ToString()).ToList();
        var crowded = site.StorePage(ids[7]);
        for (var i = 0; i < 30; i++)
        {
            var blob = Path.GetTempFileName();
            await File.WriteAllTextAsync(blob, "file " + i);
            site.State.AddAttachment(crowded.Id, $"file-{i:00}.txt", "text/plain", blob, "note " + i, false);
        }

        var sent = site.Client.Counters.RequestsSent;
        var read = await site.Client.ReadPageMetadataAsync(Array.Empty<string>(), ids.Take(40).ToList(), None, ids);

        // ceil(61 / 25) searches for restrictions and files together, plus the crowded page's own listing (its 30 files
        // are more than a hit's children.attachment carries).
        Assert.Equal(3 + 1, site.Client.Counters.RequestsSent - sent);
        Assert.Equal(ids.Order(), read.Keys.Order());
        foreach (var id in ids)
        {
            var own = await site.Client.ListAttachments(id).ReadAllAsync(None);
            var batch = read[id].Attachments!;
            Assert.Equal(own.Select(a => (a.Id, a.PageId, a.FileName, a.Version, a.Size, a.MediaType, a.Comment)).OrderBy(a => a.Id),
                batch.Select(a => (a.Id, a.PageId, a.FileName, a.Version, a.Size, a.MediaType, a.Comment)).OrderBy(a => a.Id));
            Assert.Null(read[id].Labels);
        }

        Assert.Equal(crowded.Attachments.Count(a => a.Status == "current"), read[crowded.Id.ToString()].Attachments!.Count); // 30 and the seeder's
        Assert.Contains(read.Values, m => m.Attachments!.Count is > 0 and < 25); // the seeder's files, from the expansion
    }
}

