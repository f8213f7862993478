using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

/// <summary>
/// `state:` names either a SQLite file (the default) or a PostgreSQL database whose connection string is a secret
/// reference, like the tokens: never the string itself, and never a mix of the two forms.
/// </summary>
public class ScopeStateSettingsTests
{
    private static ScopeDocument Parse(string state) =>
        ScopeParser.Parse(ScopeFixtures.Minimal(extra: state), "/scopes/team/spacesync.yaml");

    private static ScopeError Fails(string state)
    {
        var ex = Assert.Throws<ScopeException>(() => Parse(state));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void Without_a_state_section_the_state_is_a_SQLite_file_beside_the_scope()
    {
        var doc = ScopeParser.Parse(ScopeFixtures.Minimal(), "/scopes/team/spacesync.yaml");

        Assert.Equal(StateProvider.Sqlite, doc.State.Provider);
        Assert.Equal(Path.GetFullPath("/scopes/team/spacesync.db"), doc.State.Path);
        Assert.Null(doc.State.Connection);
    }

    [Fact]
    public void Provider_sqlite_may_be_written_out()
    {
        var doc = Parse("state:\n  provider: sqlite\n  path: s.db\n");

        Assert.Equal(StateProvider.Sqlite, doc.State.Provider);
        Assert.Equal(Path.GetFullPath("/scopes/team/s.db"), doc.State.Path);
    }

    [Theory]
    [InlineData("env:SPACESYNC_STATE_DB", SecretSource.Environment)]
    [InlineData("secret:ops/spacesync-state", SecretSource.Vault)]
    [InlineData("prompt", SecretSource.Prompt)]
    public void PostgreSQL_takes_its_connection_string_from_a_secret_reference(string reference, SecretSource source)
    {
        var doc = Parse($"state: {{ provider: postgresql, connection: {reference} }}\n");

        Assert.Equal(StateProvider.PostgreSql, doc.State.Provider);
        Assert.Equal(source, doc.State.Connection!.Source);
        Assert.Equal("", doc.State.Path);
        Assert.Equal("spacesync", doc.State.Schema);
        Assert.Equal($"PostgreSQL state (schema spacesync, connection {reference})", doc.State.Describe());
    }

    [Fact]
    public void A_connection_string_written_into_the_file_is_refused_and_never_echoed()
    {
        var error = Fails("state:\n  provider: postgresql\n  connection: \"Host=db;Username=sync;Password=hunter2secret\"\n");

        Assert.Equal(ScopeErrorCodes.PlainTextSecret, error.Code);
        Assert.Equal("state.connection", error.Message.Split('\'')[1]);
        Assert.DoesNotContain("hunter2secret", error.ToString());
    }

    [Fact]
    public void PostgreSQL_without_a_connection_names_what_is_missing()
    {
        var error = Fails("state:\n  provider: postgresql\n");

        Assert.Equal(ScopeErrorCodes.InvalidStateSettings, error.Code);
        Assert.Contains("needs 'connection'", error.Message);
        Assert.Contains("env:NAME", error.Message);
    }

    [Fact]
    public void A_file_path_beside_provider_postgresql_is_refused_at_its_line()
    {
        var error = Fails("state:\n  provider: postgresql\n  connection: env:SPACESYNC_STATE_DB\n  path: state.db\n");

        Assert.Equal(ScopeErrorCodes.InvalidStateSettings, error.Code);
        Assert.Contains("'state.path'", error.Message);
        Assert.Contains("remove 'path'", error.Message);
    }

    [Fact]
    public void A_connection_without_provider_postgresql_is_refused_rather_than_ignored()
    {
        var error = Fails("state:\n  connection: env:SPACESYNC_STATE_DB\n");

        Assert.Equal(ScopeErrorCodes.InvalidStateSettings, error.Code);
        Assert.Contains("add 'provider: postgresql'", error.Message);
    }

    [Fact]
    public void An_unknown_provider_lists_the_known_ones()
    {
        var error = Fails("state:\n  provider: mysql\n");

        Assert.Equal(ScopeErrorCodes.InvalidEnum, error.Code);
        Assert.Contains("postgresql", error.Message);
        Assert.Contains("sqlite", error.Message);
    }

    [Fact]
    public void A_schema_lets_one_database_hold_several_scopes()
    {
        var doc = Parse("state: { provider: postgresql, connection: env:DB, schema: spacesync_eng }\n");

        Assert.Equal("spacesync_eng", doc.State.Schema);
    }

    [Theory]
    [InlineData("Eng")]
    [InlineData("eng-docs")]
    [InlineData("\"x; drop schema public\"")]
    public void A_schema_name_that_would_need_quoting_is_refused(string name)
    {
        var error = Fails($"state:\n  provider: postgresql\n  connection: env:DB\n  schema: {name}\n");

        Assert.Equal(ScopeErrorCodes.InvalidStateSettings, error.Code);
        Assert.Contains("plain lower-case PostgreSQL schema name", error.Message);
        Assert.Equal(17, error.Location.Line); // the schema line: the fixture takes 13, then state, provider, connection
    }

    [Fact]
    public void A_schema_beside_a_SQLite_file_is_refused()
    {
        var error = Fails("state:\n  schema: spacesync\n");

        Assert.Equal(ScopeErrorCodes.InvalidStateSettings, error.Code);
        Assert.Contains("add 'provider: postgresql'", error.Message);
    }
}

/// <summary>state.lockLeaseSeconds: how long a run's space lock holds without renewal (the heartbeat renews every third).</summary>
public class ScopeLockLeaseTests
{
    private static ScopeDocument Parse(string state) =>
        ScopeParser.Parse(ScopeFixtures.Minimal(extra: state), "/scopes/team/spacesync.yaml");

