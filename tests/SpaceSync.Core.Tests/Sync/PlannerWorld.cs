using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// A small two-site world for planner tests: pages paired and in sync (Data Center id "D{key}",
/// Cloud id "C{key}"), then changed on either side, then planned.
/// </summary>
internal sealed class PlannerWorld
{
    private static readonly DateTimeOffset Then = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly List<SyncedPair> _pairs = new();
    private readonly Dictionary<string, PageSnapshot> _dc = new();
    private readonly Dictionary<string, PageSnapshot> _cloud = new();

    public bool DataCenterComplete { get; set; } = true;
    public bool CloudComplete { get; set; } = true;
    /// <summary>The space's include/exclude settings for the plan; everything by default.</summary>
    public ScopeFilter Filter { get; set; } = ScopeFilter.All;
    /// <summary>restrictedPages and how restrictions cross; skip by default.</summary>
    public RestrictionPolicy Restrictions { get; set; } = RestrictionPolicy.Skip;

    public static string Dc(string key) => "D" + key;
    public static string Cl(string key) => "C" + key;

    /// <summary>A page paired and equal on both sites; parentKey names another paired page's key.</summary>
    public PlannerWorld Paired(string key, string? parentKey = null, string? title = null, int version = 1)
    {
        title ??= "Page " + key;
        var hash = "hash-" + key;
        _pairs.Add(new SyncedPair
        {
            DataCenterId = Dc(key), CloudId = Cl(key), DataCenterVersion = version, CloudVersion = version,
            Title = title, ParentKey = parentKey is null ? null : Dc(parentKey), BaseHash = hash,
        });
        _dc[Dc(key)] = new PageSnapshot { Id = Dc(key), Title = title, ParentId = parentKey is null ? null : Dc(parentKey), Version = version, Modified = Then, BodyHash = hash };
        _cloud[Cl(key)] = new PageSnapshot { Id = Cl(key), Title = title, ParentId = parentKey is null ? null : Cl(parentKey), Version = version, Modified = Then, BodyHash = hash };
        return this;
    }

    public PlannerWorld TrashedPair(string key)
    {
        Paired(key);
        var index = _pairs.FindIndex(p => p.DataCenterId == Dc(key));
        _pairs[index] = _pairs[index] with { Status = PairStatus.Trashed };
        _dc[Dc(key)] = _dc[Dc(key)] with { Status = PageStatus.Trashed };
        _cloud[Cl(key)] = _cloud[Cl(key)] with { Status = PageStatus.Trashed };
        return this;
    }

    private Dictionary<string, PageSnapshot> SideOf(SyncSide side) => side == SyncSide.DataCenter ? _dc : _cloud;

    private static string IdOf(SyncSide side, string key) => side == SyncSide.DataCenter ? Dc(key) : Cl(key);

    /// <summary>Edit the body of a paired page (a new version with another hash).</summary>
    public PlannerWorld Edit(SyncSide side, string key, string? hash = null, int minutesLater = 10)
    {
        var pages = SideOf(side);
        var page = pages[IdOf(side, key)];
        pages[page.Id] = page with { Version = page.Version + 1, BodyHash = hash ?? $"{page.BodyHash}+{side}", Modified = Then.AddMinutes(minutesLater) };
        return this;
    }

    public PlannerWorld Touch(SyncSide side, string key) =>
        Change(side, key, p => p with { Version = p.Version + 1, Modified = Then.AddMinutes(5) });

    public PlannerWorld Rename(SyncSide side, string key, string title) =>
        Change(side, key, p => p with { Title = title, Version = p.Version + 1 });

    /// <summary>Move a paired page under another paired page (key) or under any page id on that side (id:...).</summary>
    public PlannerWorld Move(SyncSide side, string key, string? newParent) =>
        Change(side, key, p => p with { ParentId = newParent is null ? null : newParent.StartsWith("id:") ? newParent[3..] : IdOf(side, newParent) });

    public PlannerWorld Trash(SyncSide side, string key) => Change(side, key, p => p with { Status = PageStatus.Trashed });

    public PlannerWorld RestoreOn(SyncSide side, string key) => Change(side, key, p => p with { Status = PageStatus.Current });

    public PlannerWorld Purge(SyncSide side, string key)
    {
        SideOf(side).Remove(IdOf(side, key));
        return this;
    }

    public PlannerWorld Change(SyncSide side, string key, Func<PageSnapshot, PageSnapshot> change)
    {
        var pages = SideOf(side);
        var id = IdOf(side, key);
        pages[id] = change(pages[id]);
        return this;
    }

