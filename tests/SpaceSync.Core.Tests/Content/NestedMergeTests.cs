using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Merge;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

/// <summary>
/// Issue 5's done-when for the merge inside one top-level block both sides edited — list items, table rows, the blocks of
/// a macro's body, and one level further down (a nested list in an item, a list in a macro body, a column of a layout) —
/// as properties over random edit pairs, 1,000 seeded cases each: edits of different children merge into a body holding
/// both; edits of the same child collide; merge(base, x, x) = x; merge(base, base, y) = y and mirrored; no child that
/// neither side deleted is ever dropped.
/// </summary>
public sealed class NestedMergeTests
{
    private const int Cases = 1000;

    /// <summary>
    /// A top-level block with a sequence of children inside it that the test edits: <c>Wrap(children)</c> is its markup.
    /// <c>Child</c> makes one child carrying a label, so that every edit is visible in the result.
    /// </summary>
    private sealed record Shape(string Name, Func<IEnumerable<string>, string> Wrap, Func<Random, string, string> Child);

    private static readonly Shape[] Shapes =
    {
        new("list", c => "<ul>" + string.Concat(c) + "</ul>", (r, l) => Item(r, l)),
        new("numbered list", c => "<ol start=\"1\">" + string.Concat(c) + "</ol>", (r, l) => Item(r, l)),
        new("table", c => "<table data-layout=\"default\"><tbody>" + string.Concat(c) + "</tbody></table>",
            (r, l) => $"<tr><td><p>Cell {l}</p></td><td><p>{(r.Next(2) == 0 ? "8080" : "<strong>HTTP</strong>")}</p></td></tr>"),
        new("info macro", c => "<ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\"><ac:parameter ac:name=\"title\">Read me</ac:parameter>" +
                               "<ac:rich-text-body>" + string.Concat(c) + "</ac:rich-text-body></ac:structured-macro>", (r, l) => BodyBlock(r, l)),
        new("nested list in an item", c => "<ul><li><p>Before</p></li><li><p>Parent</p><ol>" + string.Concat(c) + "</ol></li><li><p>After</p></li></ul>",
            (r, l) => Item(r, l)),
        new("list in an expand macro", c => "<ac:structured-macro ac:name=\"expand\" ac:schema-version=\"1\"><ac:rich-text-body><p>Steps:</p><ul>" +
                                            string.Concat(c) + "</ul></ac:rich-text-body></ac:structured-macro>", (r, l) => Item(r, l)),
        new("column of a layout", c => "<ac:layout><ac:layout-section ac:type=\"two_equal\"><ac:layout-cell>" + string.Concat(c) +
                                       "</ac:layout-cell><ac:layout-cell><p>Right</p></ac:layout-cell></ac:layout-section></ac:layout>", (r, l) => BodyBlock(r, l)),
        new("task list", c => "<ac:task-list>" + string.Concat(c) + "</ac:task-list>",
            (r, l) => $"<ac:task><ac:task-id>{r.Next(1, 999)}</ac:task-id><ac:task-status>{(r.Next(2) == 0 ? "complete" : "incomplete")}</ac:task-status>" +
                      $"<ac:task-body>Task {l}</ac:task-body></ac:task>"),
        new("rows of a table with a header", c => "<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>" + string.Concat(c) + "</tbody></table>",
            (r, l) => $"<tr><td>{l}</td><td><ul><li><p>{r.Next(100)}</p></li></ul></td></tr>"),
    };

    private static string Item(Random random, string label) => random.Next(4) switch
    {
        0 => $"<li><p>Item {label} with <em>emphasis</em></p></li>",
        1 => $"<li>Plain item {label}</li>",
        2 => $"<li><p>Item {label}</p><ul><li><p>Sub of {label}</p></li></ul></li>",
        _ => $"<li><p>Item {label}</p></li>",
    };

    private static string BodyBlock(Random random, string label) => random.Next(4) switch
    {
        0 => $"<h3>Heading {label}</h3>",
        1 => $"<ul><li><p>Point {label}</p></li></ul>",
        _ => $"<p>Paragraph {label}.</p>",
    };

    /// <summary>A page: a few paragraphs, the block under test, a few more paragraphs.</summary>
    private sealed record Page(Shape Shape, List<string> Before, List<string> After)
    {
        public string Body(IEnumerable<string> children) => string.Concat(Before) + Shape.Wrap(children) + string.Concat(After);

        public int Position => Before.Count;
    }

    private static Page RandomPage(Random random, int c) => new(
        Shapes[random.Next(Shapes.Length)],
        Enumerable.Range(0, random.Next(3)).Select(i => $"<p>Intro {c}-{i}</p>").ToList(),
        Enumerable.Range(0, random.Next(3)).Select(i => $"<p>Outro {c}-{i}</p>").ToList());

    private enum EditKind { Modify, Delete, Insert }

