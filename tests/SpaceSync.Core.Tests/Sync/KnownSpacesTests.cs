using Microsoft.Data.Sqlite;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// A run between structural listings takes each site's space (id, key, homepage) from the state, where the last lookup left
/// it (StateSchema V8), instead of asking both sites again: two requests fewer for every quiet run. A structural run looks
/// both up again, and a listing that answers 404 for a recorded space id makes the run ask again before it reads on.
/// </summary>
public sealed class KnownSpacesTests
{
    [Fact]
    public async Task A_run_between_structural_listings_asks_neither_site_for_its_space()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        var calls = new List<string>();
        var structural = await world.SyncAsync(dcSite: Journaled(world.DcSite, "dc", calls), cloudSite: Journaled(world.CloudSite, "cloud", calls));
        Assert.Equal(ListingMode.Structural, structural.Listing);
        Assert.Contains("dc FindSpace", calls);
        Assert.Contains("cloud FindSpace", calls);
        var marks = world.State.GetReadMarks(RunnerWorld.Key);
        Assert.Equal(RunnerWorld.Key, marks.DataCenterSpace!.Key);
        Assert.False(string.IsNullOrEmpty(marks.CloudSpace!.Id));

        calls.Clear();
        var quiet = await world.SyncAsync(dcSite: Journaled(world.DcSite, "dc", calls), cloudSite: Journaled(world.CloudSite, "cloud", calls));

        Assert.Equal(ListingMode.Changes, quiet.Listing);
        Assert.Empty(quiet.Errors);
        Assert.DoesNotContain(calls, c => c.EndsWith("FindSpace", StringComparison.Ordinal));
        Assert.Contains("cloud GetChangedPages", calls);

        // An edit still crosses, read through the recorded Cloud space id.
        var taken = new List<long>();
        var leaf = RunnerWorld.Leaf(world.Cloud, taken);
        RunnerWorld.Edit(world.Cloud, leaf, body: "<p>Edited on Cloud between structural listings.</p>");
        var carried = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, carried.Listing);
        Assert.Equal(1, carried.Count("Update"));
    }

    [Fact]
    public async Task A_structural_run_looks_both_spaces_up_again()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        await world.SyncAsync();
        var calls = new List<string>();

        var full = await world.SyncAsync(fullListing: true, dcSite: Journaled(world.DcSite, "dc", calls), cloudSite: Journaled(world.CloudSite, "cloud", calls));

        Assert.NotEqual(ListingMode.Changes, full.Listing);
        Assert.Contains("dc FindSpace", calls);
        Assert.Contains("cloud FindSpace", calls);
    }

    [Fact]
    public async Task A_recorded_space_id_the_site_no_longer_knows_is_looked_up_again_and_the_run_goes_on()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        await world.SyncAsync();
        // As if the Cloud space had been deleted and made again under the same key: the recorded id now names nothing.
        Execute(world.State.Path, "UPDATE spaces SET cloud_space = json_set(cloud_space, '$.Id', '987654321')");
        var taken = new List<long>();
        RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: "<p>Edited on Data Center.</p>");
        var calls = new List<string>();

        var run = await world.SyncAsync(dcSite: Journaled(world.DcSite, "dc", calls), cloudSite: Journaled(world.CloudSite, "cloud", calls));

        Assert.Empty(run.Errors);
        Assert.Equal(ListingMode.Changes, run.Listing);
        Assert.Equal(1, run.Count("Update"));
        Assert.Contains("cloud FindSpace", calls);
        // The id looked up is what the next run takes.
        Assert.NotEqual("987654321", world.State.GetReadMarks(RunnerWorld.Key).CloudSpace!.Id);
    }

    private static InterceptingSite Journaled(IConfluenceSite site, string name, List<string> calls) =>
        new InterceptingSite(site) { Journal = call => { if (call.StartsWith("start ", StringComparison.Ordinal)) lock (calls) calls.Add(name + " " + call[6..]); } };

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
