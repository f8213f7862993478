using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.Content;
using Xunit;
using static SpaceSync.Core.Tests.Content.BodyGenerator;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>The baseline keeps a whole space's bodies deflated (<see cref="BodyStore"/>): what comes back is what went in.</summary>
public sealed class BodyStoreTests
{
    [Fact]
    public void A_compact_store_gives_back_every_body_as_it_was_given()
    {
        var bodies = new Dictionary<string, string>
        {
            ["empty"] = "",
            ["lone surrogate"] = "<p>a\uD800b</p>", // not UTF-8: kept as it is
            ["astral"] = "<p>😀 &amp; é</p>",
        };
        for (var seed = 0; seed < 50; seed++) bodies["seed" + seed] = new BodyGenerator(seed, BodyFlavor.Cloud, LinkTargets.Standard).Render(new Random(seed));

        var store = new BodyStore(compact: true);
        foreach (var body in bodies) store.Set(body.Key, body.Value);
        var copy = store.Copy();
        store.Remove("seed0");

        Assert.Equal(bodies.Count - 1, store.Count);
        Assert.False(store.ContainsKey("seed0"));
        Assert.Equal(bodies.Count, copy.Count);
        foreach (var body in bodies)
        {
            Assert.True(copy.TryGetValue(body.Key, out var back));
            Assert.True(body.Value == back, body.Key);
        }
        Assert.Equal(bodies.OrderBy(b => b.Key, StringComparer.Ordinal), copy.OrderBy(b => b.Key, StringComparer.Ordinal));
    }
}