    /// <summary>Random edits of children in [from, to) (at least one when <paramref name="atLeastOne"/>); the edited sequence.</summary>
    private static List<string> Edit(Random random, Shape shape, List<string> children, int from, int to, string side, bool atLeastOne)
    {
        var forced = atLeastOne ? from + random.Next(to - from) : -1;
        var result = new List<string>();
        for (var i = 0; i < children.Count; i++)
        {
            var inRange = i >= from && i < to;
            EditKind? kind = i == forced ? (EditKind)random.Next(3) : inRange && random.Next(3) == 0 ? (EditKind)random.Next(3) : null;
            switch (kind)
            {
                case null: result.Add(children[i]); break;
                case EditKind.Modify: result.Add(shape.Child(random, $"{side}-edit-{i}")); break;
                case EditKind.Delete: break;
                default: result.Add(children[i]); result.Add(shape.Child(random, $"{side}-new-after-{i}")); break;
            }
        }
        return result;
    }

    private static List<string> RandomChildren(Random random, Shape shape, int count) =>
        Enumerable.Range(0, count).Select(i => shape.Child(random, "base-" + i)).ToList();

    [Fact]
    public void Edits_of_different_children_of_one_block_merge_into_a_body_with_both()
    {
        var random = new Random(511);
        var perShape = new Dictionary<string, int>();
        for (var c = 0; c < Cases; c++)
        {
            var page = RandomPage(random, c);
            var children = RandomChildren(random, page.Shape, 3 + random.Next(8));
            // A child that neither side touches separates the two sides' edits; each side edits at least one child.
            var split = 1 + random.Next(children.Count - 2);
            var dc = Edit(random, page.Shape, children, 0, split, "dc", atLeastOne: true);
            var cloud = Edit(random, page.Shape, children, split + 1, children.Count, "cloud", atLeastOne: true);
            var both = dc.TakeWhile(x => x != children[split]).Concat(cloud.SkipWhile(x => x != children[split]));
            var expected = ContentNormalizer.Normalize(page.Body(both));

            var result = BlockMerge.Merge(page.Body(children), page.Body(dc), page.Body(cloud));

            Assert.True(result.Clean, $"case {c} ({page.Shape.Name}): edits on both sides of child {split} collided at " +
                                      string.Join("; ", result.Conflicts.Select(k => k.Describe())));
            Assert.Equal(expected, result.Body);
            perShape[page.Shape.Name] = perShape.GetValueOrDefault(page.Shape.Name) + 1;
        }

        Assert.Equal(Shapes.Length, perShape.Count); // every kind of nesting was exercised
    }

    [Fact]
    public void Rewrites_of_different_children_merge_even_when_adjacent()
    {
        var random = new Random(516);
        for (var c = 0; c < Cases; c++)
        {
            var page = RandomPage(random, c);
            var children = RandomChildren(random, page.Shape, 2 + random.Next(8));
            // Each child is rewritten in place by one side at most; neighbours may belong to different sides.
            var owner = children.Select(_ => random.Next(3)).ToList(); // 0 nobody, 1 Data Center, 2 Cloud
            owner[random.Next(children.Count)] = 1;
            var cloudOnly = Enumerable.Range(0, children.Count).Where(i => owner[i] != 1).ToList();
            if (cloudOnly.Count == 0) owner[0] = 2; // (children.Count > 1, so one stays with the Data Center)
            else owner[cloudOnly[random.Next(cloudOnly.Count)]] = 2;
            var dc = children.Select((x, i) => owner[i] == 1 ? page.Shape.Child(random, $"dc-{i}") : x).ToList();
            var cloud = children.Select((x, i) => owner[i] == 2 ? page.Shape.Child(random, $"cloud-{i}") : x).ToList();
            var expected = ContentNormalizer.Normalize(page.Body(children.Select((x, i) => owner[i] == 1 ? dc[i] : cloud[i])));

            var result = BlockMerge.Merge(page.Body(children), page.Body(dc), page.Body(cloud));

            Assert.True(result.Clean, $"case {c} ({page.Shape.Name}): in-place rewrites collided at {page.Body(children)}\n{page.Body(dc)}\n{page.Body(cloud)}\n" +
                                      string.Join("; ", result.Conflicts.Select(k => k.Describe())));
            Assert.Equal(expected, result.Body);
        }
    }

