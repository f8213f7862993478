using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>The three-way label merge: examples, then properties over random sets.</summary>
public sealed class LabelMergeTests
{
    private const int Cases = 2000;

    private static string[] Set(params string[] labels) => labels;

    [Fact]
    public void An_addition_on_one_side_reaches_the_other()
    {
        var result = LabelMerge.Merge(Set("a"), Set("a", "b"), Set("a"));
        Assert.Equal(Set("a", "b"), result.Merged);
        Assert.Equal(Set("b"), result.AddToCloud);
        Assert.Empty(result.AddToDataCenter);
        Assert.Empty(result.RemoveFromDataCenter);
        Assert.Empty(result.RemoveFromCloud);
        Assert.True(result.ChangesAnySide);
    }

    [Fact]
    public void A_removal_on_one_side_reaches_the_other()
    {
        var result = LabelMerge.Merge(Set("a", "b"), Set("a", "b"), Set("a"));
        Assert.Equal(Set("a"), result.Merged);
        Assert.Equal(Set("b"), result.RemoveFromDataCenter);
        Assert.Empty(result.AddToDataCenter);
        Assert.Empty(result.AddToCloud);
        Assert.Empty(result.RemoveFromCloud);
    }

    [Fact]
    public void Additions_and_removals_on_both_sides_all_apply()
    {
        // DC added x and removed a; Cloud added y and removed b.
        var result = LabelMerge.Merge(Set("a", "b", "c"), Set("b", "c", "x"), Set("a", "c", "y"));
        Assert.Equal(Set("c", "x", "y"), result.Merged);
        Assert.Equal(Set("y"), result.AddToDataCenter);
        Assert.Equal(Set("b"), result.RemoveFromDataCenter);
        Assert.Equal(Set("x"), result.AddToCloud);
        Assert.Equal(Set("a"), result.RemoveFromCloud);
    }

    [Fact]
    public void The_same_change_on_both_sides_needs_no_write()
    {
        var result = LabelMerge.Merge(Set("a", "b"), Set("b", "n"), Set("n", "b"));
        Assert.Equal(Set("b", "n"), result.Merged);
        Assert.False(result.ChangesAnySide);
    }

    [Fact]
    public void Without_a_recorded_base_the_first_merge_is_the_union()
    {
        var result = LabelMerge.Merge(Array.Empty<string>(), Set("a", "b"), Set("b", "c"));
        Assert.Equal(Set("a", "b", "c"), result.Merged);
        Assert.Equal(Set("c"), result.AddToDataCenter);
        Assert.Equal(Set("a"), result.AddToCloud);
    }

    [Fact]
    public void Names_compare_as_Confluence_stores_them_lower_cased_and_trimmed()
    {
        var result = LabelMerge.Merge(Set("Draft"), Set(" draft", "NEW"), Set("DRAFT"));
        Assert.Equal(Set("draft", "new"), result.Merged);
        Assert.Equal(Set("new"), result.AddToCloud);
        Assert.Empty(result.RemoveFromCloud);
        Assert.Empty(result.AddToDataCenter);
        Assert.Empty(result.RemoveFromDataCenter);
    }

