using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

public class ScopeResolverTests
{
    private static ResolvedSpace ResolveOne(string space, string defaults = "")
    {
        var extra = defaults.Length == 0 ? "" : "defaults:\n" + defaults;
        var doc = ScopeParser.Parse(ScopeFixtures.Minimal(space, extra), "/scopes/s.yaml");
        return Assert.Single(ScopeResolver.Resolve(doc).Spaces);
    }

    [Theory]
    [InlineData("datacenter-primary", SyncDirection.ToCloud, ConflictPolicy.PreferDataCenter, "phase:datacenter-primary")]
    [InlineData("cloud-primary", SyncDirection.ToDataCenter, ConflictPolicy.PreferCloud, "phase:cloud-primary")]
    public void One_way_phases_set_direction_and_conflicts(string phase, SyncDirection direction, ConflictPolicy conflicts, string source)
    {
        var space = ResolveOne($"  - key: ENG\n    owner: o@acme.com\n    phase: {phase}\n");

        Assert.Equal(direction, space.Direction);
        Assert.Equal(conflicts, space.Conflicts);
        Assert.Equal(source, space.Sources["direction"]);
        Assert.Equal(source, space.Sources["conflicts"]);
        Assert.Equal(ValueSources.Space, space.Sources["phase"]);
    }

    [Theory]
    [InlineData("dual-write", SyncDirection.Both)]
    [InlineData("frozen", SyncDirection.None)]
    public void Dual_write_and_frozen_set_direction_only(string phase, SyncDirection direction)
    {
        var space = ResolveOne($"  - key: ENG\n    owner: o@acme.com\n    phase: {phase}\n", "  conflicts: newest\n");

        Assert.Equal(direction, space.Direction);
        Assert.Equal("phase:" + phase, space.Sources["direction"]);
        Assert.Equal(ConflictPolicy.Newest, space.Conflicts);
        Assert.Equal(ValueSources.Defaults, space.Sources["conflicts"]);
    }

    [Fact]
    public void Phase_beats_defaults_and_the_space_beats_its_phase()
    {
        var space = ResolveOne(
            "  - key: ENG\n    owner: o@acme.com\n    phase: cloud-primary\n    conflicts: manual\n",
            "  direction: to-cloud\n  conflicts: merge\n");

        Assert.Equal(SyncDirection.ToDataCenter, space.Direction);
        Assert.Equal("phase:cloud-primary", space.Sources["direction"]);
        Assert.Equal(ConflictPolicy.Manual, space.Conflicts);
        Assert.Equal(ValueSources.Space, space.Sources["conflicts"]);
    }

    [Fact]
    public void An_explicit_direction_on_the_space_overrides_a_frozen_phase()
    {
        var space = ResolveOne("  - key: ENG\n    owner: o@acme.com\n    phase: frozen\n    direction: to-cloud\n");

        Assert.Equal(SyncDirection.ToCloud, space.Direction);
        Assert.Equal(ValueSources.Space, space.Sources["direction"]);
        Assert.Equal(MigrationPhase.Frozen, space.Phase);
    }

    [Fact]
    public void Without_a_phase_defaults_decide_and_no_preset_is_assumed()
    {
        var space = ResolveOne("  - key: ENG\n    owner: o@acme.com\n", "  direction: to-cloud\n");

        Assert.Null(space.Phase);
        Assert.False(space.Sources.ContainsKey("phase"));
        Assert.Equal(SyncDirection.ToCloud, space.Direction);
        Assert.Equal(ValueSources.Defaults, space.Sources["direction"]);
        Assert.Equal(ConflictPolicy.Manual, space.Conflicts);
        Assert.Equal(ValueSources.BuiltIn, space.Sources["conflicts"]);
    }

