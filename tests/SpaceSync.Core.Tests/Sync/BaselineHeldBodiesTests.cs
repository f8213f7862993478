using SpaceSync.Core.Logging;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// A baseline streams base bodies to the state (issue 14): once a pair is stored, its base body is in the state file and the
/// run keeps only the pair's ids and versions. Holding the stored records with their bodies kept every normalised body of
/// the space as text to the end of the run (about 30 MB per 1,000 pages of real size). Counted, not measured as memory.
/// </summary>
public sealed class BaselineHeldBodiesTests
{
    [Fact]
    public async Task A_baseline_holds_no_base_body_of_a_pair_it_has_stored()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 30);
        // One difference, so the write path (which stores a new base after the write) is counted too.
        var taken = new HashSet<long>();
        var leaf = RunnerWorld.Leaf(world.Dc, taken);
        var edited = RunnerWorld.CurrentPages(world.Cloud).Single(p => p.Title == leaf.Title); // not paired yet: its twin by title
        RunnerWorld.Edit(world.Cloud, edited, body: edited.Current.Body + "<p>Edited on Cloud.</p>");

        BaselineResult baseline;
        int held, bodies;
        using (var probe = BaselineRunner.Watch())
        {
            baseline = await BaselineRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space, SyncSide.DataCenter, idMap: null,
                force: false, whatIf: false, EngineLog.None, pairsPerTransaction: 4, CancellationToken.None);
            held = probe.MostStoredWithBody;
            bodies = probe.MostBodiesHeld;
        }

        Assert.True(baseline.PairsRecorded > 8, $"{baseline.PairsRecorded} pairs: too few for several batches");
        Assert.Equal(1, baseline.Updated);
        Assert.Equal(0, held);
        // Hashed pair by pair, an equal pair's two bodies go as its one base comes: never more than the listings brought
        // (side by side, every base was made while both sides' bodies were still held: 3 per pair).
        var read = 2 * baseline.PairsRecorded + baseline.Unpaired;
        Assert.True(bodies > 0, "the probe saw no hashing");
        Assert.True(bodies <= read, $"{bodies} bodies held at once while hashing; the listings brought {read}");
        // The bases are in the state all the same.
        foreach (var pair in world.State.ListPairs(RunnerWorld.Key))
            Assert.False(string.IsNullOrEmpty(world.State.GetBaseBody(pair.Id)), $"pair {pair.Id} has no base body");
    }

    [Fact]
    public async Task A_baseline_holds_one_batch_of_bodies_at_a_time_not_the_space()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 30);
        // One difference, written with -Authority: its two bodies are the only ones kept past their batch.
        var leaf = RunnerWorld.Leaf(world.Dc, new HashSet<long>());
        var edited = RunnerWorld.CurrentPages(world.Cloud).Single(p => p.Title == leaf.Title);
        RunnerWorld.Edit(world.Cloud, edited, body: edited.Current.Body + "<p>Edited on Cloud.</p>");

        const int batch = 4;
        BaselineResult baseline;
        int bodies;
        using (var probe = BaselineRunner.Watch())
        {
            baseline = await BaselineRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space, SyncSide.DataCenter, idMap: null,
                force: false, whatIf: false, EngineLog.None, pairsPerTransaction: batch, CancellationToken.None);
            bodies = probe.MostBodiesHeld;
        }

        Assert.True(baseline.PairsRecorded >= 6 * batch, $"{baseline.PairsRecorded} pairs: too few for several batches");
        Assert.Equal(1, baseline.Updated);
        // A batch's raw bodies of both sides and its bases (3 a pair), the next batch's raw bodies (read while this one is
        // hashed), and the two bodies the one write needs. Listed with bodies, a baseline held both sides' bodies of the
        // whole space until it hashed them.
        Assert.True(bodies > 0, "the probe saw no hashing");
        Assert.True(bodies <= 5 * batch + 2, $"{bodies} bodies held at once for {baseline.PairsRecorded} pairs in batches of {batch}");
    }

    [Fact]
    public async Task A_baseline_reads_the_next_batch_of_bodies_while_it_hashes_and_stores_this_one()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 30);
        const int batch = 4;
        // How many pairs the state holds as each batch's Data Center bodies are asked for (the journal runs holding the turn).
        var storedAtRead = new List<int>();
        var dc = new InterceptingSite(world.DcSite)
        {
            Journal = call =>
            {
                if (call == "start ReadPageBodies") storedAtRead.Add(world.State.ListPairs(RunnerWorld.Key).Count);
            },
        };

        var baseline = await BaselineRunner.RunAsync(dc, world.CloudSite, world.State, world.Space, authority: null, idMap: null,
            force: false, whatIf: false, EngineLog.None, pairsPerTransaction: batch, CancellationToken.None);

        var batches = (baseline.PairsRecorded + batch - 1) / batch;
        Assert.Equal(batches, storedAtRead.Count);
        // Batch k (from 0) is asked for while batch k - 1 is hashed, so only the batches before that one are stored. Read
        // one after the other, it found batch k - 1 stored too: the sites' latency added to the hashing, batch by batch.
        for (var k = 1; k < batches; k++)
            Assert.True(storedAtRead[k] == batch * (k - 1), $"batch {k} read with {storedAtRead[k]} pairs stored: {string.Join(", ", storedAtRead)}");
    }
}
