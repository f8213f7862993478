using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

public class ScopeParserTests
{
    [Fact]
    public void Spec_example_parses_with_every_value()
    {
        var path = ScopeFixtures.Valid("spec-example.yaml");
        var folder = Path.GetDirectoryName(path)!;

        var doc = ScopeParser.Load(path);

        Assert.Equal(Path.GetFullPath(path), doc.Path);
        Assert.Equal(1, doc.Version);

        Assert.Equal(SiteKind.Cloud, doc.Cloud.Kind);
        Assert.Equal(new Uri("https://acme.atlassian.net/wiki"), doc.Cloud.Url);
        Assert.Equal(AuthType.Basic, doc.Cloud.Auth.Type);
        Assert.Equal("sync-bot@acme.com", doc.Cloud.Auth.User);
        Assert.Equal(new SecretReference(SecretSource.Environment, "SPACESYNC_CLOUD_TOKEN", null), doc.Cloud.Auth.Token);
        Assert.Equal((3, 3), (doc.Cloud.Location!.Line, doc.Cloud.Location.Column));

        Assert.Equal(SiteKind.DataCenter, doc.DataCenter.Kind);
        Assert.Equal("https://wiki.acme.internal/confluence", doc.DataCenter.Url.ToString());
        Assert.Equal(AuthType.Bearer, doc.DataCenter.Auth.Type);
        Assert.Null(doc.DataCenter.Auth.User);
        Assert.Equal("env:SPACESYNC_DC_TOKEN", doc.DataCenter.Auth.Token.ToString());

        Assert.Equal(SyncDirection.Both, doc.Defaults.Direction);
        Assert.Equal(ConflictPolicy.Manual, doc.Defaults.Conflicts);
        Assert.Equal(10, doc.Defaults.MaxDeletePercent);
        Assert.Equal(new ContentSettings { Labels = true, Attachments = true, Comments = false, Blogposts = false }, doc.Defaults.Content);
        Assert.Equal(RestrictedPagesMode.Skip, doc.Defaults.RestrictedPages);

        Assert.Equal(UserMatch.Email, doc.Users.Match);
        Assert.Equal(Path.Combine(folder, "users.csv"), doc.Users.MapPath);

        var space = Assert.Single(doc.Spaces);
        Assert.Equal("ENG", space.Key);
        Assert.Equal("ENG2", space.CloudKey);
        Assert.Equal("ENG2", space.EffectiveCloudKey);
        Assert.Equal("eng-docs@acme.com", space.Owner);
        Assert.Equal(MigrationPhase.DualWrite, space.Phase);
        Assert.Equal(ConflictPolicy.Merge, space.Overrides.Conflicts);
        Assert.Null(space.Overrides.Direction);
        Assert.Null(space.Overrides.MaxDeletePercent);
        Assert.Null(space.Overrides.Content);
        Assert.Equal("Engineering Home/Runbooks", space.IncludeSubtree);
        Assert.Equal(new[] { "Archive*" }, space.ExcludeTitles);
        Assert.Equal(new[] { "no-sync" }, space.ExcludeLabels);
        Assert.Equal(path, space.Location!.File);
        Assert.Equal(24, space.Location.Line);
        Assert.Equal(5, space.Location.Column);

        Assert.Equal(Path.Combine(folder, "spacesync.db"), doc.State.Path);
        Assert.Equal(Path.Combine(folder, "logs", "spacesync-.json"), doc.Logging.Path);
        Assert.Equal("Information", doc.Logging.Level);
    }

    [Fact]
    public void A_sites_search_lag_is_read_in_minutes_and_unset_without_the_key()
    {
        var text = ScopeFixtures.Minimal().Replace("    url: https://acme.atlassian.net/wiki\n",
            "    url: https://acme.atlassian.net/wiki\n    searchLagMinutes: 30\n", StringComparison.Ordinal);
        Assert.NotEqual(ScopeFixtures.Minimal(), text);

        var doc = ScopeParser.Parse(text, "/scopes/team/spacesync.yaml");

        Assert.Equal(TimeSpan.FromMinutes(30), doc.Cloud.SearchLag);
        Assert.Null(doc.DataCenter.SearchLag);
        Assert.Null(ScopeParser.Parse(ScopeFixtures.Minimal(), "/scopes/team/spacesync.yaml").Cloud.SearchLag);
    }

