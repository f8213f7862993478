using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Sync.Comments;
using Xunit;

namespace SpaceSync.Core.Tests.Sync.Comments;

public sealed class CommentPlannerTests
{
    private static CommentSnapshot C(string id, int version = 1, string? parent = null) => new() { Id = id, Version = version, ParentId = parent };

    private static SyncedComment P(long id, string dc, string cloud, int dcVersion = 1, int cloudVersion = 1, SyncSide origin = SyncSide.DataCenter) =>
        new() { Id = id, DataCenterId = dc, CloudId = cloud, DataCenterVersion = dcVersion, CloudVersion = cloudVersion, Origin = origin };

    private static CommentPageInput Page(IEnumerable<CommentSnapshot>? dc = null, IEnumerable<CommentSnapshot>? cloud = null,
        IEnumerable<SyncedComment>? pairs = null, bool complete = true) => new()
    {
        PagePairId = 7, DataCenterPageId = "100", CloudPageId = "9100",
        DataCenter = (dc ?? []).ToList(), Cloud = (cloud ?? []).ToList(), Pairs = (pairs ?? []).ToList(), Complete = complete,
    };

    private static CommentSnapshot M(string id, string hash, string? parent = null) => new() { Id = id, Version = 1, ParentId = parent, MatchHash = hash };

    [Fact]
    public void Unpaired_comments_with_the_same_words_under_twin_parents_are_paired_not_copied()
    {
        // d1/c1 and their replies d2/c2 say the same; d3 answers d1 with other words than c3; d4 and c4 match but answer nothing paired.
        var page = Page(dc: [M("d2", "h-reply", parent: "d1"), M("d1", "h-top"), M("d3", "h-dc", parent: "d1"), M("d4", "h-orphan", parent: "dx")],
            cloud: [M("c1", "h-top"), M("c2", "h-reply", parent: "c1"), M("c3", "h-cloud", parent: "c1"), M("c4", "h-orphan")]);

        Assert.Equal(new[] { ("d1", "c1"), ("d2", "c2") }, CommentPlanner.Twins(page));
        var plan = CommentPlanner.Plan(page, SyncDirection.Both);
        var paired = plan.Actions.Where(a => a.Kind == CommentActionKind.Pair).Select(a => (a.SourceCommentId!, a.TwinCommentId!)).ToList();
        Assert.Equal(new[] { ("d1", "c1"), ("d2", "c2") }, paired);
        var copied = plan.Actions.Where(a => a.Kind == CommentActionKind.Create).Select(a => a.SourceCommentId).Order().ToList();
        Assert.Equal(new[] { "c3", "c4", "d3" }, copied); // d4's parent is unknown: it waits
        Assert.Equal("d1", plan.Actions.Single(a => a.SourceCommentId == "d3").SourceParentId);
    }

    [Fact]
    public void New_comments_are_copied_to_the_other_side_with_replies_after_their_parents()
    {
        // The reply is listed before its parent, and a reply to the reply last: the plan still puts parents first.
        var plan = CommentPlanner.Plan(Page(dc: [C("30", parent: "20"), C("20", parent: "10"), C("10")], cloud: [C("c5")]), SyncDirection.Both);

        var toCloud = plan.Actions.Where(a => a.Target == SyncSide.Cloud).ToList();
        Assert.Equal(new[] { "10", "20", "30" }, toCloud.Select(a => a.SourceCommentId));
        Assert.All(plan.Actions, a => Assert.Equal(CommentActionKind.Create, a.Kind));
        Assert.Equal(new string?[] { null, "10", "20" }, toCloud.Select(a => a.SourceParentId));
        Assert.All(toCloud, a => Assert.Equal("9100", a.TargetPageId));
        var toDc = Assert.Single(plan.Actions, a => a.Target == SyncSide.DataCenter);
        Assert.Equal("c5", toDc.SourceCommentId);
        Assert.Equal("100", toDc.TargetPageId);
        Assert.Empty(plan.Drift);
    }