    [Fact]
    public void Different_edits_of_the_same_child_collide_and_say_where()
    {
        var random = new Random(512);
        for (var c = 0; c < Cases; c++)
        {
            var page = RandomPage(random, c);
            var children = RandomChildren(random, page.Shape, 1 + random.Next(8));
            var at = random.Next(children.Count);
            var dc = children.ToList();
            var cloud = children.ToList();
            dc[at] = page.Shape.Child(random, $"dc-{c}");
            if (random.Next(3) > 0) cloud[at] = page.Shape.Child(random, $"cloud-{c}");
            else cloud.RemoveAt(at); // edited on one side, deleted on the other: a collision too
            // Elsewhere in the same block, an edit the other side does not touch must not hide the collision.
            if (children.Count > 2 && at != children.Count - 1 && random.Next(2) == 0)
                cloud.Add(page.Shape.Child(random, $"cloud-appended-{c}"));

            var result = BlockMerge.Merge(page.Body(children), page.Body(dc), page.Body(cloud));

            Assert.False(result.Clean, $"case {c} ({page.Shape.Name}): both sides changed child {at}, yet the merge was clean");
            Assert.Null(result.Body);
            Assert.Contains(result.Conflicts, k => k.DataCenter.Any(x => x.Contains($"dc-{c}")));
            foreach (var conflict in result.Conflicts)
            {
                Assert.Equal(page.Position, conflict.Position); // the top-level block it is in
                var where = conflict.Describe();
                Assert.InRange(where.Length, 1, 120);
                Assert.DoesNotContain("<", where);
                Assert.Contains(" of the ", where); // named by its place inside the block, not as the whole block
            }
        }
    }

    [Fact]
    public void The_same_edit_on_both_sides_is_that_edit()
    {
        var random = new Random(513);
        for (var c = 0; c < Cases; c++)
        {
            var page = RandomPage(random, c);
            var children = RandomChildren(random, page.Shape, 1 + random.Next(8));
            var x = page.Body(Edit(random, page.Shape, children, 0, children.Count, "x", atLeastOne: false));

            Assert.Equal(ContentNormalizer.Normalize(x), BlockMerge.Merge(page.Body(children), x, x).Body);
        }
    }

    [Fact]
    public void An_edit_on_one_side_only_is_that_edit_either_way_round()
    {
        var random = new Random(514);
        for (var c = 0; c < Cases; c++)
        {
            var page = RandomPage(random, c);
            var children = RandomChildren(random, page.Shape, 1 + random.Next(8));
            var baseBody = page.Body(children);
            var y = page.Body(Edit(random, page.Shape, children, 0, children.Count, "y", atLeastOne: true));
            var normalizedY = ContentNormalizer.Normalize(y);

            Assert.Equal(normalizedY, BlockMerge.Merge(baseBody, baseBody, y).Body);
            Assert.Equal(normalizedY, BlockMerge.Merge(baseBody, y, baseBody).Body);
        }
    }

    [Fact]
    public void A_clean_merge_never_drops_a_child_that_neither_side_deleted()
    {
        var random = new Random(515);
        var clean = 0;
        for (var c = 0; c < Cases; c++)
        {
            var page = RandomPage(random, c);
            var children = RandomChildren(random, page.Shape, 2 + random.Next(8));
            // Edits anywhere in the block on both sides (they may collide): a clean result keeps what both kept and all that was added.
            var dc = Edit(random, page.Shape, children, 0, children.Count, "dc", atLeastOne: true);
            var cloud = Edit(random, page.Shape, children, 0, children.Count, "cloud", atLeastOne: true);
            var result = BlockMerge.Merge(page.Body(children), page.Body(dc), page.Body(cloud));
            if (!result.Clean) continue;
            clean++;
            foreach (var kept in children.Where(x => dc.Contains(x) && cloud.Contains(x)))
                Assert.Contains(ContentNormalizer.Normalize(kept), result.Body);
            foreach (var added in dc.Concat(cloud).Where(x => !children.Contains(x)))
                Assert.Contains(ContentNormalizer.Normalize(added), result.Body);
            foreach (var deleted in children.Where(x => !dc.Contains(x) || !cloud.Contains(x)))
                Assert.False(result.Body!.Contains(ContentNormalizer.Normalize(deleted)), $"BASE {page.Body(children)}\nDC {page.Body(dc)}\nCLOUD {page.Body(cloud)}\nRESULT {result.Body}");
        }

        Assert.True(clean > Cases / 10, $"only {clean} of {Cases} random edit pairs merged cleanly: the property was hardly exercised");
    }

    [Fact]
    public void Cosmetic_differences_between_the_sides_never_make_a_conflict_in_generated_pages()
    {
        // Realistic nested pages (tables of blocks, task lists, macros in macros) rendered with ids, attribute order,
        // whitespace and entity spellings that differ per side: only the changed word counts.
        var clean = 0;
        for (var c = 0; c < Cases; c++)
        {
            var page = new BodyGenerator(52_000 + c);
            var words = page.FlowWordCount;
            var changed = words == 0 ? -1 : new Random(c).Next(words);
            var baseBody = page.Render(null);
            var edited = page.Render(new Random(2 * c), changed);
            var expected = ContentNormalizer.Normalize(page.Render(null, changed));

            Assert.Equal(expected, BlockMerge.Merge(baseBody, edited, page.Render(new Random(2 * c + 1), changed)).Body);
            Assert.Equal(expected, BlockMerge.Merge(baseBody, page.Render(new Random(2 * c + 1)), edited).Body);
            Assert.Equal(expected, BlockMerge.Merge(baseBody, edited, page.Render(new Random(2 * c + 1))).Body);
            clean++;
        }

        Assert.Equal(Cases, clean);
    }
}
