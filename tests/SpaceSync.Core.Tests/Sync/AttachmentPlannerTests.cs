using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>The pure attachment planning: each side's files against the attachment pairs as last synced.</summary>
public sealed class AttachmentPlannerTests
{
    private static readonly DateTimeOffset Then = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly List<SyncedPair> _pairs = new();
    private readonly Dictionary<string, PageSnapshot> _dc = new();
    private readonly Dictionary<string, PageSnapshot> _cloud = new();
    private readonly List<AttachmentSnapshot> _dcFiles = new();
    private readonly List<AttachmentSnapshot> _cloudFiles = new();
    private readonly List<SyncedAttachment> _synced = new();
    private bool _dcComplete = true;
    private bool _cloudComplete = true;

    private AttachmentPlannerTests Page(string key)
    {
        var hash = "hash-" + key;
        _pairs.Add(new SyncedPair { DataCenterId = "D" + key, CloudId = "C" + key, DataCenterVersion = 1, CloudVersion = 1, Title = "Page " + key, BaseHash = hash });
        _dc["D" + key] = new PageSnapshot { Id = "D" + key, Title = "Page " + key, Version = 1, Modified = Then, BodyHash = hash };
        _cloud["C" + key] = new PageSnapshot { Id = "C" + key, Title = "Page " + key, Version = 1, Modified = Then, BodyHash = hash };
        return this;
    }

    private List<AttachmentSnapshot> FilesOf(SyncSide side) => side == SyncSide.DataCenter ? _dcFiles : _cloudFiles;

    private static string Prefix(SyncSide side) => side == SyncSide.DataCenter ? "D" : "C";

    private AttachmentPlannerTests File(SyncSide side, string key, string id, string name, int version = 1, long size = 100)
    {
        FilesOf(side).Add(new AttachmentSnapshot { Id = id, PageId = Prefix(side) + key, FileName = name, Version = version, Size = size });
        return this;
    }

    /// <summary>A file synced on page pair <paramref name="key"/>: listed on both sides at the recorded versions.</summary>
    private AttachmentPlannerTests Synced(string key, string name, int version = 1, long size = 100)
    {
        var dcId = "da-" + name;
        var cloudId = "ca-" + name;
        _synced.Add(new SyncedAttachment
        {
            Id = _synced.Count + 1, PairKey = "D" + key, DataCenterId = dcId, CloudId = cloudId, FileName = name,
            DataCenterVersion = version, CloudVersion = version, Size = size,
        });
        File(SyncSide.DataCenter, key, dcId, name, version, size);
        File(SyncSide.Cloud, key, cloudId, name, version, size);
        return this;
    }

    private AttachmentPlannerTests NewVersion(SyncSide side, string name, long size = 150)
    {
        var files = FilesOf(side);
        var index = files.FindIndex(f => f.FileName == name);
        files[index] = files[index] with { Version = files[index].Version + 1, Size = size };
        return this;
    }

    private AttachmentPlannerTests Remove(SyncSide side, string name)
    {
        FilesOf(side).RemoveAll(f => f.FileName == name);
        return this;
    }

    private SyncPlan Plan(SyncDirection direction = SyncDirection.Both, bool attachments = true) => SyncPlanner.Plan(new SpacePlanRequest
    {
        SpaceKey = "ENG",
        Direction = direction,
        MaxDeletePercent = 100,
        DataCenter = new SpaceSnapshot(SyncSide.DataCenter, _dc.Values, true),
        Cloud = new SpaceSnapshot(SyncSide.Cloud, _cloud.Values, true),
        Pairs = _pairs,
        DataCenterAttachments = attachments ? new AttachmentListing(SyncSide.DataCenter, _dcFiles, _dcComplete) : null,
        CloudAttachments = attachments ? new AttachmentListing(SyncSide.Cloud, _cloudFiles, _cloudComplete) : null,
        AttachmentPairs = _synced,
    });

    private static List<SyncAction> FileActions(SyncPlan plan) => plan.Actions.Where(a => a.Attachment != null).ToList();

    [Fact]
    public void Files_in_sync_plan_nothing_and_the_page_stays_in_sync()
    {
        var plan = Page("1").Synced("1", "a.png").Synced("1", "b.pdf").Plan();

        Assert.Empty(plan.Actions);
        var item = Assert.Single(plan.Items);
        Assert.Equal((DriftStatus.InSync, "none"), (item.Status, item.Action));
    }

