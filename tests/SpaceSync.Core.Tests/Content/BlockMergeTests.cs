using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Merge;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

/// <summary>
/// Issue 5's done-when for the merge, as properties over random edit pairs of one page (1,000 cases each): edits in
/// different places merge into a body holding both; edits of the same block collide; merge(base, x, x) = x;
/// merge(base, base, y) = y; no block that neither side deleted is ever dropped.
/// </summary>
public sealed class BlockMergeTests
{
    private const int Cases = 1000;

    private static string BlockText(Random random, string label) => (random.Next(5)) switch
    {
        0 => $"<h2>Heading {label}</h2>",
        1 => $"<ul><li><p>Point {label}</p></li><li><p>Another point</p></li></ul>",
        2 => $"<ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\"><ac:rich-text-body><p>Note {label}</p></ac:rich-text-body></ac:structured-macro>",
        3 => $"<table><tbody><tr><td><p>Cell {label}</p></td></tr></tbody></table>",
        _ => $"<p>Paragraph {label} with <strong>some</strong> text.</p>",
    };

    private static string Body(IEnumerable<string> blocks) => string.Concat(blocks);

    private enum EditKind { Modify, Delete, Insert }

    /// <summary>Applies random edits to base blocks in [from, to) (indices into the base), returning the edited sequence.</summary>
    private static List<string> Edit(Random random, List<string> baseBlocks, int from, int to, string side, out int edits)
    {
        var result = new List<string>();
        edits = 0;
        for (var i = 0; i < baseBlocks.Count; i++)
        {
            var inRange = i >= from && i < to;
            var kind = inRange && random.Next(3) == 0 ? (EditKind)random.Next(3) : (EditKind?)null;
            if (kind is null)
            {
                result.Add(baseBlocks[i]);
                continue;
            }

            edits++;
            switch (kind)
            {
                case EditKind.Modify: result.Add(BlockText(random, $"{side}-edit-{i}")); break;
                case EditKind.Delete: break;
                default: result.Add(baseBlocks[i]); result.Add(BlockText(random, $"{side}-new-after-{i}")); break;
            }
        }

        return result;
    }

    private static List<string> RandomBase(Random random, int count) =>
        Enumerable.Range(0, count).Select(i => BlockText(random, "base-" + i)).ToList();

    [Fact]
    public void Edits_in_different_places_merge_into_a_body_with_both_and_drop_nothing_else()
    {
        var random = new Random(501);
        var merged = 0;
        for (var c = 0; c < Cases; c++)
        {
            var baseBlocks = RandomBase(random, 3 + random.Next(14));
            // A block in the middle that neither side touches separates the two sides' edits.
            var split = 1 + random.Next(baseBlocks.Count - 2);
            var dc = Edit(random, baseBlocks, 0, split, "dc", out _);
            var cloud = Edit(random, baseBlocks, split + 1, baseBlocks.Count, "cloud", out _);
            // What both edits together make: the Data Center's blocks up to the split, then the Cloud's from it.
            var dcHead = dc.TakeWhile(b => b != baseBlocks[split]).ToList();
            var cloudTail = cloud.SkipWhile(b => b != baseBlocks[split]).ToList();
            var expected = ContentNormalizer.Normalize(Body(dcHead.Concat(cloudTail)));

            var result = BlockMerge.Merge(Body(baseBlocks), Body(dc), Body(cloud));

            Assert.True(result.Clean, $"case {c}: edits on both sides of block {split} collided");
            Assert.Equal(expected, result.Body);
            merged++;
        }

        Assert.Equal(Cases, merged);
    }

    [Fact]
    public void Different_edits_of_the_same_block_always_collide_and_make_no_body()
    {
        var random = new Random(502);
        for (var c = 0; c < Cases; c++)
        {
            var baseBlocks = RandomBase(random, 1 + random.Next(12));
            var at = random.Next(baseBlocks.Count);
            var dc = baseBlocks.ToList();
            var cloud = baseBlocks.ToList();
            dc[at] = BlockText(random, $"dc-{c}");
            if (random.Next(2) == 0) cloud[at] = BlockText(random, $"cloud-{c}");
            else cloud.RemoveAt(at); // edited on one side, deleted on the other: a collision too

            var result = BlockMerge.Merge(Body(baseBlocks), Body(dc), Body(cloud));

            Assert.False(result.Clean, $"case {c}: both sides changed block {at}, yet the merge was clean");
            Assert.Null(result.Body);
            Assert.Contains(result.Conflicts, k => k.DataCenter.Any(b => b.Contains($"dc-{c}")));
        }
    }

    [Fact]
    public void The_same_edit_on_both_sides_or_an_edit_on_one_side_only_is_that_edit()
    {
        var random = new Random(503);
        for (var c = 0; c < Cases; c++)
        {
            var baseBlocks = RandomBase(random, 1 + random.Next(12));
            var x = Edit(random, baseBlocks, 0, baseBlocks.Count, "x", out _);
            var baseBody = Body(baseBlocks);
            var normalizedX = ContentNormalizer.Normalize(Body(x));

            Assert.Equal(normalizedX, BlockMerge.Merge(baseBody, Body(x), Body(x)).Body);        // merge(base, x, x) = x
            Assert.Equal(normalizedX, BlockMerge.Merge(baseBody, baseBody, Body(x)).Body);       // merge(base, base, y) = y
            Assert.Equal(normalizedX, BlockMerge.Merge(baseBody, Body(x), baseBody).Body);       // and the other way round
        }
    }

    [Fact]
    public void A_clean_merge_never_drops_a_block_that_neither_side_deleted()
    {
        var random = new Random(504);
        var clean = 0;
        for (var c = 0; c < Cases; c++)
        {
            var baseBlocks = RandomBase(random, 2 + random.Next(12));
            // Edits anywhere on both sides (they may collide): a clean result must keep every block both sides kept.
            var dc = Edit(random, baseBlocks, 0, baseBlocks.Count, "dc", out _);
            var cloud = Edit(random, baseBlocks, 0, baseBlocks.Count, "cloud", out _);
            var result = BlockMerge.Merge(Body(baseBlocks), Body(dc), Body(cloud));
            if (!result.Clean) continue;
            clean++;
            foreach (var kept in baseBlocks.Where(b => dc.Contains(b) && cloud.Contains(b)))
                Assert.Contains(ContentNormalizer.Normalize(kept), result.Body);
            foreach (var added in dc.Concat(cloud).Where(b => !baseBlocks.Contains(b)))
                Assert.Contains(ContentNormalizer.Normalize(added), result.Body);
        }

        Assert.True(clean > Cases / 10, $"only {clean} of {Cases} random edit pairs merged cleanly: the property was hardly exercised");
    }

    [Fact]
    public void A_paragraph_added_on_each_side_in_different_places_of_a_real_page_is_kept_from_both()
    {
        const string page = "<h1>Runbook</h1><p>Step one.</p><p>Step two.</p><p>Step three.</p>";
        var dc = page.Replace("<p>Step one.</p>", "<p>Step one.</p><p>Check the backups first.</p>");
        var cloud = page.Replace("<p>Step three.</p>", "<p>Step three, on Thursdays.</p>");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.True(result.Clean);
        Assert.Equal(ContentNormalizer.Normalize("<h1>Runbook</h1><p>Step one.</p><p>Check the backups first.</p><p>Step two.</p><p>Step three, on Thursdays.</p>"),
            result.Body);
    }
}
