using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>The -Verbose line of one action: what was done, to which page, with the other site's page id.</summary>
public sealed class ActionLineTests
{
    [Fact]
    public void An_update_names_both_pages_and_the_versions()
    {
        var update = new SyncAction
        {
            Kind = SyncActionKind.Update, Target = SyncSide.Cloud, TargetId = "98765", TargetVersion = 7,
            Source = SyncSide.DataCenter, SourceId = "12345", PairKey = "12345", Title = "Runbook",
        };

        Assert.Equal("ENG: updated Cloud 98765 from Data Center 12345 \"Runbook\" (v7→v8)",
            ActionLine.Of("ENG", new SyncActionOutcome(update, ActionOutcomeKind.Done, "ok")));
    }

    [Fact]
    public void A_create_names_the_new_page_and_a_trash_the_pair_s_other_page()
    {
        var create = new SyncAction { Kind = SyncActionKind.Create, Target = SyncSide.DataCenter, Source = SyncSide.Cloud, SourceId = "555", Title = "New" };
        var trash = new SyncAction { Kind = SyncActionKind.Trash, Target = SyncSide.Cloud, TargetId = "777", PairKey = "111", Title = "Old" };

        Assert.Equal("ENG: created Data Center 42 from Cloud 555 \"New\"",
            ActionLine.Of("ENG", new SyncActionOutcome(create, ActionOutcomeKind.Done, "") { CreatedPageId = "42" }));
        Assert.Equal("ENG: FAILED Trash of Cloud 777 paired with Data Center 111 \"Old\": 403 Forbidden",
            ActionLine.Of("ENG", new SyncActionOutcome(trash, ActionOutcomeKind.Failed, "403 Forbidden")));
    }
}