    [Theory]
    [InlineData(SyncSide.DataCenter)]
    [InlineData(SyncSide.Cloud)]
    public void A_new_file_on_one_side_is_uploaded_to_the_other(SyncSide side)
    {
        var plan = Page("1").Synced("1", "a.png").File(side, "1", "new-1", "diagram.svg", size: 42).Plan();

        var upload = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.UploadAttachment, side.Other(), side), (upload.Kind, upload.Target, upload.Source));
        Assert.Equal(("diagram.svg", "new-1", (string?)null, 42L), (upload.Attachment!.FileName, upload.Attachment.SourceAttachmentId, upload.Attachment.TargetAttachmentId, upload.Attachment.Size));
        Assert.Equal((Prefix(side) + "1", Prefix(side.Other()) + "1"), (upload.SourceId, upload.TargetId));
        Assert.Null(upload.PairKey);
        var item = Assert.Single(plan.Items);
        Assert.Equal(side == SyncSide.DataCenter ? DriftStatus.DataCenterAhead : DriftStatus.CloudAhead, item.Status);
        Assert.Equal(PageChanges.Attachments, side == SyncSide.DataCenter ? item.DataCenterChanges : item.CloudChanges);
        Assert.Equal("copy attachments to " + side.Other().Label(), item.Action);
        Assert.Equal(new[] { upload.Id }, item.ActionIds);
    }

    [Theory]
    [InlineData(SyncSide.DataCenter)]
    [InlineData(SyncSide.Cloud)]
    public void A_new_version_on_one_side_becomes_a_new_version_of_the_paired_file(SyncSide side)
    {
        var plan = Page("1").Synced("1", "a.png", version: 2).NewVersion(side, "a.png").Plan();

        var upload = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.UploadAttachment, side.Other()), (upload.Kind, upload.Target));
        var other = side == SyncSide.DataCenter ? "ca-a.png" : "da-a.png";
        Assert.Equal((3, other, 2, 1L), (upload.Attachment!.SourceVersion, upload.Attachment.TargetAttachmentId, upload.Attachment.TargetVersion, upload.Attachment.AttachmentPairId));
    }

    [Theory]
    [InlineData(SyncSide.DataCenter)]
    [InlineData(SyncSide.Cloud)]
    public void A_file_removed_on_one_side_is_deleted_on_the_other(SyncSide side)
    {
        var plan = Page("1").Synced("1", "a.png").Synced("1", "keep.txt").Remove(side, "a.png").Plan();

        var delete = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.DeleteAttachment, side.Other()), (delete.Kind, delete.Target));
        Assert.Equal((side == SyncSide.DataCenter ? "ca-a.png" : "da-a.png", 1L), (delete.Attachment!.TargetAttachmentId, delete.Attachment.AttachmentPairId));
        Assert.Contains("removed on " + side.Label(), delete.Reason);
    }

    [Fact]
    public void A_change_query_listing_does_not_read_an_unlisted_file_as_removed()
    {
        Page("1").Synced("1", "a.png").Remove(SyncSide.DataCenter, "a.png");
        _dcComplete = false;

        Assert.Empty(Plan().Actions);
    }

    [Fact]
    public void A_file_removed_on_both_sides_is_forgotten_without_a_write()
    {
        var plan = Page("1").Synced("1", "a.png").Remove(SyncSide.DataCenter, "a.png").Remove(SyncSide.Cloud, "a.png").Plan();

        var record = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.RecordAttachment, true, false), (record.Kind, record.Attachment!.Forget, record.WritesSite));
    }

    [Fact]
    public void A_file_changed_on_both_sides_is_a_conflict_for_that_file_and_nothing_is_overwritten()
    {
        var plan = Page("1").Synced("1", "a.png").Synced("1", "b.png")
            .NewVersion(SyncSide.DataCenter, "a.png", size: 150).NewVersion(SyncSide.Cloud, "a.png", size: 160).NewVersion(SyncSide.DataCenter, "b.png").Plan();

        var upload = Assert.Single(plan.Actions);
        Assert.Equal(("b.png", SyncSide.Cloud), (upload.Attachment!.FileName, upload.Target));
        var warning = Assert.Single(Assert.Single(plan.Items).Warnings);
        Assert.Contains("'a.png' changed on both sites", warning);
        Assert.Contains("delete the attachment on the other site", warning);
    }

    [Fact]
    public void New_versions_of_the_same_size_on_both_sides_are_compared_before_anything_is_called_a_conflict()
    {
        var plan = Page("1").Synced("1", "a.png").NewVersion(SyncSide.DataCenter, "a.png", size: 300).NewVersion(SyncSide.Cloud, "a.png", size: 300).Plan();

        var record = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.RecordAttachment, false, 1L), (record.Kind, record.Attachment!.Forget, record.Attachment.AttachmentPairId));
        Assert.Equal(("da-a.png", 2, "ca-a.png", 2), (record.Attachment.SourceAttachmentId, record.Attachment.SourceVersion, record.Attachment.TargetAttachmentId, record.Attachment.TargetVersion));
        Assert.Empty(Assert.Single(plan.Items).Warnings);
    }

    [Fact]
    public void A_new_version_beats_a_removal_and_the_file_is_copied_back()
    {
        var plan = Page("1").Synced("1", "a.png").NewVersion(SyncSide.Cloud, "a.png").Remove(SyncSide.DataCenter, "a.png").Plan();

        var upload = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.UploadAttachment, SyncSide.DataCenter, (string?)null, 1L),
            (upload.Kind, upload.Target, upload.Attachment!.TargetAttachmentId, upload.Attachment.AttachmentPairId));
    }

    [Fact]
    public void Files_of_the_same_name_and_size_new_on_both_sides_are_paired_and_different_ones_reported()
    {
        var plan = Page("1")
            .File(SyncSide.DataCenter, "1", "d1", "same.png", size: 10).File(SyncSide.Cloud, "1", "c1", "SAME.png", size: 10)
            .File(SyncSide.DataCenter, "1", "d2", "other.png", size: 10).File(SyncSide.Cloud, "1", "c2", "other.png", size: 11)
            .Plan();

        var record = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.RecordAttachment, "d1", "c1", false), (record.Kind, record.Attachment!.SourceAttachmentId, record.Attachment.TargetAttachmentId, record.Attachment.Forget));
        Assert.Equal("SAME.png", record.Attachment.TargetFileName);
        Assert.Contains(Assert.Single(plan.Items).Warnings, w => w.Contains("'other.png' was added on both sites with different content"));
    }

    [Fact]
    public void A_file_deleted_and_added_again_under_the_same_name_waits_for_the_delete_of_the_old_copy()
    {
        var plan = Page("1").Synced("1", "a.png").Remove(SyncSide.DataCenter, "a.png").File(SyncSide.DataCenter, "1", "d-new", "a.png", size: 7).Plan();

        Assert.Equal(new[] { SyncActionKind.DeleteAttachment, SyncActionKind.UploadAttachment }, plan.Actions.Select(a => a.Kind));
        Assert.Equal(new[] { plan.Actions[0].Id }, plan.Actions[1].DependsOn);
    }

    [Fact]
    public void The_files_of_a_page_created_in_the_plan_are_uploaded_after_its_create()
    {
        Page("1");
        _dc["Dnew"] = new PageSnapshot { Id = "Dnew", Title = "Fresh", Version = 1, Modified = Then, BodyHash = "h" };
        File(SyncSide.DataCenter, "new", "dn1", "x.bin").File(SyncSide.DataCenter, "new", "dn2", "y.bin");

        var plan = Plan();

        var create = plan.Actions.Single(a => a.Kind == SyncActionKind.Create);
        var uploads = plan.Actions.Where(a => a.Kind == SyncActionKind.UploadAttachment).ToList();
        Assert.Equal(2, uploads.Count);
        Assert.All(uploads, u => Assert.Equal(new[] { create.Id }, u.DependsOn));
        Assert.All(uploads, u => Assert.Equal(((string?)null, SyncSide.Cloud), (u.TargetId, u.Target)));
        Assert.All(uploads, u => Assert.True(u.Id > create.Id));
        var item = plan.Items.Single(i => i.DataCenterId == "Dnew");
        Assert.Equal(3, item.ActionIds.Count);
        Assert.Equal(PageChanges.Created | PageChanges.Attachments, item.DataCenterChanges);
    }

    [Fact]
    public void The_direction_keeps_files_from_the_side_it_does_not_write()
    {
        var plan = Page("1").File(SyncSide.Cloud, "1", "c9", "cloud-only.png").File(SyncSide.DataCenter, "1", "d9", "dc-only.png")
            .Plan(SyncDirection.ToCloud);

        var upload = Assert.Single(plan.Actions);
        Assert.Equal(("dc-only.png", SyncSide.Cloud), (upload.Attachment!.FileName, upload.Target));
        Assert.Equal(PageChanges.Attachments, Assert.Single(plan.Items).CloudChanges);
    }

    [Fact]
    public void Nothing_is_planned_when_attachments_are_off()
    {
        var plan = Page("1").File(SyncSide.DataCenter, "1", "d9", "new.png").Plan(attachments: false);

        Assert.Empty(plan.Actions);
        Assert.Equal(PageChanges.None, Assert.Single(plan.Items).DataCenterChanges);
    }

    [Fact]
    public void Files_of_a_page_in_the_trash_wait_for_the_page()
    {
        Page("1").Page("2").File(SyncSide.DataCenter, "1", "d9", "new.png");
        _cloud["C1"] = _cloud["C1"] with { Status = PageStatus.Trashed };

        var plan = Plan();

        Assert.DoesNotContain(plan.Actions, a => a.Attachment != null);
        Assert.Contains(plan.Actions, a => a.Kind == SyncActionKind.Trash);
    }
}
