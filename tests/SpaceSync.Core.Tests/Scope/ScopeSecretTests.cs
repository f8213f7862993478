using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

/// <summary>A token written into the scope file must never come back out in an error.</summary>
public class ScopeSecretTests
{
    [Theory]
    [InlineData("ATATT3xFfGF0T4nKmq8ZpLsecretvalue", ScopeErrorCodes.PlainTextSecret)]
    [InlineData("\"glpat-Zx81-secretvalue\"", ScopeErrorCodes.PlainTextSecret)]
    [InlineData("'NjY4MzQ5NTQ2OTg2OnBhdC1zZWNyZXQ='", ScopeErrorCodes.PlainTextSecret)]
    [InlineData("123456789012", ScopeErrorCodes.PlainTextSecret)]
    [InlineData("ENV:Secretvalue42", ScopeErrorCodes.InvalidSecretReference)]
    [InlineData("env:secret-value-42", ScopeErrorCodes.InvalidSecretReference)]
    [InlineData("$env:secretvalue42", ScopeErrorCodes.InvalidSecretReference)]
    [InlineData("Prompt:secretvalue42", ScopeErrorCodes.InvalidSecretReference)]
    [InlineData("SECRET:vault/secretvalue42", ScopeErrorCodes.InvalidSecretReference)]
    public void Token_text_is_never_echoed(string written, string code)
    {
        var secret = written.Trim('"', '\'');
        var yaml = ScopeFixtures.Minimal().Replace("env:SPACESYNC_CLOUD_TOKEN", written);

        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Parse(yaml, "/scopes/s.yaml"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal((8, 14), (error.Location.Line, error.Location.Column));
        Assert.DoesNotContain(secret, ex.Message);
        Assert.DoesNotContain(secret, error.ToString());
        Assert.DoesNotContain(secret, ex.ToString());
        Assert.DoesNotContain("secretvalue", ex.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_token_written_in_place_of_the_auth_section_is_never_echoed()
    {
        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Load(ScopeFixtures.Invalid("auth-is-a-token.yaml")));

        Assert.DoesNotContain("secretvalue", ex.ToString());
    }

    [Fact]
    public void A_token_pasted_into_the_cloud_user_is_never_echoed_by_the_validator()
    {
        var folder = Directory.CreateTempSubdirectory("spacesync-secret-");
        try
        {
            var path = Path.Combine(folder.FullName, "s.yaml");
            File.WriteAllText(path, ScopeFixtures.Minimal().Replace("user: sync-bot@acme.com", "user: ATATT3xFfGF0secretvalue"));

            var findings = ScopeValidator.Check(path, _ => "set");

            Assert.Contains(findings, f => f.Code == ScopeErrorCodes.CloudUserNotEmail);
            Assert.All(findings, f => Assert.DoesNotContain("secretvalue", f.Message));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Password_in_a_site_url_is_never_echoed()
    {
        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Load(ScopeFixtures.Invalid("url-with-credentials.yaml")));

        Assert.DoesNotContain("hunter2", ex.ToString());
        Assert.DoesNotContain("admin:", ex.ToString());
    }

    [Fact]
    public void A_malformed_reference_that_throws_from_Parse_does_not_carry_the_text()
    {
        var ex = Assert.Throws<FormatException>(() => SecretReference.Parse("env:not a name secretvalue"));

        Assert.DoesNotContain("secretvalue", ex.Message);
    }

    [Fact]
    public void Parsed_references_render_only_their_location()
    {
        Assert.True(SecretReference.TryParse("secret:Corp/cloud-token", out var reference));
        Assert.Equal("secret:Corp/cloud-token", reference!.ToString());
        Assert.False(SecretReference.TryParse("abc123", out _));
        Assert.Equal(SecretReferenceKind.PlainText, SecretReference.Classify("abc123", out _, out _));
        Assert.Equal(SecretReferenceKind.Malformed, SecretReference.Classify("env:", out _, out _));
        Assert.Equal(SecretReferenceKind.Malformed, SecretReference.Classify("PROMPT", out _, out var problem));
        Assert.Contains("exactly 'prompt'", problem);
    }
}