    [Fact]
    public void A_reply_to_a_paired_comment_goes_under_it_and_one_whose_parent_is_unknown_waits()
    {
        var plan = CommentPlanner.Plan(Page(cloud: [C("c2", parent: "c1"), C("c9", parent: "c8")], pairs: [P(1, "10", "c1")], complete: false),
            SyncDirection.Both);

        var create = Assert.Single(plan.Actions);
        Assert.Equal(("c2", "c1", SyncSide.DataCenter), (create.SourceCommentId, create.SourceParentId, create.Target));
        var waiting = Assert.Single(plan.Drift);
        Assert.Equal("c9", waiting.CloudCommentId);
        Assert.False(waiting.IsConflict);
    }

    [Fact]
    public void An_edit_on_one_side_is_carried_to_the_other_and_an_edit_on_both_is_a_conflict()
    {
        var plan = CommentPlanner.Plan(Page(
            dc: [C("10", 2), C("11", 3), C("12", 1)],
            cloud: [C("c0", 1), C("c1", 2), C("c2", 4)],
            pairs: [P(1, "10", "c0"), P(2, "11", "c1", dcVersion: 2), P(3, "12", "c2", cloudVersion: 3)]), SyncDirection.Both);

        var dcEdit = Assert.Single(plan.Actions, a => a.Pair!.Id == 1);
        Assert.Equal((CommentActionKind.Update, SyncSide.DataCenter, SyncSide.Cloud, "c0"), (dcEdit.Kind, dcEdit.Source, dcEdit.Target, dcEdit.TargetCommentId));
        var cloudEdit = Assert.Single(plan.Actions, a => a.Pair!.Id == 3);
        Assert.Equal((CommentActionKind.Update, SyncSide.Cloud, "12"), (cloudEdit.Kind, cloudEdit.Source, cloudEdit.TargetCommentId));
        var conflict = Assert.Single(plan.Drift);
        Assert.True(conflict.IsConflict);
        Assert.Equal(("11", "c1"), (conflict.DataCenterCommentId, conflict.CloudCommentId));
        Assert.Contains("both sides", conflict.Message);
    }

    [Fact]
    public void Deletions_are_seen_only_in_a_complete_listing_and_carried_unless_the_other_copy_was_edited()
    {
        var pairs = new[] { P(1, "10", "c0"), P(2, "11", "c1"), P(3, "12", "c2") };
        var dc = new[] { C("11", 1) };
        var cloud = new[] { C("c0", 1), C("c1", 1) };

        Assert.Empty(CommentPlanner.Plan(Page(dc: dc, cloud: cloud, pairs: pairs, complete: false), SyncDirection.Both).Actions);

        var plan = CommentPlanner.Plan(Page(dc: dc, cloud: cloud, pairs: pairs), SyncDirection.Both);
        var delete = Assert.Single(plan.Actions, a => a.Kind == CommentActionKind.Delete);
        Assert.Equal((SyncSide.Cloud, "c0"), (delete.Target, delete.TargetCommentId));
        var forget = Assert.Single(plan.Actions, a => a.Kind == CommentActionKind.Forget);
        Assert.Equal(3, forget.Pair!.Id);

        var editedThere = CommentPlanner.Plan(Page(dc: dc, cloud: [C("c0", 2), C("c1", 1)], pairs: pairs), SyncDirection.Both);
        Assert.DoesNotContain(editedThere.Actions, a => a.Kind == CommentActionKind.Delete);
        Assert.Contains(editedThere.Drift, d => d.IsConflict && d.CloudCommentId == "c0");
    }

    [Fact]
    public void The_direction_keeps_writes_off_the_side_it_protects_and_reports_them()
    {
        var plan = CommentPlanner.Plan(Page(dc: [C("10"), C("11", 2)], cloud: [C("c9")], pairs: [P(1, "11", "c1")], complete: false), SyncDirection.ToCloud);

        Assert.All(plan.Actions, a => Assert.Equal(SyncSide.Cloud, a.Target));
        Assert.Equal(2, plan.Actions.Count);
        var blocked = Assert.Single(plan.Drift);
        Assert.Equal("c9", blocked.CloudCommentId);
        Assert.Contains("to-cloud", blocked.Message, StringComparison.OrdinalIgnoreCase);

        Assert.Empty(CommentPlanner.Plan(Page(dc: [C("10")]), SyncDirection.None).Actions);
    }

