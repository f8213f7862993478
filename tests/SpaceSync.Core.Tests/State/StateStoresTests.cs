using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;

namespace SpaceSync.Core.Tests.State;

/// <summary>Opening the state a scope names: the SQLite file, or the PostgreSQL provider loaded by name.</summary>
public sealed class StateStoresTests : IDisposable
{
    private readonly TempStateFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_SQLite_state_holds_nothing_until_its_file_exists_and_opens_by_its_path()
    {
        var settings = new StateSettings { Path = _temp.File() };
        Assert.False(StateStores.MayHoldState(settings));

        using (var store = StateStores.Open(settings, connectionString: null))
            Assert.Equal(settings.Path, store.Path);
        Assert.True(StateStores.MayHoldState(settings));
    }

    [Fact]
    public void A_PostgreSQL_state_without_its_connection_string_names_the_reference()
    {
        var settings = new StateSettings
        {
            Provider = StateProvider.PostgreSql, Path = "", Connection = SecretReference.Parse("env:SPACESYNC_STATE_DB"),
        };

        var e = Assert.Throws<StateStoreException>(() => StateStores.Open(settings, connectionString: null));
        Assert.Equal(StateErrorKind.CannotOpen, e.Kind);
        Assert.Contains("env:SPACESYNC_STATE_DB", e.Message);
    }

    [Fact]
    public void A_refused_PostgreSQL_connection_is_the_provider_s_own_error_without_its_password()
    {
        var settings = new StateSettings
        {
            Provider = StateProvider.PostgreSql, Path = "", Connection = SecretReference.Parse("env:SPACESYNC_STATE_DB"), Schema = "spacesync_t",
        };

        // Port 1 on loopback: nothing listens. Through reflection, the StateStoreException arrives unwrapped.
        var e = Assert.Throws<StateStoreException>(() =>
            StateStores.Open(settings, "Host=127.0.0.1;Port=1;Username=sync;Password=hunter2-canary;Timeout=3"));
        Assert.Equal(StateErrorKind.CannotOpen, e.Kind);
        Assert.DoesNotContain("hunter2-canary", e.ToString());
        Assert.Contains("spacesync_t", e.Message);
    }
}
