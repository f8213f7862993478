using SpaceSync.Core.Content;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Parsing a body is most of what a baseline costs (issue 14): each body is hashed once, after pairing, in the dialect the
/// pairs allow, never once more as read. Counted, not timed.
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
        // Per pair: Data Center hashed through a round trip (2 translations + the hash) and stored as the base (1),
        // Cloud through three translations and the hash (4): 8. Hashing again as read would make it 10.
        Assert.True(parses <= 8 * pages, $"{parses} parses for {pages} pairs");
    }
}
