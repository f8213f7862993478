using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;
using Xunit;

namespace SpaceSync.Core.Tests.State;

/// <summary>The test classes that talk to the throwaway PostgreSQL cluster (one cluster for the whole test run).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>
/// A real PostgreSQL server for the state store tests (no mock of the database anywhere). The build (build.ps1 -Task Test)
/// starts a throwaway cluster and names it in SPACESYNC_TEST_POSTGRES (an admin connection string, trust auth); without
/// it, this fixture starts its own: initdb into a temp folder, pg_ctl on a free loopback port (as the postgres user when
/// root: initdb refuses root), stopped and removed when the run ends. Each test class gets a fresh database
/// (<see cref="DatabaseFor"/>), dropped at the end.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string EnvironmentVariable = "SPACESYNC_TEST_POSTGRES";

    private readonly ConcurrentDictionary<string, Lazy<string>> _databases = new();
    private readonly string? _ownCluster;
    private readonly string? _binFolder;
    private readonly string? _runAs;

    public PostgresServer()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            AdminConnectionString = given;
            return;
        }

        _binFolder = FindBinaries() ?? throw new InvalidOperationException(
            $"The state store tests need PostgreSQL (initdb, pg_ctl), and none was found on this machine. Run the tests through " +
            $"'dotnet pwsh ./build.ps1 -Task Test', which installs PostgreSQL and starts a throwaway cluster, or set {EnvironmentVariable} " +
            "to an admin connection string of a running cluster.");
        _runAs = IsRoot() ? "postgres" : null;
        _ownCluster = Path.Combine(Path.GetTempPath(), "spacesync-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_ownCluster);
        var data = Path.Combine(_ownCluster, "data");
        if (_runAs != null) Run("chown", _runAs, _ownCluster);
        var port = FreePort();
        try
        {
            PgTool("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync");
            // A throwaway cluster: durability off (the tests check behaviour, not crash safety), its socket in its own folder.
            PgTool("pg_ctl", "-D", data, "-l", Path.Combine(_ownCluster, "server.log"), "-w", "-o",
                $"-p {port} -k {_ownCluster} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                "start");
        }
        catch
        {
            Dispose();
            throw;
        }

        AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    /// <summary>Host=127.0.0.1;Port=N;Username=postgres;Database=postgres (trust: no password).</summary>
    public string AdminConnectionString { get; }

    /// <summary>
    /// A connection string to a database of the class <paramref name="owner"/>'s own, created empty on first use and dropped
    /// when the run ends. No pooling: every test opens its own schemas, and idle pooled connections would pile up on the server.
    /// </summary>
    public string DatabaseFor(Type owner) => _databases.GetOrAdd(owner.Name, name => new Lazy<string>(() =>
    {
        var database = "t_" + name.ToLowerInvariant() + "_" + Guid.NewGuid().ToString("N")[..8];
        Admin($"CREATE DATABASE {database}");
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = false }.ConnectionString;
    })).Value;

    /// <summary>Runs one statement on the admin database.</summary>
    public void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var database in _databases.Values.Where(d => d.IsValueCreated))
        {
            try { Admin($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database.Value).Database} WITH (FORCE)"); }
            catch (NpgsqlException) { /* the cluster may be gone already; a leftover test database is not a failure */ }
        }

        if (_ownCluster == null) return;
        try { PgTool("pg_ctl", "-D", Path.Combine(_ownCluster, "data"), "-m", "immediate", "-w", "stop"); }
        catch (InvalidOperationException) { /* not started */ }
        try { Directory.Delete(_ownCluster, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Debian's /usr/lib/postgresql/N/bin (newest N), else initdb on the PATH.</summary>
    private static string? FindBinaries()
    {
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var newest = Directory.GetDirectories(debian)
                .Select(d => (Folder: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Folder, "initdb")))
                .OrderByDescending(d => d.Version).FirstOrDefault();
            if (newest.Folder != null) return newest.Folder;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(d => d.Length > 0 && (File.Exists(Path.Combine(d, "initdb")) || File.Exists(Path.Combine(d, "initdb.exe"))));
        return onPath;
    }

    private void PgTool(string tool, params string[] arguments)
    {
        var path = Path.Combine(_binFolder!, OperatingSystem.IsWindows() ? tool + ".exe" : tool);
        if (_runAs != null)
            Run("runuser", new[] { "-u", _runAs, "--", path }.Concat(arguments).ToArray());
        else
            Run(path, arguments);
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(" ", arguments)} did not finish in 120 s.");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(" ", arguments)} failed ({process.ExitCode}): {output.Result}{error.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRoot() => !OperatingSystem.IsWindows() && geteuid() == 0;

    [DllImport("libc")]
    private static extern uint geteuid();
}
