using SpaceSync.Core.Http;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Faults;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// A sync reads Data Center and Cloud at once (TurnGate.BothAsync): the space lookups, change queries and metadata batches of the two
/// sites overlap while they wait on the wire. Data Center's answers are held by its emulator; the order in which the
/// two sites' reads start and end shows the overlap. No time is measured.
/// </summary>
public sealed class BothSidesReadTests
{
    [Fact]
    public async Task A_sync_asks_Cloud_while_Data_Center_s_answer_is_still_on_its_way()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        await world.SyncAsync(); // structural: the change-query marks are set
        var taken = new List<long>();
        RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: "<p>Data Center edit.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken)), body: "<p>Cloud edit.</p>");

        var journal = new List<string>();
        var dc = new InterceptingSite(world.DcSite) { Journal = call => { lock (journal) journal.Add("dc " + call); } };
        var cloud = new InterceptingSite(world.CloudSite) { Journal = call => { lock (journal) journal.Add("cloud " + call); } };
        // Every Data Center API answer comes 300 ms after its work: Cloud's reads start meanwhile.
        world.DcEmulator.Faults.Apply(new FaultSettings { Hold = new HoldSettings { Method = "GET", PathPrefix = "/confluence/rest/api", Ms = 300 } });
        SyncRunResult result;
        try
        {
            result = await world.SyncAsync(dcSite: dc, cloudSite: cloud);
        }
        finally
        {
            world.DcEmulator.Faults.Apply(new FaultSettings());
        }

        Assert.Empty(result.Errors);
        Assert.Equal(ListingMode.Changes, result.Listing);
        Assert.Equal(2, result.Count("Update"));
        AssertOverlap(journal, "GetChangedPages", "ReadPageMetadata");

        // The spaces are looked up by structural runs only (a change run takes them from the state): both at once too.
        journal.Clear();
        world.DcEmulator.Faults.Apply(new FaultSettings { Hold = new HoldSettings { Method = "GET", PathPrefix = "/confluence/rest/api", Ms = 300 } });
        try
        {
            result = await world.SyncAsync(dcSite: dc, cloudSite: cloud, fullListing: true);
        }
        finally
        {
            world.DcEmulator.Faults.Apply(new FaultSettings());
        }

        Assert.Empty(result.Errors);
        AssertOverlap(journal, "FindSpace");
    }

    private static void AssertOverlap(List<string> journal, params string[] calls)
    {
        foreach (var call in calls)
        {
            Assert.Contains("cloud start " + call, journal);
            Assert.True(journal.IndexOf("cloud start " + call) < journal.IndexOf("dc end " + call),
                $"Cloud's {call} started only after Data Center's ended: {string.Join(", ", journal)}");
        }
    }

    [Fact]
    public async Task The_first_flow_to_fail_cancels_the_other_and_its_failure_is_the_one_thrown()
    {
        var secondCancelled = false;
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => TurnGate.BothAsync<int, int>(
            async _ =>
            {
                await TurnGate.WhileWaitingAsync(async () =>
                {
                    await Task.Delay(20);
                    return 0;
                });
                throw new InvalidOperationException("first");
            },
            async token =>
            {
                try
                {
                    // As a read of the other site would: waiting on the wire until told to stop.
                    return await TurnGate.WhileWaitingAsync(async () =>
                    {
                        await Task.Delay(Timeout.Infinite, token);
                        return 0;
                    });
                }
                catch (OperationCanceledException)
                {
                    secondCancelled = true;
                    throw;
                }
            },
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60))); // bounded only so that a hang fails

        Assert.Equal("first", thrown.Message);
        Assert.True(secondCancelled);
    }

    [Fact]
    public async Task A_lane_waiting_for_work_the_other_lane_runs_gives_its_turn_up_and_both_finish()
    {
        // As the user listing both lanes of a run may need: one starts it, the other finds it running and waits for it.
        Task<int>? shared = null;
        async Task<int> ListAsync() => await TurnGate.WhileWaitingAsync(async () =>
        {
            await Task.Delay(50);
            return 7;
        });

        // A deadlock would never end: the wait is bounded only so that the test fails instead of hanging.
        var both = TurnGate.BothAsync(
            async _ =>
            {
                shared = ListAsync();
                return await TurnGate.AwaitShared(shared);
            },
            _ => TurnGate.AwaitShared(shared!), CancellationToken.None);
        var (first, second) = await both.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal((7, 7), (first, second));
    }

    [Fact]
    public async Task Inside_a_lane_of_another_gate_the_two_flows_run_one_after_the_other()
    {
        var order = new List<string>();
        var (outer, _) = await TurnGate.BothAsync(
            token => TurnGate.BothAsync(
                async _ => { order.Add("a start"); await Task.Delay(20); order.Add("a end"); return 1; },
                async _ => { order.Add("b start"); await Task.Delay(20); order.Add("b end"); return 2; }, token),
            _ => Task.FromResult(0), CancellationToken.None);

        Assert.Equal((1, 2), outer);
        Assert.Equal(new[] { "a start", "a end", "b start", "b end" }, order);
    }
}
