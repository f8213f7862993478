using SpaceSync.Core.Content.Translation;
using UserMatch = SpaceSync.Core.Content.Translation.UserMatch;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>restrictedPages in the pure planner: skip leaves restricted pages alone both ways, mirror restricts before content.</summary>
public class RestrictionPlannerTests
{
    private const string DcAccount = "svc-key";
    private const string CloudAccount = "svc-account";

    private static PlannerWorld Tree() => new PlannerWorld()
        .Paired("1", title: "Home")
        .Paired("2", "1", title: "Secret")
        .Paired("3", "2", title: "Below secret")
        .Paired("4", "1", title: "Open");

    private static PageRestrictions View(params string[] users) => new(users, Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>());

    private static PageRestrictions Edit(params string[] users) => new(Array.Empty<string>(), Array.Empty<string>(), users, Array.Empty<string>());

    private static PlannerWorld Restrict(PlannerWorld world, SyncSide side, string key, PageRestrictions restrictions) =>
        world.Change(side, key, p => p with { Restrictions = restrictions });

    /// <summary>Every listed page read as unrestricted unless set, as a run reads them.</summary>
    private static PlannerWorld AllRead(PlannerWorld world)
    {
        foreach (var key in new[] { "1", "2", "3", "4" })
        {
            world.Change(DataCenter, key, p => p with { Restrictions = p.Restrictions ?? PageRestrictions.None });
            world.Change(Cloud, key, p => p with { Restrictions = p.Restrictions ?? PageRestrictions.None });
        }

        return world;
    }

    private static DriftItem ItemOf(SyncPlan plan, string key) => plan.Items.Single(i => i.DataCenterId == Dc(key));

    private sealed class Users(Dictionary<string, string> dcToCloud) : IUserMap
    {
        public UserMatch? ByDataCenterUserKey(string userKey) =>
            dcToCloud.TryGetValue(userKey, out var a) ? new UserMatch(a, userKey) : new UserMatch(null, userKey);

        public UserMatch? ByDataCenterUsername(string username) => null;

        public UserMatch? ByCloudAccountId(string accountId) =>
            dcToCloud.FirstOrDefault(p => p.Value == accountId) is { Key: not null } p ? new UserMatch(p.Key, accountId) : new UserMatch(null, accountId);
    }

    private static RestrictionPolicy Mirror(IReadOnlyDictionary<string, PageRestrictions>? dcUnlisted = null) => new()
    {
        Mode = RestrictedPagesMode.Mirror,
        Users = new Users(new Dictionary<string, string> { ["k-alice"] = "a-alice", ["k-bob"] = "a-bob" }),
        DataCenterAccount = DcAccount,
        CloudAccount = CloudAccount,
        DataCenterUnlisted = dcUnlisted ?? new Dictionary<string, PageRestrictions>(),
    };

    // ---- skip

    [Fact]
    public void Skip_an_edit_of_a_restricted_data_center_page_is_not_copied_and_says_why()
    {
        var world = AllRead(Restrict(Tree(), DataCenter, "4", Edit("k-alice"))).Edit(DataCenter, "4");
        var plan = world.Plan();

        Assert.Empty(plan.Actions);
        var item = ItemOf(plan, "4");
        Assert.Equal(DriftStatus.Restricted, item.Status);
        Assert.Equal(SyncPlanner.RestrictedAction, item.Action);
        Assert.Contains("restrictions on Data Center", Assert.Single(item.Warnings));
        Assert.Contains("restrictedPages is skip", item.Warnings[0]);
    }

