using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Start-SpaceBaseline with scope filters: pages out of scope are reported as Excluded and never paired.</summary>
public class FilterBaselinePlannerTests
{
    private static PageSnapshot Page(string id, string title, string? parent = null, params string[] labels) =>
        new() { Id = id, Title = title, ParentId = parent, BodyHash = "same", Version = 2, Labels = labels };

    private static List<PageSnapshot> Tree(string p) => new()
    {
        Page(p + "1", "ENG Home"), Page(p + "2", "Runbooks", p + "1"), Page(p + "3", "Deploy", p + "2"),
        Page(p + "4", "Archive 2019", p + "2"), Page(p + "5", "Old deploy", p + "4"), Page(p + "6", "Glossary", p + "1"),
    };

    private static BaselinePlan Plan(IEnumerable<PageSnapshot> dc, IEnumerable<PageSnapshot> cloud, ScopeFilter filter, IdMap? map = null) =>
        BaselinePlanner.Plan(new BaselineRequest
        {
            SpaceKey = "ENG",
            DataCenter = new SpaceSnapshot(DataCenter, dc, isComplete: true),
            Cloud = new SpaceSnapshot(Cloud, cloud, isComplete: true),
            Filter = filter,
            IdMap = map,
        });

    private static string PairsOf(BaselinePlan plan) => string.Join(" ", plan.Pairs.Select(p => $"{p.DataCenter.Id}:{p.Cloud.Id}"));

    private static DriftItem ItemOf(BaselinePlan plan, string id) => plan.Items.Single(i => i.DataCenterId == id || i.CloudId == id);

    [Fact]
    public void Pairs_only_the_pages_in_scope_and_reports_the_others_as_excluded()
    {
        var plan = Plan(Tree("d"), Tree("c"), new ScopeFilter("ENG Home/Runbooks", new[] { "Archive*" }, null));
        Assert.Equal("d2:c2 d3:c3", PairsOf(plan));
        foreach (var id in new[] { "d1", "c1", "d4", "c4", "d5", "c5", "d6", "c6" })
        {
            var item = ItemOf(plan, id);
            Assert.Equal(DriftStatus.Excluded, item.Status);
            Assert.StartsWith("none: out of scope", item.Action);
        }
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void The_id_map_does_not_pair_a_page_out_of_scope()
    {
        var plan = Plan(Tree("d"), Tree("c"), new ScopeFilter(null, new[] { "Archive*" }, null), new IdMap("map.csv", new[] { new IdMapEntry("d4", "c4", "map.csv:2") }));
        Assert.DoesNotContain(plan.Pairs, p => p.DataCenter.Id == "d4" || p.DataCenter.Id == "d5");
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "d4").Status);
        Assert.Equal(4, plan.Pairs.Count);
    }

    [Fact]
    public void A_page_in_scope_whose_namesake_is_labelled_out_on_the_other_side_stays_unpaired_and_says_why()
    {
        var cloud = Tree("c");
        cloud[2] = cloud[2] with { Labels = new[] { "no-sync" } };
        var plan = Plan(Tree("d"), cloud, new ScopeFilter(null, null, new[] { "no-sync" }));
        var item = ItemOf(plan, "d3");
        Assert.Equal(DriftStatus.Unpaired, item.Status);
        Assert.Contains("out of the sync scope", Assert.Single(item.Warnings));
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "c3").Status);
        Assert.Equal(5, plan.Pairs.Count);
    }

    [Fact]
    public void Unread_labels_are_warned_about_once()
    {
        var dc = Tree("d").Select(p => p with { Labels = null }).ToList();
        var plan = Plan(dc, Tree("c"), new ScopeFilter(null, null, new[] { "no-sync" }));
        Assert.Equal(6, plan.Pairs.Count);
        Assert.Contains("no labels", Assert.Single(plan.Warnings));
    }
}