    [Fact]
    public void Empty_names_and_null_sets_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LabelMerge.Merge(Set(), Set(" "), Set()));
        Assert.Throws<ArgumentNullException>(() => LabelMerge.Merge(null!, Set(), Set()));
        Assert.Throws<ArgumentNullException>(() => LabelMerge.Merge(Set(), null!, Set()));
        Assert.Throws<ArgumentNullException>(() => LabelMerge.Merge(Set(), Set(), null!));
    }

    // ------------------------------------------------------------------ properties

    /// <summary>A random set over a small alphabet (so the sets overlap often), in random case and order, with repeats.</summary>
    private static List<string> RandomSet(Random random)
    {
        var alphabet = new[] { "a", "b", "c", "d", "e", "f", "g", "h", "review", "draft" };
        var set = new List<string>();
        var count = random.Next(0, 8);
        for (var i = 0; i < count; i++)
        {
            var label = alphabet[random.Next(alphabet.Length)];
            set.Add(random.Next(4) == 0 ? label.ToUpperInvariant() : label);
        }

        return set;
    }

    private static SortedSet<string> Lower(IEnumerable<string> labels) =>
        new(labels.Select(l => l.Trim().ToLowerInvariant()), StringComparer.Ordinal);

    private static SortedSet<string> Apply(IEnumerable<string> side, IEnumerable<string> add, IEnumerable<string> remove)
    {
        var result = Lower(side);
        foreach (var label in remove) Assert.True(result.Remove(label), $"removes {label}, which the side lacks");
        foreach (var label in add) Assert.True(result.Add(label), $"adds {label}, which the side has");
        return result;
    }

    private static void ForRandomCases(int seed, Action<List<string>, List<string>, List<string>> check)
    {
        var random = new Random(seed);
        for (var i = 0; i < Cases; i++)
            check(RandomSet(random), RandomSet(random), RandomSet(random));
    }

    [Fact]
    public void Applying_the_result_to_both_sides_leaves_them_equal_to_the_new_base()
    {
        ForRandomCases(1, (b, dc, cloud) =>
        {
            var result = LabelMerge.Merge(b, dc, cloud);
            var dcAfter = Apply(dc, result.AddToDataCenter, result.RemoveFromDataCenter);
            var cloudAfter = Apply(cloud, result.AddToCloud, result.RemoveFromCloud);
            Assert.Equal(dcAfter, cloudAfter);
            Assert.Equal(dcAfter, result.Merged);
            Assert.Equal(result.Merged.Order(StringComparer.Ordinal), result.Merged); // sorted, as stored
        });
    }

    [Fact]
    public void Equal_sides_merge_to_themselves_with_no_write()
    {
        ForRandomCases(2, (b, x, _) =>
        {
            var result = LabelMerge.Merge(b, x, x.Select(l => l.ToUpperInvariant()).Reverse());
            Assert.Equal(Lower(x), result.Merged);
            Assert.False(result.ChangesAnySide);
        });
    }

    [Fact]
    public void A_side_unchanged_since_the_base_takes_the_other_side_as_it_is()
    {
        ForRandomCases(3, (b, _, y) =>
        {
            Assert.Equal(Lower(y), LabelMerge.Merge(b, b, y).Merged);
            Assert.Equal(Lower(y), LabelMerge.Merge(b, y, b).Merged);
        });
    }

    [Fact]
    public void A_label_neither_side_touched_stays_as_it_was()
    {
        ForRandomCases(4, (b, dc, cloud) =>
        {
            var merged = LabelMerge.Merge(b, dc, cloud).Merged;
            var (baseSet, dcSet, cloudSet) = (Lower(b), Lower(dc), Lower(cloud));
            foreach (var label in baseSet.Union(dcSet).Union(cloudSet))
            {
                var untouched = dcSet.Contains(label) == baseSet.Contains(label) && cloudSet.Contains(label) == baseSet.Contains(label);
                if (untouched)
                    Assert.Equal(baseSet.Contains(label), merged.Contains(label));
            }
        });
    }

    [Fact]
    public void Every_change_one_side_made_is_kept()
    {
        ForRandomCases(5, (b, dc, cloud) =>
        {
            var merged = LabelMerge.Merge(b, dc, cloud).Merged;
            var (baseSet, dcSet, cloudSet) = (Lower(b), Lower(dc), Lower(cloud));
            foreach (var side in new[] { dcSet, cloudSet })
            {
                foreach (var added in side.Except(baseSet)) Assert.Contains(added, merged);
                foreach (var removed in baseSet.Except(side)) Assert.DoesNotContain(removed, merged);
            }
        });
    }

    [Fact]
    public void The_merge_is_symmetric_in_its_sides()
    {
        ForRandomCases(6, (b, dc, cloud) =>
        {
            var forward = LabelMerge.Merge(b, dc, cloud);
            var swapped = LabelMerge.Merge(b, cloud, dc);
            Assert.Equal(forward.Merged, swapped.Merged);
            Assert.Equal(forward.AddToDataCenter, swapped.AddToCloud);
            Assert.Equal(forward.RemoveFromDataCenter, swapped.RemoveFromCloud);
        });
    }
}