    [Fact]
    public void Skip_a_restricted_cloud_page_is_neither_updated_nor_trashed_nor_moved_from_data_center()
    {
        var world = AllRead(Restrict(Tree(), Cloud, "4", View(CloudAccount)));
        Assert.Empty(world.Edit(DataCenter, "4").Plan().Actions);

        world = AllRead(Restrict(Tree(), Cloud, "4", View(CloudAccount))).Trash(DataCenter, "4");
        var plan = world.Plan();
        Assert.DoesNotContain(plan.Actions, a => a.Kind == SyncActionKind.Trash);
        Assert.Equal(DriftStatus.Restricted, ItemOf(plan, "4").Status);

        world = AllRead(Restrict(Tree(), Cloud, "4", View(CloudAccount))).Move(DataCenter, "4", "2");
        Assert.Empty(world.Plan().Actions);
    }

    [Fact]
    public void Skip_new_restricted_pages_are_created_in_neither_direction()
    {
        var world = AllRead(Tree())
            .New(DataCenter, "D9", "Payroll", Dc("1"))
            .New(Cloud, "C9", "Salaries", Cl("1"));
        var plan = WithRestrictions(world, (DataCenter, "D9", View("k-alice")), (Cloud, "C9", Edit("a-bob"))).Plan();

        Assert.DoesNotContain(plan.Actions, a => a.Kind == SyncActionKind.Create);
        Assert.Equal(DriftStatus.Restricted, plan.Items.Single(i => i.DataCenterId == "D9").Status);
        Assert.Equal(DriftStatus.Restricted, plan.Items.Single(i => i.CloudId == "C9").Status);
    }

    [Fact]
    public void Skip_every_descendant_of_a_view_restricted_page_is_restricted_but_not_those_of_an_edit_restricted_one()
    {
        var world = AllRead(Restrict(Tree(), DataCenter, "2", View("k-alice")))
            .Edit(DataCenter, "3")
            .New(DataCenter, "D8", "Deep", Dc("3"));
        var plan = WithRestrictions(world, (DataCenter, "D8", PageRestrictions.None)).Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Restricted, ItemOf(plan, "3").Status);
        Assert.Contains("ancestor \"Secret\"", ItemOf(plan, "3").Warnings[0]);
        Assert.Equal(DriftStatus.Restricted, plan.Items.Single(i => i.DataCenterId == "D8").Status);