    [Fact]
    public void A_version_that_moved_without_new_words_is_recorded_and_equal_edits_are_no_conflict()
    {
        var pair = P(1, "10", "c0") with { BaseHash = "base" };
        var resaved = CommentPlanner.Plan(Page(dc: [C("10", 2) with { ContentHash = "base" }], pairs: [pair], complete: false), SyncDirection.Both);
        var record = Assert.Single(resaved.Actions);
        Assert.Equal((CommentActionKind.Record, (int?)2, (int?)null), (record.Kind, record.DataCenterVersion, record.CloudVersion));

        var same = CommentPlanner.Plan(Page(dc: [C("10", 2) with { ContentHash = "new" }], cloud: [C("c0", 3) with { ContentHash = "new" }], pairs: [pair]),
            SyncDirection.Both);
        Assert.Equal(CommentActionKind.Record, Assert.Single(same.Actions).Kind);
        Assert.Empty(same.Drift);

        // An edit on one side while the other only re-saved: the update is planned against the version listed now.
        var update = Assert.Single(CommentPlanner.Plan(
            Page(dc: [C("10", 2) with { ContentHash = "new" }], cloud: [C("c0", 4) with { ContentHash = "base" }], pairs: [pair]), SyncDirection.Both).Actions);
        Assert.Equal((CommentActionKind.Update, SyncSide.Cloud, 4), (update.Kind, update.Target, update.TargetVersion));
    }

    [Fact]
    public void Nothing_changed_plans_nothing()
    {
        var plan = CommentPlanner.Plan(Page(dc: [C("10", 2)], cloud: [C("c0", 3)], pairs: [P(1, "10", "c0", 2, 3)]), SyncDirection.Both);
        Assert.Empty(plan.Actions);
        Assert.Empty(plan.Drift);
    }
}

public sealed class CommentAttributionTests
{
    private static readonly DateTimeOffset Written = new(2026, 11, 20, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void The_paragraph_names_the_author_in_bold_or_mentions_them_and_is_stripped_again()
    {
        var plain = CommentAttribution.Paragraph(null, "Jane <Doe> & co", Written, SyncSide.DataCenter);
        Assert.Equal("<p><strong>Jane &lt;Doe&gt; &amp; co</strong> wrote on 2026-11-20 (Data Center):</p>", plain);
        var mention = CommentAttribution.Paragraph(CommentAttribution.MentionOf("acc-1", SyncSide.Cloud), "Jane", Written, SyncSide.DataCenter);
        Assert.Equal("<p><ac:link><ri:user ri:account-id=\"acc-1\" /></ac:link> wrote on 2026-11-20 (Data Center):</p>", mention);

        foreach (var paragraph in new[] { plain, mention })
        {
            var copy = CommentAttribution.Prepend(paragraph, "<p>Hello</p>");
            Assert.True(CommentAttribution.HasAttribution(copy));
            Assert.Equal("<p>Hello</p>", CommentAttribution.Strip(copy));
            Assert.Equal(CommentAttribution.ContentHashOf("<p>Hello</p>"), CommentAttribution.ContentHashOf(copy));
        }
    }

    [Fact]
    public void A_comment_that_merely_starts_in_bold_keeps_its_first_paragraph()
    {
        const string body = "<p><strong>Jane Doe</strong> wrote this herself.</p><p>More</p>";
        Assert.False(CommentAttribution.HasAttribution(body));
        Assert.Equal(body, CommentAttribution.Strip(body));
    }

    [Fact]
    public void An_editor_adding_local_ids_to_the_mention_does_not_hide_the_attribution()
    {
        const string edited = "<p local-id=\"x1\"><ac:link><ri:user ri:account-id=\"acc-1\" ri:local-id=\"y\"/></ac:link> wrote on 2026-11-20 (Cloud):</p><p>Edited</p>";
        Assert.Equal("<p>Edited</p>", CommentAttribution.Strip(edited));
    }
}
