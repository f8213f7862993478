using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Tests.Scope;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Basic auth signs in as the scope's user, else as the account the secret's store keeps with it (a vault credential).</summary>
public class SiteCredentialAccountTests
{
    private static SiteSettings Cloud(string? user, SecretSource source = SecretSource.Vault) => new()
    {
        Kind = SiteKind.Cloud,
        Url = new Uri("https://acme.atlassian.net/wiki"),
        Auth = new AuthSettings { Type = AuthType.Basic, User = user, Token = new SecretReference(source, "CloudLogin", source == SecretSource.Vault ? "Corp" : null) },
    };

    private sealed class Store(string secret, string? user) : ISecretResolver
    {
        public Task<ResolvedSecret> ResolveAsync(SecretReference reference, SiteKind site, CancellationToken cancellationToken) =>
            Task.FromResult(new ResolvedSecret(secret, user));
    }

    [Fact]
    public async Task Where_the_scope_names_no_user_the_credential_s_user_name_is_the_account()
    {
        var credential = await SiteCredential.FromScopeAsync(Cloud(null), new Store("api-token", "svc-sync@acme.com"), CancellationToken.None);

        Assert.Equal(AuthType.Basic, credential.Type);
        Assert.Equal("svc-sync@acme.com", credential.User);
    }

    [Fact]
    public async Task The_scope_s_user_wins_over_the_credential_s()
    {
        var credential = await SiteCredential.FromScopeAsync(Cloud("admin@acme.com"), new Store("api-token", "svc-sync@acme.com"), CancellationToken.None);

        Assert.Equal("admin@acme.com", credential.User);
    }

    [Fact]
    public async Task No_account_anywhere_is_a_secret_that_cannot_be_used_naming_the_reference_never_the_value()
    {
        var e = await Assert.ThrowsAsync<SecretUnavailableException>(() =>
            SiteCredential.FromScopeAsync(Cloud(null), new Store("api-token-value", null), CancellationToken.None));

        Assert.Contains("secret:Corp/CloudLogin", e.Message);
        Assert.Contains("auth.user", e.Message);
        Assert.DoesNotContain("api-token-value", e.ToString());
    }

    [Theory]
    [InlineData("secret:Corp/CloudLogin", null)]
    [InlineData("prompt", null)]
    [InlineData("env:SPACESYNC_CLOUD_TOKEN", ScopeErrorCodes.MissingAuthUser)]
    public void Basic_auth_without_a_user_is_refused_only_where_the_token_cannot_carry_an_account(string token, string? error)
    {
        var yaml = ScopeFixtures.Minimal().Replace("env:SPACESYNC_CLOUD_TOKEN", token);
        yaml = System.Text.RegularExpressions.Regex.Replace(yaml, @"\n\s*user: [^\n]*", "", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

        if (error is null)
        {
            Assert.Null(ScopeParser.Parse(yaml, "/scopes/s.yaml").Cloud.Auth.User);
        }
        else
        {
            Assert.Equal(error, Assert.Single(Assert.Throws<ScopeException>(() => { ScopeParser.Parse(yaml, "/scopes/s.yaml"); }).Errors).Code);
        }
    }
}