    /// <summary>A page that exists only on one side (not paired).</summary>
    public PlannerWorld New(SyncSide side, string id, string title, string? parentId = null, string? hash = null, PageStatus status = PageStatus.Current)
    {
        SideOf(side)[id] = new PageSnapshot { Id = id, Title = title, ParentId = parentId, Version = 1, Modified = Then, BodyHash = hash ?? "hash-" + id, Status = status };
        return this;
    }

    /// <summary>Set the labels of any page on a side, by id (null = not read).</summary>
    public PlannerWorld Labels(SyncSide side, string id, params string[]? labels)
    {
        var pages = SideOf(side);
        pages[id] = pages[id] with { Labels = labels };
        return this;
    }

    /// <summary>Every page on both sides carries labels as read (none unless given), as a listing with labels would.</summary>
    public PlannerWorld LabelsRead()
    {
        foreach (var pages in new[] { _dc, _cloud })
            foreach (var id in pages.Keys.ToList())
                pages[id] = pages[id] with { Labels = pages[id].Labels ?? Array.Empty<string>() };
        return this;
    }

    /// <summary>Change any page on a side, by id (e.g. a page made with <see cref="New"/>).</summary>
    public PlannerWorld ChangeById(SyncSide side, string id, Func<PageSnapshot, PageSnapshot> change)
    {
        var pages = SideOf(side);
        pages[id] = change(pages[id]);
        return this;
    }

    /// <summary>Keep only these pages in a side's snapshot and mark it incremental (a change query's answer).</summary>
    public PlannerWorld OnlyChanged(SyncSide side, params string[] ids)
    {
        var pages = SideOf(side);
        foreach (var id in pages.Keys.Except(ids).ToList()) pages.Remove(id);
        if (side == SyncSide.DataCenter) DataCenterComplete = false; else CloudComplete = false;
        return this;
    }

    public SyncPlan Plan(
        SyncDirection direction = SyncDirection.Both,
        ConflictPolicy conflicts = ConflictPolicy.Manual,
        int maxDeletePercent = 100,
        bool force = false,
        IReadOnlyDictionary<string, ConflictPolicy>? pairPolicies = null) =>
        SyncPlanner.Plan(new SpacePlanRequest
        {
            SpaceKey = "ENG",
            Direction = direction,
            Conflicts = conflicts,
            MaxDeletePercent = maxDeletePercent,
            Force = force,
            DataCenter = new SpaceSnapshot(SyncSide.DataCenter, _dc.Values, DataCenterComplete),
            Cloud = new SpaceSnapshot(SyncSide.Cloud, _cloud.Values, CloudComplete, _folders),
            Pairs = _pairs,
            Filter = Filter,
            SyncLabels = SyncLabels,
            Restrictions = Restrictions,
            PairPolicies = pairPolicies,
        });

    // ---- folders
    private readonly Dictionary<string, ContainerSnapshot> _folders = new(StringComparer.Ordinal);

    /// <summary>A Cloud folder (or whiteboard, ...) below <paramref name="parentId"/> (a Cloud page id or another folder's id; null: top level).</summary>
    public PlannerWorld Folder(string id, string title, string? parentId, string type = "folder", bool readable = true)
    {
        var parentType = parentId is null ? null : _folders.TryGetValue(parentId, out var parent) ? parent.Type : "page";
        _folders[id] = readable
            ? new ContainerSnapshot { Id = id, Type = type, Title = title, ParentId = parentId, ParentType = parentType, Version = 1 }
            : new ContainerSnapshot { Id = id, Type = type, Readable = false };
        return this;
    }

    /// <summary>
    /// Files a Cloud page (by id) into folder <paramref name="folderId"/>, as the snapshot reader gives it: the folder named
    /// as its container, its parent the nearest page above the folder — or, when that cannot be resolved, the folder's id.
    /// </summary>
    public PlannerWorld InFolder(string cloudId, string folderId)
    {
        var (above, resolved) = FolderTree.PageAbove(folderId, _folders);
        var type = _folders.TryGetValue(folderId, out var folder) ? folder.Type : "folder";
        return ChangeById(SyncSide.Cloud, cloudId, p => p with { Container = new Core.Sites.SiteParent(folderId, type), ParentId = resolved ? above : folderId });
    }

    // ---- labels
    /// <summary>content.labels for the plan: merge the labels read.</summary>
    public bool SyncLabels { get; set; }

    /// <summary>The pair's base labels as last synced (none given = an empty base; never called = never recorded).</summary>
    public PlannerWorld BaseLabels(string key, params string[] labels)
    {
        var index = _pairs.FindIndex(p => p.DataCenterId == Dc(key));
        _pairs[index] = _pairs[index] with { BaseLabels = labels };
        return this;
    }
}
