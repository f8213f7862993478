using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

/// <summary>
/// Each file under Fixtures/Invalid is Fixtures/Valid/full.yaml with one defect; it must yield exactly
/// that one error, at that place, saying what was expected.
/// </summary>
public class ScopeInvalidFixtureTests
{
    public static TheoryData<string, string, int, int, string> Cases => new()
    {
        // Unknown keys at every level: a typo must never silently drop a setting.
        { "unknown-key-root.yaml", ScopeErrorCodes.UnknownKey, 36, 1, "Unknown key 'loging' at the top level. Did you mean 'logging'?" },
        { "unknown-key-sites.yaml", ScopeErrorCodes.UnknownKey, 14, 3, "Allowed keys: cloud, datacenter" },
        { "unknown-key-site.yaml", ScopeErrorCodes.UnknownKey, 5, 5, "'proxy' in 'sites.cloud'. Allowed keys: url, auth" },
        { "unknown-key-auth.yaml", ScopeErrorCodes.UnknownKey, 9, 7, "'password' in 'sites.cloud.auth'. Allowed keys: type, user, token" },
        { "unknown-key-defaults.yaml", ScopeErrorCodes.UnknownKey, 17, 3, "Did you mean 'maxDeletePercent'?" },
        { "unknown-key-case.yaml", ScopeErrorCodes.UnknownKey, 17, 3, "'MaxDeletePercent' in 'defaults'. Did you mean 'maxDeletePercent'?" },
        { "unknown-key-content.yaml", ScopeErrorCodes.UnknownKey, 18, 28, "Did you mean 'attachments'?" },
        { "unknown-key-users.yaml", ScopeErrorCodes.UnknownKey, 22, 3, "Did you mean 'map'?" },
        { "unknown-key-space.yaml", ScopeErrorCodes.UnknownKey, 33, 5, "'pahse' in 'spaces[1]'. Did you mean 'phase'?" },
        { "unknown-key-exclude.yaml", ScopeErrorCodes.UnknownKey, 30, 16, "Did you mean 'titles'?" },
        { "unknown-key-state.yaml", ScopeErrorCodes.UnknownKey, 36, 3, "'journal' in 'state'. Allowed keys: provider, path, connection, schema" },
        { "phase-in-defaults.yaml", ScopeErrorCodes.UnknownKey, 15, 3, "'phase' is set on each space under 'spaces'" },

        // Secrets.
        { "plain-text-token.yaml", ScopeErrorCodes.PlainTextSecret, 8, 14, "may only say where the token lives: env:NAME, secret:VAULT/NAME or prompt" },
        { "plain-text-token-quoted.yaml", ScopeErrorCodes.PlainTextSecret, 13, 14, "'sites.datacenter.auth.token' holds what looks like the secret itself" },
        { "bad-env-reference.yaml", ScopeErrorCodes.InvalidSecretReference, 8, 14, "made of letters, digits and '_'" },
        { "env-empty-name.yaml", ScopeErrorCodes.InvalidSecretReference, 8, 14, "needs an environment variable name after 'env:'" },
        { "powershell-env-syntax.yaml", ScopeErrorCodes.InvalidSecretReference, 13, 14, "write env:NAME (no '$'" },
        { "secret-empty-vault.yaml", ScopeErrorCodes.InvalidSecretReference, 8, 14, "secret:VAULT/NAME" },
        { "auth-is-a-token.yaml", ScopeErrorCodes.InvalidType, 5, 11, "'sites.cloud.auth' must be a mapping of keys (type, user, token), found a text value" },
        { "token-mapping.yaml", ScopeErrorCodes.InvalidType, 13, 14, "must be a token reference" },

        // Site URLs.
        { "http-non-loopback.yaml", ScopeErrorCodes.InsecureUrl, 10, 10, "uses http:// to 'wiki.acme.internal'" },
        { "relative-url.yaml", ScopeErrorCodes.InvalidUrl, 4, 10, "must be an absolute URL with scheme and host" },
        { "path-only-url.yaml", ScopeErrorCodes.InvalidUrl, 10, 10, "found '/confluence'" },
        { "ftp-url.yaml", ScopeErrorCodes.InvalidUrl, 4, 10, "the scheme 'ftp' is not supported" },
        { "url-with-credentials.yaml", ScopeErrorCodes.InvalidUrl, 10, 10, "must not carry a user name or password" },
        { "url-with-query.yaml", ScopeErrorCodes.InvalidUrl, 4, 10, "without '?' query" },

        // Spaces.
        { "duplicate-space.yaml", ScopeErrorCodes.DuplicateSpace, 31, 10, "Space 'ENG' is listed twice (first at line 24)" },
        { "duplicate-cloud-key.yaml", ScopeErrorCodes.DuplicateSpace, 32, 15, "maps to Cloud space 'ENG2', which space 'ENG' (line 24) already maps to" },
        { "missing-owner.yaml", ScopeErrorCodes.MissingOwner, 31, 5, "'spaces[1]' has no 'owner'" },
        { "empty-owner.yaml", ScopeErrorCodes.MissingOwner, 32, 5, "'spaces[1].owner' is empty" },
        { "missing-space-key.yaml", ScopeErrorCodes.MissingKey, 31, 5, "Missing key 'key' in 'spaces[1]'" },
        { "invalid-space-key-lowercase.yaml", ScopeErrorCodes.InvalidSpaceKey, 31, 10, "did you mean 'OPS'?" },
        { "invalid-space-key-chars.yaml", ScopeErrorCodes.InvalidSpaceKey, 24, 10, "'ENG-DOCS' is not a valid space key" },
        { "invalid-cloud-key.yaml", ScopeErrorCodes.InvalidSpaceKey, 25, 15, "'spaces[0].cloudKey' 'ENG 2'" },
        { "spaces-not-a-list.yaml", ScopeErrorCodes.InvalidType, 24, 3, "'spaces' must be a list of spaces" },
        { "space-item-not-mapping.yaml", ScopeErrorCodes.InvalidType, 31, 5, "'spaces[1]' must be a mapping of keys (key, cloudKey, owner" },
        { "bad-subtree.yaml", ScopeErrorCodes.InvalidSubtree, 29, 25, "has an empty title" },
        { "exclude-titles-not-list.yaml", ScopeErrorCodes.InvalidType, 30, 24, "'spaces[0].exclude.titles' must be a list of page titles" },
        { "exclude-title-empty.yaml", ScopeErrorCodes.EmptyValue, 30, 37, "'spaces[0].exclude.titles[1]' is empty; expected a page title" },
        { "exclude-label-with-space.yaml", ScopeErrorCodes.InvalidLabel, 30, 47, "Confluence labels are single words" },

        // Enumerations.
        { "bad-phase.yaml", ScopeErrorCodes.InvalidEnum, 27, 12, "Did you mean 'dual-write'? Allowed values: datacenter-primary, dual-write, cloud-primary, frozen" },
        { "bad-direction.yaml", ScopeErrorCodes.InvalidEnum, 15, 14, "Allowed values: both, to-cloud, to-datacenter, none" },
        { "bad-conflicts.yaml", ScopeErrorCodes.InvalidEnum, 28, 16, "Allowed values: manual, prefer-cloud, prefer-datacenter, newest, merge" },
        { "bad-restricted-pages.yaml", ScopeErrorCodes.InvalidEnum, 19, 20, "Allowed values: skip, mirror" },
        { "bad-auth-type.yaml", ScopeErrorCodes.InvalidEnum, 12, 13, "'oauth'. Allowed values: basic, bearer" },
        { "bad-user-match.yaml", ScopeErrorCodes.InvalidEnum, 21, 10, "Allowed values: email" },
        { "bad-log-level.yaml", ScopeErrorCodes.InvalidEnum, 38, 10, "Allowed values: Verbose, Debug, Information, Warning, Error, Fatal" },

        // Percentages.
        { "percent-negative.yaml", ScopeErrorCodes.InvalidPercent, 17, 21, "is outside 0–100: found '-1'" },
        { "percent-over-100.yaml", ScopeErrorCodes.InvalidPercent, 34, 23, "'spaces[1].maxDeletePercent' is outside 0–100: found '101'" },
        { "percent-text.yaml", ScopeErrorCodes.InvalidPercent, 17, 21, "is not a whole number: found 'ten'" },
        { "percent-fraction.yaml", ScopeErrorCodes.InvalidPercent, 17, 21, "is not a whole number: found '12.5'" },
        { "percent-huge.yaml", ScopeErrorCodes.InvalidPercent, 17, 21, "is outside 0–100" },
        { "percent-empty.yaml", ScopeErrorCodes.EmptyValue, 17, 3, "'defaults.maxDeletePercent' has no value" },

        // A site's search lag.
        { "search-lag-zero.yaml", ScopeErrorCodes.InvalidSearchLag, 5, 23, "'sites.cloud.searchLagMinutes' is 0: expected a whole number of minutes from 1 to 1440" },
        { "search-lag-text.yaml", ScopeErrorCodes.InvalidType, 11, 23, "'sites.datacenter.searchLagMinutes' must be a whole number of minutes from 1 to 1440, found 'ten'" },

        // A site's request timeout and budget.
        { "request-timeout-zero.yaml", ScopeErrorCodes.InvalidRequestTimeout, 5, 28, "'sites.cloud.requestTimeoutSeconds' is 0: expected a whole number of seconds from 1 to 600" },
        { "request-timeout-text.yaml", ScopeErrorCodes.InvalidType, 5, 28, "'sites.cloud.requestTimeoutSeconds' must be a whole number of seconds from 1 to 600, found 'soon'" },
        { "request-timeout-absurd.yaml", ScopeErrorCodes.InvalidType, 5, 28, "'sites.cloud.requestTimeoutSeconds' must be a whole number of seconds from 1 to 600" },
        { "request-timeout-over-budget.yaml", ScopeErrorCodes.InvalidRequestTimeout, 5, 28, "an attempt's timeout of 120 s is longer than the request's budget of 100 s (the default)" },
        { "request-budget-negative.yaml", ScopeErrorCodes.InvalidRequestTimeout, 11, 27, "'sites.datacenter.requestBudgetSeconds' is -5: expected a whole number of seconds from 1 to 3600" },
        { "request-budget-huge.yaml", ScopeErrorCodes.InvalidRequestTimeout, 11, 27, "'sites.datacenter.requestBudgetSeconds' is 86400" },
        { "request-budget-fraction.yaml", ScopeErrorCodes.InvalidType, 11, 27, "'sites.datacenter.requestBudgetSeconds' must be a whole number of seconds from 1 to 3600, found '1.5'" },

        // A site's request rate cap.
        { "request-rate-zero.yaml", ScopeErrorCodes.InvalidRequestRate, 5, 27, "'sites.cloud.maxRequestsPerSecond' is 0: expected a whole number of requests per second from 1 to 1000" },
        { "request-rate-huge.yaml", ScopeErrorCodes.InvalidRequestRate, 5, 27, "'sites.cloud.maxRequestsPerSecond' is 5000" },
        { "request-rate-fraction.yaml", ScopeErrorCodes.InvalidType, 5, 27, "'sites.cloud.maxRequestsPerSecond' must be a whole number of requests per second from 1 to 1000, found '2.5'" },

        // Writes in flight at once.
        { "concurrent-writes-zero.yaml", ScopeErrorCodes.InvalidConcurrentWrites, 20, 24, "'defaults.maxConcurrentWrites' is 0: expected a whole number of writes from 1 to 2" },
        { "concurrent-writes-three.yaml", ScopeErrorCodes.InvalidConcurrentWrites, 20, 24, "'defaults.maxConcurrentWrites' is 3" },

        // Version and required structure.
        { "version-2.yaml", ScopeErrorCodes.UnsupportedVersion, 1, 10, "version 2 is not supported; this SpaceSync reads version 1" },
        { "version-text.yaml", ScopeErrorCodes.InvalidType, 1, 10, "'version' must be the number 1, found 'one'" },
        { "version-missing.yaml", ScopeErrorCodes.MissingKey, 1, 1, "Missing key 'version' at the top level" },
        { "missing-sites.yaml", ScopeErrorCodes.MissingKey, 1, 1, "Missing key 'sites' at the top level; expected a mapping of cloud, datacenter" },
        { "missing-cloud.yaml", ScopeErrorCodes.MissingKey, 2, 1, "Missing key 'cloud' in 'sites'" },
        { "missing-url.yaml", ScopeErrorCodes.MissingKey, 9, 3, "Missing key 'url' in 'sites.datacenter'" },
        { "missing-auth.yaml", ScopeErrorCodes.MissingKey, 9, 3, "Missing key 'auth' in 'sites.datacenter'; expected a mapping of type, user, token" },
        { "missing-token.yaml", ScopeErrorCodes.MissingKey, 11, 5, "Missing key 'token' in 'sites.datacenter.auth'" },
        { "missing-spaces.yaml", ScopeErrorCodes.MissingKey, 1, 1, "Missing key 'spaces' at the top level" },
        { "auth-not-mapping.yaml", ScopeErrorCodes.InvalidType, 11, 11, "'sites.datacenter.auth' must be a mapping of keys (type, user, token)" },
        { "basic-without-user.yaml", ScopeErrorCodes.MissingAuthUser, 5, 5, "uses basic auth but has no 'user'" },
        { "bearer-with-user.yaml", ScopeErrorCodes.UnexpectedAuthUser, 13, 7, "remove 'user', or use type: basic" },
        { "root-not-mapping.yaml", ScopeErrorCodes.InvalidType, 1, 1, "must be a mapping of keys (version, sites" },
        { "state-path-nul.yaml", ScopeErrorCodes.InvalidPath, 35, 9, "not allowed in file paths" },
        { "state-path-folder.yaml", ScopeErrorCodes.InvalidPath, 35, 9, "'data/' names a folder" },
        { "users-map-empty.yaml", ScopeErrorCodes.EmptyValue, 22, 3, "'users.map' has no value" },

        // Types.
        { "content-not-bool.yaml", ScopeErrorCodes.InvalidType, 18, 57, "'defaults.content.comments' must be true or false, found 'yes'" },
        { "content-quoted-bool.yaml", ScopeErrorCodes.InvalidType, 18, 22, "must be true or false (without quotes)" },
        { "content-not-mapping.yaml", ScopeErrorCodes.InvalidType, 18, 12, "'defaults.content' must be a mapping of keys (labels, attachments, comments, blogposts)" },
        { "duplicate-mapping-key.yaml", ScopeErrorCodes.DuplicateKey, 17, 3, "Duplicate key 'direction' in 'defaults'; it is already set at line 15" },

        // YAML itself.
        { "tab-indentation.yaml", ScopeErrorCodes.YamlSyntax, 16, 1, "A tab character is used for indentation" },
        { "unclosed-flow-mapping.yaml", ScopeErrorCodes.YamlSyntax, 18, 12, "the '{' here is not closed" },
        { "colon-in-plain-value.yaml", ScopeErrorCodes.YamlSyntax, 26, 16, "put the value in quotes" },
        { "unterminated-quote.yaml", ScopeErrorCodes.YamlSyntax, 29, 25, "Check that the quote opened here is closed" },
        { "multiple-documents.yaml", ScopeErrorCodes.YamlSyntax, 39, 1, "more than one YAML document" },
        { "unknown-alias.yaml", ScopeErrorCodes.YamlSyntax, 34, 14, "The alias *rich refers to no anchor" },
        { "empty-file.yaml", ScopeErrorCodes.EmptyFile, 1, 1, "The scope file is empty" },
        { "comments-only.yaml", ScopeErrorCodes.EmptyFile, 1, 1, "New-SyncScope writes one" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Invalid_scope_file_yields_exactly_its_error(string file, string code, int line, int column, string fragment)
    {
        var path = ScopeFixtures.Invalid(file);

        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Load(path));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal((path, line, column), (error.Location.File, error.Location.Line, error.Location.Column));
        Assert.Contains(fragment, error.Message);
        Assert.Equal($"{path}:{line}:{column}: {error.Message}", ex.Message);
    }

    [Fact]
    public void Every_invalid_fixture_is_in_the_table_and_the_table_is_large()
    {
        var files = Directory.GetFiles(Path.Combine(ScopeFixtures.Folder, "Invalid")).Select(Path.GetFileName).Order();
        var table = Cases.Select(row => (string)row[0]).Order();

        Assert.Equal(files, table);
        Assert.True(Cases.Count >= 35);
    }

    [Fact]
    public void The_base_of_the_invalid_fixtures_is_itself_valid()
    {
        var doc = ScopeParser.Load(ScopeFixtures.Valid("full.yaml"));

        Assert.Equal(new[] { "ENG", "OPS" }, doc.Spaces.Select(s => s.Key));
    }
}
