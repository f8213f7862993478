using SpaceSync.Core.Content;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Parsing a body is most of what a baseline costs (issue 14): each body is parsed once, after pairing, for its hash in the
/// dialect the pairs allow and its base, never once more as read. Counted, not timed.
/// </summary>
public sealed class BaselineParseCountTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_baseline_parses_each_body_a_bounded_number_of_times()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 40);
        var pages = world.Dc.GetPages(RunnerWorld.Key).Count(p => p.Status == "current" && !p.IsBlogPost);

        long parses;
        using (var counter = StorageDocument.CountParses())
        {
            var baseline = await world.BaselineAsync();
            Assert.Equal(pages, baseline.PairsRecorded);
            parses = counter.Count;
        }

        output.WriteLine($"{parses} parses for {pages} pairs ({parses / (double)(2 * pages):F2} per body)");
        // Each body once: its round trip's crossings, its hash and (Data Center) its base share one parse, 2 per pair.
        // The string path (each crossing written out and parsed again, the base parsed apart) made it 8.
        Assert.True(parses <= 2 * pages, $"{parses} parses for {pages} pairs");
    }
}