    [Fact]
    public void Without_the_key_a_lock_lease_is_five_minutes_in_every_form_of_state()
    {
        Assert.Equal(TimeSpan.FromSeconds(300), ScopeParser.Parse(ScopeFixtures.Minimal(), "/scopes/team/spacesync.yaml").State.LockLease);
        Assert.Equal(TimeSpan.FromSeconds(300), Parse("state:\n  path: s.db\n").State.LockLease);
        Assert.Equal(TimeSpan.FromSeconds(300), Parse("state: { provider: postgresql, connection: env:DB }\n").State.LockLease);
    }

    [Fact]
    public void The_lease_is_read_beside_either_provider_and_reaches_every_resolved_space()
    {
        Assert.Equal(TimeSpan.FromSeconds(45), Parse("state:\n  path: s.db\n  lockLeaseSeconds: 45\n").State.LockLease);
        var doc = Parse("state: { provider: postgresql, connection: env:DB, lockLeaseSeconds: 7200 }\n");
        Assert.Equal(TimeSpan.FromHours(2), doc.State.LockLease);
        Assert.All(ScopeResolver.Resolve(doc).Spaces, s => Assert.Equal(TimeSpan.FromHours(2), s.LockLease));
    }

    [Theory]
    [InlineData("29")]
    [InlineData("7201")]
    [InlineData("0")]
    public void A_lease_out_of_range_is_refused_at_its_line(string seconds)
    {
        var ex = Assert.Throws<ScopeException>(() => Parse($"state:\n  path: s.db\n  lockLeaseSeconds: {seconds}\n"));
        var error = Assert.Single(ex.Errors);

        Assert.Equal(ScopeErrorCodes.InvalidStateSettings, error.Code);
        Assert.Contains("'state.lockLeaseSeconds'", error.Message);
        Assert.Contains("from 30 to 7200", error.Message);
        Assert.Equal(16, error.Location.Line); // the fixture takes 13 lines, then state and path
        Assert.Equal(21, error.Location.Column); // at the value, as the other state keys
    }

    [Fact]
    public void A_lease_that_is_not_a_whole_number_is_refused()
    {
        var ex = Assert.Throws<ScopeException>(() => Parse("state:\n  lockLeaseSeconds: 1.5\n"));

        Assert.Contains("lockLeaseSeconds", Assert.Single(ex.Errors).Message);
    }
}