        var editOnly = AllRead(Restrict(Tree(), DataCenter, "2", Edit("k-alice"))).Edit(DataCenter, "3");
        var update = Assert.Single(editOnly.Plan().Actions);
        Assert.Equal(SyncActionKind.Update, update.Kind);
        Assert.Equal(Cl("3"), update.TargetId);
    }

    [Fact]
    public void Skip_a_change_query_knows_an_unlisted_ancestors_view_restriction_from_the_restrictions_read_beside_it()
    {
        var world = Tree().Edit(DataCenter, "3");
        world.OnlyChanged(DataCenter, Dc("3")).OnlyChanged(Cloud);
        world.Change(DataCenter, "3", p => p with { Restrictions = PageRestrictions.None });
        world.Restrictions = RestrictionPolicy.Skip with
        {
            DataCenterUnlisted = new Dictionary<string, PageRestrictions> { [Dc("2")] = View("k-alice"), [Dc("1")] = PageRestrictions.None },
        };

        var plan = world.Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Restricted, ItemOf(plan, "3").Status);
    }

    // ---- mirror

    [Fact]
    public void Mirror_a_new_restricted_page_is_created_with_its_restrictions_mapped_and_naming_the_target_account()
    {
        var world = AllRead(Tree()).New(DataCenter, "D9", "Payroll", Dc("1"));
        world = WithRestrictions(world, (DataCenter, "D9", new PageRestrictions(new[] { "k-alice", DcAccount }, new[] { "finance" }, new[] { "k-bob" }, Array.Empty<string>())));
        world.Restrictions = Mirror();
        var plan = world.Plan();

        var create = Assert.Single(plan.Actions);
        Assert.Equal(SyncActionKind.Create, create.Kind);
        Assert.NotNull(create.Restrictions);
        Assert.Equal(new[] { "a-alice", CloudAccount }.Order(StringComparer.Ordinal), create.Restrictions!.ReadUsers);
        Assert.Equal(new[] { "finance" }, create.Restrictions.ReadGroups);
        Assert.Equal(new[] { "a-bob", CloudAccount }.Order(StringComparer.Ordinal), create.Restrictions.UpdateUsers);
    }

    [Fact]
    public void Mirror_a_pair_restricted_since_on_data_center_is_restricted_on_cloud_before_its_edit_is_written()
    {
        var world = AllRead(Restrict(Tree(), DataCenter, "4", View("k-alice"))).Edit(DataCenter, "4");
        world.Restrictions = Mirror();
        var plan = world.Plan();

        Assert.Equal(new[] { SyncActionKind.Restrict, SyncActionKind.Update }, plan.Actions.Select(a => a.Kind));
        var restrict = plan.Actions[0];
        var update = plan.Actions[1];
        Assert.Equal(Cloud, restrict.Target);
        Assert.Equal(Cl("4"), restrict.TargetId);
        Assert.Equal(new[] { "a-alice", CloudAccount }.Order(StringComparer.Ordinal), restrict.Restrictions!.ReadUsers);
        Assert.Contains(restrict.Id, update.DependsOn);
        Assert.Equal(new[] { restrict.Id, update.Id }, ItemOf(plan, "4").ActionIds);
    }

    [Fact]
    public void Mirror_restrictions_alone_cross_and_a_child_created_below_waits_for_them()
    {
        var world = AllRead(Restrict(Tree(), Cloud, "2", View("a-bob", CloudAccount))).New(Cloud, "C7", "New below", Cl("2"));
        world = WithRestrictions(world, (Cloud, "C7", PageRestrictions.None));
        world.Restrictions = Mirror();
        var plan = world.Plan();

        var restrict = Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Restrict);
        Assert.Equal(DataCenter, restrict.Target);
        Assert.Equal(new[] { DcAccount, "k-bob" }.Order(StringComparer.Ordinal), restrict.Restrictions!.ReadUsers);
        var create = Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Create);
        Assert.Contains(restrict.Id, create.DependsOn);
        Assert.True(plan.Actions.ToList().IndexOf(restrict) < plan.Actions.ToList().IndexOf(create));
        Assert.Equal(DriftStatus.CloudAhead, ItemOf(plan, "2").Status);
    }

    [Fact]
    public void Mirror_a_user_with_no_counterpart_blocks_the_page_and_its_view_restricted_descendants()
    {
        var world = AllRead(Restrict(Tree(), DataCenter, "2", View("k-carol"))).Edit(DataCenter, "2").Edit(DataCenter, "3");
        world.Restrictions = Mirror();
        var plan = world.Plan();

        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Restricted, ItemOf(plan, "2").Status);
        Assert.Contains("user key k-carol", ItemOf(plan, "2").Warnings[0]);
        Assert.Equal(DriftStatus.Restricted, ItemOf(plan, "3").Status);
    }

    [Fact]
    public void Mirror_equal_restrictions_write_nothing_and_different_ones_on_both_sites_block()
    {
        var equal = AllRead(Restrict(Restrict(Tree(), DataCenter, "4", View("k-alice", DcAccount)), Cloud, "4", View("a-alice", CloudAccount)));
        equal.Restrictions = Mirror();
        var plan = equal.Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.InSync, ItemOf(plan, "4").Status);

        var different = AllRead(Restrict(Restrict(Tree(), DataCenter, "4", View("k-alice")), Cloud, "4", View("a-bob"))).Edit(DataCenter, "4");
        different.Restrictions = Mirror();
        plan = different.Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Restricted, ItemOf(plan, "4").Status);
        Assert.Contains("view restrictions differ", ItemOf(plan, "4").Warnings[0]);
    }

    private static PlannerWorld WithRestrictions(PlannerWorld world, params (SyncSide Side, string Id, PageRestrictions Restrictions)[] pages)
    {
        foreach (var (side, id, restrictions) in pages) world.ChangeById(side, id, p => p with { Restrictions = restrictions });
        return world;
    }
}
