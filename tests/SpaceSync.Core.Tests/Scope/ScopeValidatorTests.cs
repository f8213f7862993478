using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

public sealed class ScopeValidatorTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("spacesync-validator-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static string? AllSet(string name) => "value";

    private string Write(string yaml, string name = "spacesync.yaml")
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void A_clean_file_gets_one_information_finding_naming_its_spaces()
    {
        var path = Write(ScopeFixtures.Minimal());

        var finding = Assert.Single(ScopeValidator.Check(path, AllSet));

        Assert.Equal(FindingSeverity.Information, finding.Severity);
        Assert.Equal("ScopeFile", finding.Check);
        Assert.Equal(ScopeErrorCodes.Valid, finding.Code);
        Assert.Equal(new SourceLocation(path, 1, 1), finding.Location);
        Assert.Contains("valid: 1 space (ENG)", finding.Message);
    }

    [Fact]
    public void Each_error_becomes_one_error_finding_and_no_valid_finding()
    {
        var yaml = ScopeFixtures.Minimal("  - key: eng\n    phase: later\n");
        var path = Write(yaml);

        var findings = ScopeValidator.Check(path, AllSet);

        Assert.Equal(
            new[] { ScopeErrorCodes.MissingOwner, ScopeErrorCodes.InvalidSpaceKey, ScopeErrorCodes.InvalidEnum },
            findings.Select(f => f.Code));
        Assert.All(findings, f =>
        {
            Assert.Equal(FindingSeverity.Error, f.Severity);
            Assert.Equal("ScopeFile", f.Check);
            Assert.Equal(path, f.Location!.File);
            Assert.NotEmpty(f.Message);
        });
        Assert.Contains(findings, f => f.Code == ScopeErrorCodes.InvalidEnum && f.Location == new SourceLocation(path, 16, 12));
    }

    [Fact]
    public void A_missing_file_is_one_error_finding()
    {
        var finding = Assert.Single(ScopeValidator.Check(Path.Combine(_folder.FullName, "nope.yaml"), AllSet));

        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal(ScopeErrorCodes.FileNotFound, finding.Code);
    }

    [Fact]
    public void Risky_but_legal_settings_are_warnings_at_their_lines()
    {
        var extra = "defaults:\n  maxDeletePercent: 80\n  restrictedPages: mirror\nusers:\n  map: maps/users.csv\n";
        var spaces = "  - key: ENG\n    owner: o@acme.com\n    phase: cloud-primary\n    direction: to-cloud\n    maxDeletePercent: 51\n" +
                     "  - key: OPS\n    owner: ops@acme.com\n    maxDeletePercent: 50\n";
        var path = Write(ScopeFixtures.Minimal(spaces, extra));

        var findings = ScopeValidator.Check(path, AllSet);

        Assert.DoesNotContain(findings, f => f.Severity == FindingSeverity.Error);
        Assert.Single(findings, f => f.Code == ScopeErrorCodes.Valid);
        var warnings = findings.Where(f => f.Severity == FindingSeverity.Warning).ToList();
        Assert.Equal(
            new[]
            {
                (ScopeErrorCodes.HighDeletePercent, 15, (string?)null),
                (ScopeErrorCodes.MirrorRestrictedPages, 16, null),
                (ScopeErrorCodes.UserMapNotFound, 18, null),
                (ScopeErrorCodes.OverridesPhase, 23, "ENG"),
                (ScopeErrorCodes.HighDeletePercent, 24, "ENG"),
            },
            warnings.Select(w => (w.Code!, w.Location!.Line, w.SpaceKey)).OrderBy(w => w.Line));
        Assert.Contains("maps", warnings.Single(w => w.Code == ScopeErrorCodes.UserMapNotFound).Message);
        Assert.Contains("phase cloud-primary (direction to-datacenter) but sets direction to-cloud", warnings.Single(w => w.Code == ScopeErrorCodes.OverridesPhase).Message);
    }

    [Fact]
    public void A_user_map_that_exists_is_not_reported()
    {
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "maps"));
        File.WriteAllText(Path.Combine(_folder.FullName, "maps", "users.csv"), "dataCenterUserKey,cloudAccountId\n");
        var path = Write(ScopeFixtures.Minimal(extra: "users:\n  map: maps/users.csv\n"));

        Assert.DoesNotContain(ScopeValidator.Check(path, AllSet), f => f.Code == ScopeErrorCodes.UserMapNotFound);
    }

    [Fact]
    public void Unset_environment_variables_are_warnings_per_site()
    {
        var path = Write(ScopeFixtures.Minimal());

        var findings = ScopeValidator.Check(path, name => name == "SPACESYNC_DC_TOKEN" ? "x" : null);

        var warning = Assert.Single(findings, f => f.Code == ScopeErrorCodes.EnvironmentVariableMissing);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Equal(SiteKind.Cloud, warning.Site);
        Assert.Equal(new SourceLocation(path, 8, 14), warning.Location);
        Assert.Contains("SPACESYNC_CLOUD_TOKEN", warning.Message);
        Assert.Contains(findings, f => f.Code == ScopeErrorCodes.Valid);
    }

    [Fact]
    public void Cloud_auth_and_url_mistakes_that_are_legal_are_warned_about()
    {
        var yaml = ScopeFixtures.Minimal()
            .Replace("https://acme.atlassian.net/wiki", "https://acme.atlassian.net")
            .Replace("user: sync-bot@acme.com", "user: syncbot");
        var path = Write(yaml);

        var codes = ScopeValidator.Check(path, AllSet).Select(f => f.Code).ToList();

        Assert.Contains(ScopeErrorCodes.CloudUrlWithoutWiki, codes);
        Assert.Contains(ScopeErrorCodes.CloudUserNotEmail, codes);
    }

    [Fact]
    public void Bearer_auth_on_cloud_and_the_same_url_twice_are_warned_about()
    {
        var yaml = ScopeFixtures.Minimal()
            .Replace("      type: basic\n      user: sync-bot@acme.com\n", "      type: bearer\n")
            .Replace("https://wiki.acme.internal/confluence", "https://acme.atlassian.net/wiki/");
        var path = Write(yaml);

        var findings = ScopeValidator.Check(path, AllSet);

        Assert.Contains(findings, f => f.Code == ScopeErrorCodes.CloudBearerAuth && f.Site == SiteKind.Cloud && f.Location!.Line == 6);
        Assert.Contains(findings, f => f.Code == ScopeErrorCodes.SameSiteTwice);
    }

    [Fact]
    public void An_empty_spaces_list_is_valid_with_a_warning()
    {
        var path = Write(ScopeFixtures.Minimal(spaces: ""));

        var findings = ScopeValidator.Check(path, AllSet);

        Assert.Contains(findings, f => f.Code == ScopeErrorCodes.NoSpaces && f.Severity == FindingSeverity.Warning);
        Assert.Contains(findings, f => f.Code == ScopeErrorCodes.Valid && f.Message.Contains("no spaces"));
    }
}
