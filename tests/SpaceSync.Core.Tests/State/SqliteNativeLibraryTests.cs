using System.Runtime.InteropServices;
using SpaceSync.Core.State;
using Xunit;

namespace SpaceSync.Core.Tests.State;

/// <summary>
/// Windows PowerShell 5.1 cannot be run here; what can be proven is that the loader picks the file NuGet ships
/// for each process architecture, says clearly what is missing, and stays out of the way on .NET.
/// </summary>
public sealed class SqliteNativeLibraryTests : IDisposable
{
    private readonly TempStateFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(Architecture.X64, "win-x64")]
    [InlineData(Architecture.X86, "win-x86")]
    [InlineData(Architecture.Arm64, "win-arm64")]
    public void Loads_the_file_of_the_process_architecture(Architecture architecture, string runtime)
    {
        foreach (var rid in new[] { "win-x64", "win-x86", "win-arm64" })
            Touch(Path.Combine(_temp.Folder, "runtimes", rid, "native", "e_sqlite3.dll"));
        var asked = new List<string>();

        var loaded = SqliteNativeLibrary.Load(_temp.Folder, architecture, path => { asked.Add(path); return 0; });

        var expected = Path.Combine(_temp.Folder, "runtimes", runtime, "native", "e_sqlite3.dll");
        Assert.Equal(expected, loaded);
        Assert.Equal(new[] { expected }, asked);
    }

    [Fact]
    public void A_missing_file_is_named_and_nothing_is_loaded()
    {
        Touch(Path.Combine(_temp.Folder, "runtimes", "win-x64", "native", "e_sqlite3.dll"));
        var asked = 0;

        var error = Assert.Throws<StateStoreException>(() =>
            SqliteNativeLibrary.Load(_temp.Folder, Architecture.X86, _ => { asked++; return 0; }));

        Assert.Equal(StateErrorKind.CannotOpen, error.Kind);
        Assert.Contains(Path.Combine("runtimes", "win-x86", "native", "e_sqlite3.dll"), error.Message);
        Assert.Contains("X86 process", error.Message);
        Assert.Equal(0, asked);
    }

    [Fact]
    public void A_refused_load_says_which_file_and_the_Windows_error()
    {
        Touch(Path.Combine(_temp.Folder, "runtimes", "win-x64", "native", "e_sqlite3.dll"));

        var error = Assert.Throws<StateStoreException>(() => SqliteNativeLibrary.Load(_temp.Folder, Architecture.X64, _ => 193));

        Assert.Contains("win-x64", error.Message);
        Assert.Contains("Windows error 193", error.Message);
    }

    [Fact]
    public void An_architecture_without_a_library_is_refused_by_name()
    {
        var error = Assert.Throws<PlatformNotSupportedException>(() => SqliteNativeLibrary.WindowsRuntime(Architecture.Arm));
        Assert.Contains("Arm", error.Message);
    }

    [Theory]
    [InlineData(Architecture.X64)]
    [InlineData(Architecture.X86)]
    [InlineData(Architecture.Arm64)]
    public void The_SQLite_package_ships_a_file_where_the_loader_looks(Architecture architecture)
    {
        // The test's own output holds every runtime of the package, laid out as in the module's Dependencies/.
        var path = Path.Combine(AppContext.BaseDirectory, SqliteNativeLibrary.RelativePath(architecture));
        Assert.True(File.Exists(path), $"{path} is missing: the SQLite package's layout changed.");
    }

    [Fact]
    public void Does_nothing_on_dotnet_where_the_load_context_finds_the_library()
    {
        SqliteNativeLibrary.EnsureLoaded();
        Assert.Null(SqliteNativeLibrary.LoadedPath);
        using var store = StateStore.Open(_temp.File());
        Assert.Equal(StateStore.CurrentSchemaVersion, store.SchemaVersion);
    }

    private static void Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[] { 0x4D, 0x5A });
    }
}