    [Fact]
    public void Built_in_defaults_apply_when_the_file_is_silent()
    {
        var space = ResolveOne("  - key: ENG\n    owner: o@acme.com\n");

        Assert.Equal(SyncDirection.Both, space.Direction);
        Assert.Equal(ConflictPolicy.Manual, space.Conflicts);
        Assert.Equal(10, space.MaxDeletePercent);
        Assert.Equal(new ResolvedContent(Labels: true, Attachments: true, Comments: false, Blogposts: false), space.Content);
        Assert.Equal(RestrictedPagesMode.Skip, space.RestrictedPages);
        Assert.Equal(2, space.MaxConcurrentWrites);
        Assert.All(space.Sources.Values, source => Assert.Equal(ValueSources.BuiltIn, source));
        Assert.Equal(9, space.Sources.Count);
    }

    [Fact]
    public void Concurrent_writes_come_from_the_space_then_defaults()
    {
        var space = ResolveOne("  - key: ENG\n    owner: o@acme.com\n    maxConcurrentWrites: 1\n", "  maxConcurrentWrites: 2\n");
        Assert.Equal(1, space.MaxConcurrentWrites);
        Assert.Equal(ValueSources.Space, space.Sources["maxConcurrentWrites"]);

        var fromDefaults = ResolveOne("  - key: ENG\n    owner: o@acme.com\n", "  maxConcurrentWrites: 1\n");
        Assert.Equal(1, fromDefaults.MaxConcurrentWrites);
        Assert.Equal(ValueSources.Defaults, fromDefaults.Sources["maxConcurrentWrites"]);
    }

    [Fact]
    public void Content_switches_resolve_one_by_one()
    {
        var space = ResolveOne(
            "  - key: ENG\n    owner: o@acme.com\n    content: { comments: true }\n    maxDeletePercent: 0\n",
            "  content: { labels: false, comments: false }\n  maxDeletePercent: 25\n  restrictedPages: mirror\n");

        Assert.Equal(new ResolvedContent(Labels: false, Attachments: true, Comments: true, Blogposts: false), space.Content);
        Assert.Equal(ValueSources.Defaults, space.Sources["content.labels"]);
        Assert.Equal(ValueSources.BuiltIn, space.Sources["content.attachments"]);
        Assert.Equal(ValueSources.Space, space.Sources["content.comments"]);
        Assert.Equal(ValueSources.BuiltIn, space.Sources["content.blogposts"]);
        Assert.Equal(0, space.MaxDeletePercent);
        Assert.Equal(ValueSources.Space, space.Sources["maxDeletePercent"]);
        Assert.Equal(RestrictedPagesMode.Mirror, space.RestrictedPages);
        Assert.Equal(ValueSources.Defaults, space.Sources["restrictedPages"]);
    }

    [Fact]
    public void Spec_example_resolves_as_the_spec_describes()
    {
        var scope = ScopeResolver.Load(ScopeFixtures.Valid("spec-example.yaml"));

        var eng = scope.FindSpace("eng")!;
        Assert.Equal("ENG2", eng.CloudKey);
        Assert.Equal("eng-docs@acme.com", eng.Owner);
        Assert.Equal(MigrationPhase.DualWrite, eng.Phase);
        Assert.Equal(SyncDirection.Both, eng.Direction);
        Assert.Equal("phase:dual-write", eng.Sources["direction"]);
        Assert.Equal(ConflictPolicy.Merge, eng.Conflicts);
        Assert.Equal(ValueSources.Space, eng.Sources["conflicts"]);
        Assert.Equal(10, eng.MaxDeletePercent);
        Assert.Equal(ValueSources.Defaults, eng.Sources["maxDeletePercent"]);
        Assert.Equal("Engineering Home/Runbooks", eng.IncludeSubtree);
        Assert.Equal(new[] { "Archive*" }, eng.ExcludeTitles);
        Assert.Equal(new[] { "no-sync" }, eng.ExcludeLabels);
        Assert.Equal(24, eng.Location!.Line);
        Assert.Equal(new Uri("https://acme.atlassian.net/wiki"), scope.Cloud.Url);
        Assert.Null(scope.FindSpace("OPS"));
    }

    [Fact]
    public void Cloud_key_defaults_to_the_data_center_key()
    {
        var space = ResolveOne("  - key: OPS\n    owner: o@acme.com\n");

        Assert.Equal("OPS", space.CloudKey);
    }
}
