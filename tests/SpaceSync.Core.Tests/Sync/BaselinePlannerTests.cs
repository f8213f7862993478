using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;

namespace SpaceSync.Core.Tests.Sync;

public class BaselinePlannerTests
{
    private static PageSnapshot Page(string id, string title, string? parent = null, string hash = "same", int version = 3, PageStatus status = PageStatus.Current) =>
        new() { Id = id, Title = title, ParentId = parent, BodyHash = hash, Version = version, Status = status };

    // A Data Center space and its CCMA copy: same tree, new ids.
    private static List<PageSnapshot> DataCenterTree() => new()
    {
        Page("d1", "ENG Home"), Page("d2", "Runbooks", "d1"), Page("d3", "Deploy", "d2"), Page("d4", "Rollback", "d2"), Page("d5", "Glossary", "d1"),
    };

    private static List<PageSnapshot> CloudTree() => new()
    {
        Page("c5", "Glossary", "c1"), Page("c1", "ENG Home"), Page("c3", "Deploy", "c2"), Page("c2", "Runbooks", "c1"), Page("c4", "Rollback", "c2", version: 1),
    };

    private static BaselinePlan Plan(IEnumerable<PageSnapshot> dc, IEnumerable<PageSnapshot> cloud, SyncSide? authority = null, IdMap? idMap = null) =>
        BaselinePlanner.Plan(new BaselineRequest
        {
            SpaceKey = "ENG",
            DataCenter = new SpaceSnapshot(DataCenter, dc, isComplete: true),
            Cloud = new SpaceSnapshot(Cloud, cloud, isComplete: true),
            Authority = authority,
            IdMap = idMap,
        });

    /// <summary>An id map of the given "dcId>cloudId" entries, as a CSV would give it (line 2 onwards).</summary>
    private static IdMap Map(params string[] entries) =>
        new("map.csv", entries.Select((e, i) => new IdMapEntry(e.Split('>')[0], e.Split('>')[1], $"map.csv:{i + 2}")).ToList());

    private static string PairsOf(BaselinePlan plan) => string.Join(" ", plan.Pairs.Select(p => $"{p.DataCenter.Id}:{p.Cloud.Id}"));

