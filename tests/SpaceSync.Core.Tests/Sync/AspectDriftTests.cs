using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>How a content aspect's findings reach the run's plan items (what -WhatIf and Get-SyncDrift show).</summary>
public sealed class AspectDriftTests
{
    private static PairRecord Pair(string dc, string cloud, string title) => new() { SpaceKey = "ENG", DataCenterPageId = dc, CloudPageId = cloud, Title = title };

    private static SyncPlan PlanWith(params DriftItem[] items) => new() { SpaceKey = "ENG", Items = items };

    [Fact]
    public void Findings_on_a_planned_page_join_its_item_after_its_own_action_and_warnings()
    {
        var plan = PlanWith(new DriftItem
        {
            SpaceKey = "ENG", Status = DriftStatus.DataCenterAhead, Title = "Home", DataCenterId = "1", CloudId = "91",
            DataCenterChanges = PageChanges.Body, Action = "update Cloud", Warnings = ["page warning"],
        });
        var drift = new AspectDrift("comments");
        var page = drift.Of(Pair("1", "91", "Home"));
        page.Cloud |= PageChanges.Comments;
        page.Done.Add("copy Cloud comment c1");
        page.Warnings.Add("comments: a warning");

        var item = Assert.Single(drift.ApplyTo(plan, "ENG").Items);

        Assert.Equal(DriftStatus.DataCenterAhead, item.Status);
        Assert.Equal(PageChanges.Body, item.DataCenterChanges);
        Assert.Equal(PageChanges.Comments, item.CloudChanges);
        Assert.Equal("update Cloud; comments: copy Cloud comment c1", item.Action);
        Assert.Equal(new[] { "page warning", "comments: a warning" }, item.Warnings);
    }

    [Fact]
    public void A_page_changed_only_in_an_aspect_gets_an_item_of_its_own()
    {
        var drift = new AspectDrift("comments");
        drift.Of(Pair("2", "92", "Ahead")).DataCenter |= PageChanges.Comments;
        drift.Of(Pair("2", "92", "Ahead")).Done.Add("copy Data Center comment d1");
        var reported = drift.Of(Pair("3", "93", "Both"));
        reported.Conflict = true;
        reported.Warnings.Add("comments: edited on both sites");

        var items = drift.ApplyTo(PlanWith(), "ENG").Items;

        Assert.Equal(2, items.Count);
        Assert.Equal((DriftStatus.DataCenterAhead, "Ahead", "2", "92", "comments: copy Data Center comment d1"),
            (items[0].Status, items[0].Title, items[0].DataCenterId, items[0].CloudId, items[0].Action));
        Assert.Equal((DriftStatus.Conflict, "none: comments reported"), (items[1].Status, items[1].Action));
        Assert.Equal(new[] { "comments: edited on both sites" }, items[1].Warnings);
    }

    [Fact]
    public void Aspects_fold_in_turn_each_under_its_own_name()
    {
        var comments = new AspectDrift("comments");
        comments.Of(Pair("4", "94", "Page")).Done.Add("a");
        var properties = new AspectDrift("properties");
        properties.Of(Pair("4", "94", "Page")).Done.Add("b");

        var plan = properties.ApplyTo(comments.ApplyTo(PlanWith(), "ENG"), "ENG");

        Assert.Equal("comments: a; properties: b", Assert.Single(plan.Items).Action);
    }

    [Fact]
    public void Comments_are_the_registered_aspect_named_as_the_baseline_counts_them()
    {
        var aspect = Assert.Single(ContentAspects.All);
        Assert.Equal("comments", aspect.Name);
        var space = new ResolvedSpace { Key = "ENG", Content = new ResolvedContent(false, false, Comments: true, Blogposts: false) };
        Assert.True(aspect.IsEnabled(space));
        Assert.False(aspect.IsEnabled(space with { Content = new ResolvedContent(true, true, Comments: false, Blogposts: true) }));
    }
}
