using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.Scope;
using SpaceSync.Core.Tests.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.Reporting;

public sealed class ReportBuilderTests : IDisposable
{
    private readonly TempStateFolder _temp = new();
    private readonly StateStore _state;
    private readonly ResolvedScope _scope;
    private readonly ResolvedSpace _pages;
    private readonly ResolvedSpace _posts;

    public ReportBuilderTests()
    {
        _scope = ScopeResolver.Resolve(ScopeParser.Parse(
            ScopeFixtures.Minimal("  - key: ENG\n    owner: eng@acme.com\n    content: { blogposts: true }\n"), "/scopes/s.yaml"));
        var collections = SpaceCollections.Of(_scope.Spaces[0]).ToList();
        _pages = collections[0];
        _posts = collections[1];
        _state = StateStore.Open(_temp.File());
        _state.SaveSpace(new SpaceRecord("ENG", "ENG"));
        _state.SaveSpace(new SpaceRecord(_posts.Key, _posts.CloudKey));
        var page = _state.SavePair(Pair("100", "9100", title: "A page"));
        var post = _state.SavePair(Pair("200", "9200", space: _posts.Key, title: "A post"));
        _state.RecordConflict(new ConflictRecord { PairId = page.Id, DataCenterVersion = 3, CloudVersion = 4, Reason = "page: both edited" });
        _state.RecordConflict(new ConflictRecord { PairId = post.Id, DataCenterVersion = 5, CloudVersion = 6, Reason = "post: both edited" });
    }

    public void Dispose()
    {
        _state.Dispose();
        _temp.Dispose();
    }

    private static SyncPlan Plan() => new()
    {
        SpaceKey = "ENG",
        Items = new[]
        {
            new DriftItem { SpaceKey = "ENG", Status = DriftStatus.InSync, Title = "Quiet" },
            new DriftItem { SpaceKey = "ENG", Status = DriftStatus.DataCenterAhead, Title = "Edited", ActionIds = new[] { 1 }, Warnings = new[] { "macro lost" } },
            new DriftItem { SpaceKey = "ENG", Status = DriftStatus.Conflict, Title = "A page" },
        },
        Actions = new[] { new SyncAction { Id = 1, Kind = SyncActionKind.Update, Target = SyncSide.Cloud } },
        Warnings = new[] { "filter could not decide" },
        Refusal = new PlanRefusal("TooManyDeletes", "3 of 4 pages would go", true),
    };

    [Fact]
    public void A_planned_collection_brings_its_pending_counts_drift_conflicts_and_warnings()
    {
        var builder = new SyncReportBuilder(_scope, includeInSync: false);
        builder.AddPlanned(_pages, _state, Plan());
        var report = builder.Build(DateTimeOffset.UnixEpoch);

        Assert.True(report.SitesRead);
        Assert.Equal("/scopes/s.yaml", report.ScopePath);
        var space = Assert.Single(report.Spaces);
        Assert.Equal(("ENG", 1, 0, 1, 1), (space.SpaceKey, space.PendingToCloud, space.PendingToDataCenter, space.PendingConflicts, space.OpenConflicts));
        Assert.Equal(new[] { "Edited", "A page" }, report.Drift.Select(d => d.Title));
        var conflict = Assert.Single(report.Conflicts);
        Assert.Equal(("ENG", "A page", "page: both edited"), (conflict.SpaceKey, conflict.Title, conflict.Reason));
        Assert.Equal(new[]
        {
            "ENG||filter could not decide",
            "ENG||A sync would be refused (TooManyDeletes): 3 of 4 pages would go",
            "ENG|Edited|macro lost",
        }, report.Warnings.Select(w => $"{w.SpaceKey}|{w.Title}|{w.Text}"));
    }

    [Fact]
    public void The_report_names_both_sites_and_which_collections_drift_it_holds()
    {
        var builder = new SyncReportBuilder(_scope, includeInSync: false);
        builder.AddPlanned(_pages, _state, Plan());
        builder.AddUnread(_posts, _state, "Drift not read: no baseline");
        var report = builder.Build(DateTimeOffset.UnixEpoch);

        Assert.Equal("https://wiki.acme.internal/confluence", report.DataCenterUrl!.ToString().TrimEnd('/'));
        Assert.Equal("https://acme.atlassian.net/wiki", report.CloudUrl!.ToString().TrimEnd('/'));
        // The blog posts' drift was not read: their share in sync is unknown, not 100%.
        Assert.Equal(new[] { "ENG" }, report.DriftRead);
        Assert.Null(ReportSummary.For(report, report.Spaces[1]).PercentInSync);
    }

    [Fact]
    public void Each_collection_has_its_own_conflicts_once_and_an_unread_one_says_why()
    {
        var builder = new SyncReportBuilder(_scope, includeInSync: true);
        builder.AddPlanned(_pages, _state, Plan());
        builder.AddUnread(_posts, _state, "Drift not read: no baseline");
        var report = builder.Build(DateTimeOffset.UnixEpoch);

        Assert.Equal(new[] { "ENG", "ENG:blogposts" }, report.Spaces.Select(s => s.SpaceKey));
        Assert.Null(report.Spaces[1].PendingToCloud);
        Assert.Equal(new[] { "page: both edited", "post: both edited" }, report.Conflicts.Select(c => c.Reason));
        Assert.Equal(3, report.Drift.Count);   // in-sync pages included
        Assert.Equal("Drift not read: no baseline", report.Warnings.Last().Text);
        Assert.Throws<InvalidOperationException>(() => builder.AddUnread(_posts, _state, "again"));
    }

    [Fact]
    public void Given_drift_is_reported_from_the_state_without_pending_counts()
    {
        var builder = new SyncReportBuilder(_scope, includeInSync: false);
        builder.AddGiven(_pages, _state, Plan().Items);
        builder.AddGiven(_posts, null, Array.Empty<DriftItem>());
        var report = builder.Build(DateTimeOffset.UnixEpoch);

        Assert.False(report.SitesRead);
        Assert.All(report.Spaces, s => Assert.Null(s.PendingToCloud));
        Assert.Equal(0, report.Spaces[1].OpenConflicts);
        Assert.Single(report.Conflicts);
        Assert.Equal(2, report.Drift.Count);
        Assert.Equal("macro lost", Assert.Single(report.Warnings).Text);
    }
}
