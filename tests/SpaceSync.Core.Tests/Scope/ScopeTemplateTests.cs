using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

public class ScopeTemplateTests
{
    private static readonly Uri Cloud = new("https://acme.atlassian.net/wiki/");
    private static readonly Uri DataCenter = new("https://wiki.acme.internal/confluence");

    [Fact]
    public void Rendered_file_parses_back_to_what_was_asked()
    {
        var yaml = ScopeTemplate.Render(Cloud, DataCenter, new[] { "ENG", "OPS", "~jdoe", "2024" }, "eng-docs@acme.com");

        var doc = ScopeParser.Parse(yaml, "/scopes/spacesync.yaml");

        Assert.Equal("https://acme.atlassian.net/wiki", doc.Cloud.Url.ToString());
        Assert.Equal("https://wiki.acme.internal/confluence", doc.DataCenter.Url.ToString());
        Assert.Equal("env:SPACESYNC_CLOUD_TOKEN", doc.Cloud.Auth.Token.ToString());
        Assert.Equal("env:SPACESYNC_DC_TOKEN", doc.DataCenter.Auth.Token.ToString());
        Assert.Equal(AuthType.Basic, doc.Cloud.Auth.Type);
        Assert.Equal(AuthType.Bearer, doc.DataCenter.Auth.Type);
        Assert.Equal(new[] { "ENG", "OPS", "~jdoe", "2024" }, doc.Spaces.Select(s => s.Key));
        Assert.All(doc.Spaces, s => Assert.Equal("eng-docs@acme.com", s.Owner));
        Assert.All(doc.Spaces, s => Assert.Equal(ScopeTemplate.InitialPhase, s.Phase));
        Assert.Equal(10, doc.Defaults.MaxDeletePercent);
        Assert.Equal(Path.GetFullPath("/scopes/spacesync.db"), doc.State.Path);

        var resolved = ScopeResolver.Resolve(doc);
        Assert.All(resolved.Spaces, s => Assert.Equal(SyncDirection.ToCloud, s.Direction));
    }

    [Fact]
    public void Rendered_file_explains_its_keys_in_comments()
    {
        var yaml = ScopeTemplate.Render(Cloud, DataCenter, new[] { "ENG" }, "eng-docs@acme.com");
        var lines = yaml.Split('\n');

        Assert.StartsWith("# SpaceSync scope file (version 1)", yaml);
        Assert.Contains(lines, l => l.Contains("direction: both") && l.Contains("# both | to-cloud | to-datacenter | none"));
        Assert.Contains(lines, l => l.Contains("owner: eng-docs@acme.com") && l.Contains("# required"));
        Assert.Contains(lines, l => l.Contains("phase: datacenter-primary") && l.Contains("# datacenter-primary | dual-write | cloud-primary | frozen"));
        Assert.Contains(lines, l => l.Contains("token: env:SPACESYNC_CLOUD_TOKEN") && l.Contains("secret:VAULT/NAME"));
        Assert.DoesNotContain("\r", yaml);
    }

    [Fact]
    public void Its_commented_PostgreSQL_state_parses_once_uncommented()
    {
        // What an admin does to share the state: drop the path, take the commented keys in.
        var yaml = ScopeTemplate.Render(Cloud, DataCenter, new[] { "ENG" }, "eng-docs@acme.com");
        var shared = string.Join("\n", yaml.Split('\n')
            .Where(l => !l.StartsWith("  path: spacesync.db", StringComparison.Ordinal))
            .Select(l => l.StartsWith("  # provider:", StringComparison.Ordinal) || l.StartsWith("  # connection:", StringComparison.Ordinal) ||
                         l.StartsWith("  # schema:", StringComparison.Ordinal) || l.StartsWith("  # lockLeaseSeconds:", StringComparison.Ordinal)
                ? "  " + l.Substring(4) : l));

        var state = ScopeParser.Parse(shared, "/scopes/spacesync.yaml").State;

        Assert.Equal(StateProvider.PostgreSql, state.Provider);
        Assert.Equal("env:SPACESYNC_STATE_DB", state.Connection?.ToString());
        Assert.Equal("spacesync", state.Schema);
        Assert.Equal(StateSettings.DefaultLockLease, state.LockLease);
    }

    [Fact]
    public void Without_spaces_or_owner_the_file_still_parses_and_the_validator_flags_placeholders()
    {
        var folder = Directory.CreateTempSubdirectory("spacesync-template-");
        try
        {
            var empty = Path.Combine(folder.FullName, "empty.yaml");
            File.WriteAllText(empty, ScopeTemplate.Render(Cloud, DataCenter, Array.Empty<string>(), null));
            Assert.Empty(ScopeParser.Load(empty).Spaces);

            var placeholders = Path.Combine(folder.FullName, "placeholders.yaml");
            File.WriteAllText(placeholders, ScopeTemplate.Render(Cloud, DataCenter, new[] { "ENG" }, null));
            Assert.Equal(ScopeTemplate.OwnerPlaceholder, ScopeParser.Load(placeholders).Spaces[0].Owner);

            var findings = ScopeValidator.Check(placeholders, _ => "set");
            Assert.DoesNotContain(findings, f => f.Severity == FindingSeverity.Error);
            Assert.Equal(2, findings.Count(f => f.Code == ScopeErrorCodes.Placeholder));
            Assert.Contains(findings, f => f.Code == ScopeErrorCodes.Placeholder && f.SpaceKey == "ENG");
            Assert.Contains(findings, f => f.Code == ScopeErrorCodes.Placeholder && f.Site == SiteKind.Cloud);
            Assert.Contains(ScopeValidator.Check(empty, _ => "set"), f => f.Code == ScopeErrorCodes.NoSpaces);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Loopback_http_is_accepted_for_the_emulator()
    {
        var yaml = ScopeTemplate.Render(new Uri("http://127.0.0.1:5001"), new Uri("http://localhost:5002/confluence"), new[] { "ENG" }, "o@acme.com");

        var doc = ScopeParser.Parse(yaml, "/s.yaml");

        Assert.Equal("http://127.0.0.1:5001/", doc.Cloud.Url.ToString());
        Assert.Equal("http://localhost:5002/confluence", doc.DataCenter.Url.ToString());
    }

    [Fact]
    public void Owner_that_needs_quoting_round_trips()
    {
        var owner = "Docs Team: Eng #1 \"core\"";

        var doc = ScopeParser.Parse(ScopeTemplate.Render(Cloud, DataCenter, new[] { "ENG" }, owner), "/s.yaml");

        Assert.Equal(owner, doc.Spaces[0].Owner);
    }

    [Theory]
    [InlineData("http://wiki.acme.internal", "ENG", "http://")]
    [InlineData("ftp://wiki.acme.internal", "ENG", "scheme 'ftp'")]
    [InlineData("https://wiki.acme.internal", "eng", "did you mean 'ENG'")]
    [InlineData("https://wiki.acme.internal", "ENG-1", "not a valid space key")]
    public void Values_the_scope_file_would_refuse_are_refused_up_front(string dataCenterUrl, string key, string fragment)
    {
        var ex = Assert.Throws<ArgumentException>(() => ScopeTemplate.Render(Cloud, new Uri(dataCenterUrl), new[] { key }, "o@acme.com"));

        Assert.Contains(fragment, ex.Message);
    }

    [Fact]
    public void Duplicate_keys_and_blank_owner_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ScopeTemplate.Render(Cloud, DataCenter, new[] { "ENG", "ENG" }, null));
        Assert.Throws<ArgumentException>(() => ScopeTemplate.Render(Cloud, DataCenter, new[] { "ENG" }, "  "));
    }
}