    [Fact]
    public void A_sites_request_timeout_and_budget_are_read_in_seconds_and_unset_without_the_keys()
    {
        var text = ScopeFixtures.Minimal().Replace("    url: https://acme.atlassian.net/wiki\n",
            "    url: https://acme.atlassian.net/wiki\n    requestTimeoutSeconds: 10\n    requestBudgetSeconds: 45\n", StringComparison.Ordinal);
        Assert.NotEqual(ScopeFixtures.Minimal(), text);

        var doc = ScopeParser.Parse(text, "/scopes/team/spacesync.yaml");

        Assert.Equal(TimeSpan.FromSeconds(10), doc.Cloud.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), doc.Cloud.RequestBudget);
        Assert.Null(doc.DataCenter.RequestTimeout);
        Assert.Null(doc.DataCenter.RequestBudget);
        var plain = ScopeParser.Parse(ScopeFixtures.Minimal(), "/scopes/team/spacesync.yaml");
        Assert.Null(plain.Cloud.RequestTimeout);
        Assert.Null(plain.Cloud.RequestBudget);
    }

    [Fact]
    public void A_site_s_request_rate_cap_is_read_and_absent_by_default()
    {
        var text = ScopeFixtures.Minimal().Replace("    url: https://acme.atlassian.net/wiki\n",
            "    url: https://acme.atlassian.net/wiki\n    maxRequestsPerSecond: 5\n", StringComparison.Ordinal);

        var doc = ScopeParser.Parse(text, "/scopes/team/spacesync.yaml");

        Assert.Equal(5, doc.Cloud.MaxRequestsPerSecond);
        Assert.Null(doc.DataCenter.MaxRequestsPerSecond);
        Assert.Null(ScopeParser.Parse(ScopeFixtures.Minimal(), "/scopes/team/spacesync.yaml").Cloud.MaxRequestsPerSecond);
    }

    [Fact]
    public void A_budget_below_the_default_timeout_is_refused_where_it_is_written()
    {
        var text = ScopeFixtures.Minimal().Replace("    url: https://acme.atlassian.net/wiki\n",
            "    url: https://acme.atlassian.net/wiki\n    requestBudgetSeconds: 20\n", StringComparison.Ordinal);

        var e = Assert.Throws<ScopeException>(() => ScopeParser.Parse(text, "/scopes/team/spacesync.yaml"));

        var error = Assert.Single(e.Errors);
        Assert.Equal(ScopeErrorCodes.InvalidRequestTimeout, error.Code);
        Assert.Contains("'sites.cloud.requestBudgetSeconds': an attempt's timeout of 30 s (the default) is longer than the request's budget of 20 s", error.Message);
    }

    [Fact]
    public void Optional_sections_fall_back_to_their_defaults()
    {
        var doc = ScopeParser.Parse(ScopeFixtures.Minimal(), "/scopes/team/spacesync.yaml");

        Assert.Equal(new SyncSettings(), doc.Defaults);
        Assert.Equal(UserMatch.Email, doc.Users.Match);
        Assert.Null(doc.Users.MapPath);
        Assert.Equal(Path.GetFullPath("/scopes/team/spacesync.db"), doc.State.Path);
        Assert.Null(doc.Logging.Path);
        Assert.Equal("Information", doc.Logging.Level);
        var space = Assert.Single(doc.Spaces);
        Assert.Null(space.Phase);
        Assert.Null(space.CloudKey);
        Assert.Equal("ENG", space.EffectiveCloudKey);
        Assert.Empty(space.ExcludeTitles);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_scope_file_folder_and_absolute_paths_stay()
    {
        var extra = "users:\n  map: ..\\maps\\users.csv\n" +
                    "state:\n  path: /var/lib/spacesync/state.db\n" +
                    "logging:\n  path: logs/run-.json\n  level: Debug\n";
        var doc = ScopeParser.Parse(ScopeFixtures.Minimal(extra: extra), "/scopes/team/spacesync.yaml");

        Assert.Equal(Path.GetFullPath("/scopes/maps/users.csv"), doc.Users.MapPath);
        Assert.Equal(Path.GetFullPath("/var/lib/spacesync/state.db"), doc.State.Path);
        Assert.Equal(Path.GetFullPath("/scopes/team/logs/run-.json"), doc.Logging.Path);
        Assert.Equal("Debug", doc.Logging.Level);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8090", "http://127.0.0.1:8090/")]
    [InlineData("http://127.3.4.5/confluence/", "http://127.3.4.5/confluence")]
    [InlineData("http://localhost:8090/wiki", "http://localhost:8090/wiki")]
    [InlineData("http://[::1]:8090", "http://[::1]:8090/")]
    [InlineData("https://acme.atlassian.net/wiki/", "https://acme.atlassian.net/wiki")]
    public void Http_is_accepted_for_loopback_hosts_and_trailing_slashes_are_dropped(string written, string expected)
    {
        var yaml = ScopeFixtures.Minimal().Replace("https://acme.atlassian.net/wiki", written);

        var doc = ScopeParser.Parse(yaml, "/scopes/s.yaml");

        Assert.Equal(expected, doc.Cloud.Url.ToString());
    }

    [Theory]
    [InlineData("env:SPACESYNC_TOKEN", SecretSource.Environment, "SPACESYNC_TOKEN", null)]
    [InlineData("secret:CorpVault/confluence-cloud", SecretSource.Vault, "confluence-cloud", "CorpVault")]
    [InlineData("secret:confluence-cloud", SecretSource.Vault, "confluence-cloud", null)]
    [InlineData("prompt", SecretSource.Prompt, null, null)]
    public void Token_references_of_every_kind_are_read(string written, SecretSource source, string? name, string? vault)
    {
        var yaml = ScopeFixtures.Minimal().Replace("env:SPACESYNC_CLOUD_TOKEN", written);

        var doc = ScopeParser.Parse(yaml, "/scopes/s.yaml");

        Assert.Equal(new SecretReference(source, name, vault), doc.Cloud.Auth.Token);
        Assert.Equal(written, doc.Cloud.Auth.Token.ToString());
    }

    [Fact]
    public void Personal_space_keys_numeric_cloud_keys_and_flow_style_are_accepted()
    {
        var spaces =
            "  - { key: \"~jdoe\", cloudKey: \"~5b10a2844c20165700ede21g\", owner: jdoe@acme.com }\n" +
            "  - key: 2024\n" +
            "    owner: ops@acme.com\n" +
            "    phase: frozen\n" +
            "    exclude: { labels: [No-Sync, draft] }\n";

        var doc = ScopeParser.Parse(ScopeFixtures.Minimal(spaces), "/scopes/s.yaml");

        Assert.Equal(new[] { "~jdoe", "2024" }, doc.Spaces.Select(s => s.Key));
        Assert.Equal("~5b10a2844c20165700ede21g", doc.Spaces[0].EffectiveCloudKey);
        Assert.Equal(new[] { "no-sync", "draft" }, doc.Spaces[1].ExcludeLabels);
    }

    [Fact]
    public void An_empty_spaces_list_is_legal()
    {
        Assert.Empty(ScopeParser.Parse(ScopeFixtures.Minimal(spaces: "  []\n").Replace("spaces:\n  []", "spaces: []"), "/s.yaml").Spaces);
        Assert.Empty(ScopeParser.Parse(ScopeFixtures.Minimal(spaces: ""), "/s.yaml").Spaces);
    }

    [Fact]
    public void Anchors_and_aliases_are_followed()
    {
        var spaces =
            "  - key: ENG\n    owner: eng@acme.com\n    content: &rich { comments: true, blogposts: true }\n" +
            "  - key: OPS\n    owner: ops@acme.com\n    content: *rich\n";

        var doc = ScopeParser.Parse(ScopeFixtures.Minimal(spaces), "/s.yaml");

        Assert.True(doc.Spaces[1].Overrides.Content!.Comments);
        Assert.True(doc.Spaces[1].Overrides.Content!.Blogposts);
    }

    [Fact]
    public void Every_error_is_reported_in_one_pass_in_file_order()
    {
        var yaml = ScopeFixtures.Minimal(
                "  - key: ENG\n    phase: dual_write\n    maxDeletePercent: 150\n",
                "defaults:\n  direction: sideways\n")
            .Replace("type: basic", "type: basics");

        var errors = ScopeFixtures.Errors(yaml);

        Assert.Equal(
            new[] { ScopeErrorCodes.InvalidEnum, ScopeErrorCodes.InvalidEnum, ScopeErrorCodes.MissingOwner, ScopeErrorCodes.InvalidEnum, ScopeErrorCodes.InvalidPercent },
            errors.Select(e => e.Code));
        Assert.Equal(errors.OrderBy(e => e.Location.Line).Select(e => e.Location.Line), errors.Select(e => e.Location.Line));
        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Parse(yaml, "/scopes/test.yaml"));
        Assert.StartsWith("5 errors in scope file:", ex.Message);
        Assert.Contains("/scopes/test.yaml:6:13: ", ex.Message);
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_change_nothing()
    {
        var original = File.ReadAllText(ScopeFixtures.Valid("full.yaml"));
        var folder = Directory.CreateTempSubdirectory("spacesync-crlf-");
        try
        {
            var path = Path.Combine(folder.FullName, "crlf.yaml");
            File.WriteAllText(path, original.Replace("\n", "\r\n").Replace("maxDeletePercent: 10", "maxDeletePercent: 101"), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

            var error = Assert.Single(Assert.Throws<ScopeException>(() => ScopeParser.Load(path)).Errors);

            Assert.Equal((17, 21), (error.Location.Line, error.Location.Column));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_own_code()
    {
        var path = Path.Combine(Path.GetTempPath(), "spacesync-missing-" + Guid.NewGuid().ToString("N") + ".yaml");

        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Load(path));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(ScopeErrorCodes.FileNotFound, error.Code);
        Assert.Equal(path, error.Location.File);
        Assert.Contains("does not exist", error.Message);
        Assert.Contains("New-SyncScope", error.Message);
    }

    [Fact]
    public void A_folder_instead_of_a_file_is_reported()
    {
        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Load(ScopeFixtures.Folder));

        Assert.Equal(ScopeErrorCodes.FileNotFound, Assert.Single(ex.Errors).Code);
        Assert.Contains("is a folder", ex.Message);
    }
}