    [Fact]
    public void Pairs_every_page_by_its_path_parents_first()
    {
        var plan = Plan(DataCenterTree(), CloudTree());
        Assert.Equal(new[] { "d1:c1", "d5:c5", "d2:c2", "d3:c3", "d4:c4" }, plan.Pairs.Select(p => $"{p.DataCenter.Id}:{p.Cloud.Id}"));
        Assert.Equal("ENG Home/Runbooks/Deploy", plan.Pairs.Single(p => p.DataCenter.Id == "d3").Path);
        Assert.All(plan.Items, i => Assert.Equal(DriftStatus.InSync, i.Status));
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void Titles_pair_whatever_their_case()
    {
        var cloud = CloudTree().Select(p => p.Id == "c2" ? p with { Title = "RUNBOOKS" } : p);
        Assert.Equal(5, Plan(DataCenterTree(), cloud).Pairs.Count);
    }

    [Fact]
    public void Differing_pages_without_an_authority_are_recorded_as_conflicts()
    {
        var cloud = CloudTree().Select(p => p.Id == "c3" ? p with { BodyHash = "edited" } : p);
        var plan = Plan(DataCenterTree(), cloud);
        Assert.Empty(plan.Actions);
        var item = plan.Items.Single(i => i.DataCenterId == "d3");
        Assert.Equal(DriftStatus.Conflict, item.Status);
        Assert.Contains("ENG Home/Runbooks/Deploy", item.Warnings.Single());
        Assert.False(plan.Pairs.Single(p => p.DataCenter.Id == "d3").Equal);
    }

    [Theory]
    [InlineData(DataCenter, "c3", 3)]
    [InlineData(Cloud, "d3", 3)]
    public void An_authority_writes_its_content_over_the_other_side(SyncSide authority, string target, int targetVersion)
    {
        var cloud = CloudTree().Select(p => p.Id == "c3" ? p with { BodyHash = "edited" } : p);
        var update = Assert.Single(Plan(DataCenterTree(), cloud, authority).Actions);
        Assert.Equal(SyncActionKind.Update, update.Kind);
        Assert.Equal(authority.Other(), update.Target);
        Assert.Equal(target, update.TargetId);
        Assert.Equal(targetVersion, update.TargetVersion);
        Assert.True(update.WritesBody);
    }

    [Fact]
    public void Pages_without_a_namesake_at_the_same_path_are_reported_with_their_path()
    {
        var cloud = CloudTree().Append(Page("c9", "Added on Cloud", "c1"));
        var plan = Plan(DataCenterTree(), cloud);
        var item = plan.Items.Single(i => i.CloudId == "c9");
        Assert.Equal(DriftStatus.Unpaired, item.Status);
        Assert.Contains("\"ENG Home/Added on Cloud\"", item.Warnings.Single());
        Assert.Contains("Data Center", item.Warnings.Single());
    }

    [Fact]
    public void A_renamed_parent_leaves_its_subtree_unpaired_on_both_sides()
    {
        var cloud = CloudTree().Select(p => p.Id == "c2" ? p with { Title = "Operations" } : p);
        var plan = Plan(DataCenterTree(), cloud);
        Assert.Equal(new[] { "d1", "d5" }, plan.Pairs.Select(p => p.DataCenter.Id));
        Assert.Equal(6, plan.Items.Count(i => i.Status == DriftStatus.Unpaired));
    }

    [Fact]
    public void An_id_map_pairs_a_renamed_parent_and_its_children_pair_by_path_below_it()
    {
        var cloud = CloudTree().Select(p => p.Id == "c2" ? p with { Title = "Operations" } : p);
        var plan = Plan(DataCenterTree(), cloud, idMap: Map("d2>c2", "d404>c404"));

        Assert.Equal("d1:c1 d5:c5 d2:c2 d3:c3 d4:c4", PairsOf(plan)); // parents first
        Assert.Equal("map.csv:2", plan.Pairs.Single(p => p.DataCenter.Id == "d2").IdMapEntry!.Location);
        Assert.Null(plan.Pairs.Single(p => p.DataCenter.Id == "d3").IdMapEntry);
        Assert.Equal("ENG Home/Runbooks/Deploy", plan.Pairs.Single(p => p.DataCenter.Id == "d3").Path);
        Assert.DoesNotContain(plan.Items, i => i.Status == DriftStatus.Unpaired); // d404>c404 is another space's entry
    }

    [Fact]
    public void A_map_pair_whose_title_or_parent_differs_says_what_the_next_sync_will_do_about_it()
    {
        // c3 was renamed and c4 moved under Glossary on Cloud after the migration.
        var cloud = CloudTree().Select(p => p.Id switch
        {
            "c3" => p with { Title = "Deploying" },
            "c4" => p with { ParentId = "c5" },
            _ => p,
        });
        var plan = Plan(DataCenterTree(), cloud, idMap: Map("d3>c3", "d4>c4", "d2>c2"));

        Assert.Equal("d1:c1 d5:c5 d2:c2 d3:c3 d4:c4", PairsOf(plan));
        var renamed = plan.Items.Single(i => i.DataCenterId == "d3").Warnings.Single();
        Assert.Contains("map.csv:2", renamed);
        Assert.Contains("\"Deploy\", Cloud \"Deploying\"", renamed);
        Assert.Contains("parents differ", plan.Items.Single(i => i.DataCenterId == "d4").Warnings.Single());
        Assert.Empty(plan.Items.Single(i => i.DataCenterId == "d2").Warnings);
    }

    [Fact]
    public void The_id_map_wins_over_the_path()
    {
        var plan = Plan(DataCenterTree(), CloudTree(), idMap: Map("d3>c4", "d4>c3"));
        Assert.Equal("d1:c1 d5:c5 d2:c2 d3:c4 d4:c3", PairsOf(plan));
        Assert.All(plan.Pairs.Where(p => p.DataCenter.Id is "d3" or "d4"), p => Assert.NotNull(p.IdMapEntry));
    }

    [Fact]
    public void A_map_entry_whose_twin_is_not_in_the_space_leaves_its_page_unpaired_with_the_entry_named()
    {
        var cloud = CloudTree().Select(p => p.Id == "c4" ? p with { Status = PageStatus.Trashed } : p);
        // d5's twin is elsewhere; c3's twin is a page this Data Center space does not hold; d4's twin is trashed.
        var plan = Plan(DataCenterTree(), cloud, idMap: Map("d5>c99", "d77>c3", "d4>c4"));

        Assert.Equal("d1:c1 d2:c2", PairsOf(plan));
        var d5 = plan.Items.Single(i => i.DataCenterId == "d5");
        Assert.Equal(DriftStatus.Unpaired, d5.Status);
        Assert.Contains("map.csv:2", d5.Warnings.Single());
        Assert.Contains("Cloud page c99", d5.Warnings.Single());
        var c3 = plan.Items.Single(i => i.CloudId == "c3");
        Assert.Contains("map.csv:3", c3.Warnings.Single());
        Assert.Contains("Data Center page d77", c3.Warnings.Single());
        Assert.Contains("Cloud page c4", plan.Items.Single(i => i.DataCenterId == "d4").Warnings.Single());
        // The pages those entries name on the other side do not fall back to the path either.
        Assert.Equal(DriftStatus.Unpaired, plan.Items.Single(i => i.CloudId == "c5").Status);
        Assert.Equal(DriftStatus.Unpaired, plan.Items.Single(i => i.DataCenterId == "d3").Status);
        Assert.Contains("No page at", plan.Items.Single(i => i.CloudId == "c5").Warnings.Single());
    }

    [Fact]
    public void Differing_pages_the_map_pairs_are_conflicts_or_authority_updates_like_any_pair()
    {
        var cloud = CloudTree().Select(p => p.Id == "c2" ? p with { Title = "Operations", BodyHash = "edited" } : p);
        Assert.Equal(DriftStatus.Conflict, Plan(DataCenterTree(), cloud, idMap: Map("d2>c2")).Items.Single(i => i.DataCenterId == "d2").Status);
        var update = Assert.Single(Plan(DataCenterTree(), cloud, DataCenter, Map("d2>c2")).Actions);
        Assert.Equal("c2", update.TargetId);
    }

    [Fact]
    public void A_slash_in_a_title_does_not_make_two_paths_meet()
    {
        var dc = new[] { Page("d1", "A/B"), Page("d2", "C", "d1") };
        var cloud = new[] { Page("c1", "A"), Page("c2", "B/C", "c1") };
        Assert.Empty(Plan(dc, cloud).Pairs);
    }

    [Fact]
    public void Trashed_pages_take_no_part()
    {
        var dc = DataCenterTree().Append(Page("d9", "Old", "d1", status: PageStatus.Trashed));
        var plan = Plan(dc, CloudTree());
        Assert.DoesNotContain(plan.Items, i => i.DataCenterId == "d9");
    }

    [Fact]
    public void A_change_query_answer_is_not_enough_for_a_baseline()
    {
        Assert.Throws<ArgumentException>(() => BaselinePlanner.Plan(new BaselineRequest
        {
            DataCenter = new SpaceSnapshot(DataCenter, DataCenterTree(), isComplete: false),
            Cloud = new SpaceSnapshot(Cloud, CloudTree(), isComplete: true),
        }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(DataCenter)]
    [InlineData(Cloud)]
    public void Hashes_taken_after_pairing_give_the_plan_of_the_hashed_listings(SyncSide? authority)
    {
        // Differing pages, a map pair renamed and moved on Cloud, an unpaired page on each side: the baseline pairs listings
        // without hashes first and takes the hashes after (WithHashes); the plan must be the one of the hashed listings.
        var dc = DataCenterTree().Append(Page("d6", "Only on Data Center", "d1")).Append(Page("d7", "Mapped", "d2", hash: "m")).ToList();
        var cloud = CloudTree().Select(p => p.Id switch
        {
            "c3" => p with { BodyHash = "edited" },
            "c4" => p with { BodyHash = "other" },
            _ => p,
        }).Append(Page("c6", "Only on Cloud", "c1")).Append(Page("c7", "Mapped, renamed", "c5", hash: "n")).ToList();
        var map = Map("d7>c7");
        var request = new BaselineRequest
        {
            SpaceKey = "ENG",
            DataCenter = new SpaceSnapshot(DataCenter, dc.Select(p => p with { BodyHash = "" }), isComplete: true),
            Cloud = new SpaceSnapshot(Cloud, cloud.Select(p => p with { BodyHash = "" }), isComplete: true),
            Authority = authority,
            IdMap = map,
        };

        var pairing = BaselinePlanner.Plan(request);
        Assert.All(pairing.Pairs, p => Assert.True(p.Equal));
        var taken = BaselinePlanner.WithHashes(request, pairing, dc.ToDictionary(p => p.Id), cloud.ToDictionary(p => p.Id));
        var expected = Plan(dc, cloud, authority, map);

        Assert.Equal(PairsOf(expected), PairsOf(taken));
        Assert.Equal(expected.Pairs.Select(p => (p.DataCenter, p.Cloud, p.Path, p.Equal)), taken.Pairs.Select(p => (p.DataCenter, p.Cloud, p.Path, p.Equal)));
        Assert.Equal(expected.Items.Select(Text), taken.Items.Select(Text));
        Assert.Equal(expected.Actions, taken.Actions);
        Assert.Contains(taken.Items, i => i.Status != DriftStatus.InSync && i.Status != DriftStatus.Unpaired);

        static string Text(DriftItem i) =>
            $"{i.Status} {i.DataCenterId}:{i.CloudId} {i.Title} {i.DataCenterVersion}/{i.CloudVersion} {i.Action} [{string.Join(",", i.ActionIds)}] {string.Join(" | ", i.Warnings)}";
    }
}
