using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// The kind of the planner's per-page warnings (issue 15 item 2): what a host groups by instead of the English text, with
/// the space, both page ids and the title carried along and the text the drift shows kept as it is.
/// </summary>
public class PageWarningKindTests
{
    [Fact]
    public void Restricted_archived_collided_and_unreadable_items_each_have_their_kind_and_an_in_sync_one_none()
    {
        var world = new PlannerWorld()
            .Paired("1", title: "Home")
            .Paired("2", "1", title: "Payroll")
            .Paired("3", "1", title: "Old plans")
            .Paired("4", "1", title: "Broken")
            .Paired("5", "1", title: "Open")
            .New(DataCenter, "d9", "Glossary", hash: "dc text").New(Cloud, "c9", "GLOSSARY", hash: "cloud text");
        world.Change(DataCenter, "2", p => p with { Restrictions = new PageRestrictions(new[] { "k-alice" }, Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>()) });
        world.Change(Cloud, "3", p => p with { Archived = true });
        world.Edit(DataCenter, "4").Change(DataCenter, "4", p => p with { Unreadable = "line 1: an unclosed <p>" });

        var plan = world.Plan();
        DriftItem Of(string dc) => plan.Items.Single(i => i.DataCenterId == dc);

        Assert.Equal(PageWarningKind.RestrictedSkipped, PageWarning.KindOf(Of(Dc("2"))));
        Assert.Equal(PageWarningKind.ArchivedLeftAlone, PageWarning.KindOf(Of(Dc("3"))));
        Assert.Equal(PageWarningKind.UnreadableBody, PageWarning.KindOf(Of(Dc("4"))));
        Assert.Equal(PageWarningKind.TitleCollision, PageWarning.KindOf(Of("d9")));
        Assert.Null(PageWarning.KindOf(Of(Dc("5")))); // in sync: nothing to say
        Assert.Empty(Of(Dc("5")).Warnings);

        var restricted = Assert.Single(PageWarning.Of(Of(Dc("2")), PageWarningKind.RestrictedSkipped));
        Assert.Equal(new PageWarning(PageWarningKind.RestrictedSkipped, plan.SpaceKey, Dc("2"), Cl("2"), "Payroll", Assert.Single(Of(Dc("2")).Warnings)), restricted);
        Assert.Equal("dc:" + Dc("2"), restricted.PageKey);
        Assert.Contains("is left untouched on both sites", restricted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_warning_about_an_action_names_both_pages_whichever_way_it_writes()
    {
        var toCloud = new SyncAction { Source = DataCenter, Target = Cloud, SourceId = "11", TargetId = "22", Title = "Specs" };
        Assert.Equal(new PageWarning(PageWarningKind.TranslationLoss, "ENG", "11", "22", "Specs", "lost"),
            PageWarning.Of(toCloud, "ENG", PageWarningKind.TranslationLoss, "lost"));
        var toDc = toCloud with { Source = Cloud, Target = DataCenter };
        Assert.Equal(new PageWarning(PageWarningKind.TranslationLoss, "ENG", "22", "11", "Specs", "lost"),
            PageWarning.Of(toDc, "ENG", PageWarningKind.TranslationLoss, "lost"));
        Assert.Equal("cloud:77", new PageWarning(PageWarningKind.RestrictedSkipped, "ENG", null, "77", "New on Cloud", "").PageKey);
    }
}
