using SpaceSync.Core.Logging;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 15 item 2 against both emulators: a change run judges the restrictions of the pages it plans only, yet tells the
/// host every restricted page the last full listing found (from the state, not by listing again), and forgets one that a
/// later run judged free.
/// </summary>
public sealed class RestrictedCountRunnerTests(ITestOutputHelper output)
{
    private static HashSet<string> RestrictedKeys(IEnumerable<PageWarning> warnings) =>
        warnings.Where(w => w.Kind == PageWarningKind.RestrictedSkipped).Select(w => w.PageKey).ToHashSet();

    [Fact]
    public async Task A_change_run_tells_every_restricted_page_of_the_last_full_listing_and_forgets_one_it_judged_free()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        await world.BaselineAsync();
        var taken = new List<long>();
        var secret = RunnerWorld.Leaf(world.Dc, taken);
        var opened = RunnerWorld.Leaf(world.Dc, taken);
        foreach (var page in new[] { secret, opened }) world.Dc.SetRestriction(page.Id, "update", new[] { world.Dc.Admin }, Array.Empty<string>());

        var pages = new List<PageWarning>();
        using var log = EngineLog.Create(null, null, pageSink: (w, _) => { lock (pages) pages.Add(w); });
        var full = await world.SyncAsync(log: log);
        Assert.Equal(ListingMode.Structural, full.Listing);
        var listed = full.Plan.Items.Where(i => i.Status == DriftStatus.Restricted).Select(i => "dc:" + i.DataCenterId).ToHashSet();
        Assert.Contains("dc:" + secret.Id, listed);
        Assert.Contains("dc:" + opened.Id, listed);
        Assert.Equal(listed, RestrictedKeys(pages));

        pages.Clear();
        world.ResetRequestCounts();
        var quiet = await world.SyncAsync(log: log);
        world.ShowRequests(output, "quiet", quiet);
        Assert.Equal(ListingMode.Changes, quiet.Listing);
        Assert.DoesNotContain(quiet.Plan.Items, i => i.Status == DriftStatus.Restricted); // not judged by this run...
        Assert.Equal(listed, RestrictedKeys(pages)); // ...and told all the same, each with its text
        Assert.All(pages, w => Assert.Contains("restrictedPages is skip", w.Message, StringComparison.Ordinal));

        // Opened and edited: the change run reads its restrictions, finds none, carries the edit and forgets it.
        world.Dc.SetRestriction(opened.Id, "update", Array.Empty<User>(), Array.Empty<string>());
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(opened.Id)!, body: "<p>Open to all now.</p>");
        pages.Clear();
        var freed = await world.SyncAsync(log: log);
        Assert.Equal(ListingMode.Changes, freed.Listing);
        Assert.Contains(freed.Outcomes, o => o.Outcome == ActionOutcomeKind.Done && o.Action.SourceId == opened.Id.ToString());
        listed.Remove("dc:" + opened.Id);
        Assert.Equal(listed, RestrictedKeys(pages));
        Assert.Equal(listed, world.State.ListRestrictedPages(RunnerWorld.Key).Select(r => r.PageKey).ToHashSet());
    }
}
