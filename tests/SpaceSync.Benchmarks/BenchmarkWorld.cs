using System.Globalization;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Tests.Shared;

namespace SpaceSync.Benchmarks;

/// <summary>
/// The measuring side: SpaceSync clients for both emulators over loopback HTTP and a state file in a temporary folder.
/// The emulators, the seeded Data Center space and its CCMA-like copy on Cloud live in a child process
/// (<see cref="EmulatorServer"/>), so this process's memory, CPU time and allocations are the client's.
/// </summary>
public sealed class BenchmarkWorld : IAsyncDisposable
{
    public const string Key = EmulatorServer.Key;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder;
    private readonly Process _server;
    private readonly HttpClient _control = new() { Timeout = TimeSpan.FromMinutes(5) };

    private BenchmarkWorld(Process server, Uri dcUrl, Uri cloudUrl, string folder)
    {
        _server = server;
        DcUrl = dcUrl;
        CloudUrl = cloudUrl;
        DcSite = EmulatedPair.DataCenterClient(dcUrl, new SiteClientOptions());
        CloudSite = EmulatedPair.CloudClient(cloudUrl, new SiteClientOptions());
        _folder = folder;
        State = StateStore.Open(Path.Combine(folder, "spacesync.db"));
        Space = new ResolvedSpace
        {
            Key = Key,
            CloudKey = Key,
            Direction = SyncDirection.Both,
            Conflicts = ConflictPolicy.Manual,
            MaxDeletePercent = 10,
            // The scope file's defaults: labels and files cross, comments and blog posts do not.
            Content = new ResolvedContent(Labels: true, Attachments: true, Comments: false, Blogposts: false),
        };
    }

    public Uri DcUrl { get; }
    public Uri CloudUrl { get; }
    public IConfluenceSite DcSite { get; }
    public IConfluenceSite CloudSite { get; }
    public StateStore State { get; }
    public ResolvedSpace Space { get; }

    /// <summary>CPU time the emulators' process has used so far.</summary>
    public TimeSpan ServerCpu
    {
        get
        {
            _server.Refresh();
            return _server.TotalProcessorTime;
        }
    }

    /// <summary>Starts the emulators' process (this program with <see cref="EmulatorServer.Mode"/>) and waits until it has seeded and copied.</summary>
    public static async Task<BenchmarkWorld> StartAsync(BenchmarkOptions options)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Under `dotnet SpaceSync.Benchmarks.dll` (dotnet run) the host is dotnet; an apphost starts itself.
        var self = Environment.ProcessPath ?? "dotnet";
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(BenchmarkWorld).Assembly.Location);
        foreach (var arg in options.ServerArguments()) start.ArgumentList.Add(arg);
        var server = Process.Start(start) ?? throw new InvalidOperationException("Could not start the emulators' process.");
        var folder = Path.Combine(Path.GetTempPath(), "spacesync-benchmark-" + Guid.NewGuid().ToString("N"));
        try
        {
            var ready = await server.StandardOutput.ReadLineAsync()
                ?? throw new InvalidOperationException($"The emulators' process ended before it was ready (exit code {(server.WaitForExit(5000) ? server.ExitCode : -1)}).");
            var words = ready.Split(' ');
            if (words.Length != 3 || words[0] != "READY") throw new InvalidOperationException("The emulators' process said: " + ready);
            Directory.CreateDirectory(folder);
            return new BenchmarkWorld(server, new Uri(words[1]), new Uri(words[2]), folder);
        }
        catch
        {
            if (!server.HasExited) server.Kill();
            server.Dispose();
            throw;
        }
    }

    private async Task CommandAsync(string command)
    {
        await _server.StandardInput.WriteLineAsync(command);
        await _server.StandardInput.FlushAsync();
        var answer = await _server.StandardOutput.ReadLineAsync();
        if (answer != "OK") throw new InvalidOperationException($"The emulators' process answered '{command}' with: {answer ?? "(it ended)"}");
    }

    public Task<BaselineResult> BaselineAsync() =>
        BaselineRunner.RunAsync(DcSite, CloudSite, State, Space, authority: null, force: false, whatIf: false, EngineLog.None, None);

    /// <summary>
    /// Before a sync run: the sites' search indexes catch up with the edits made before it, as by a scheduled run's
    /// time (no index lag left). Not part of what a phase measures.
    /// </summary>
    public Task CatchUpIndexesAsync() => CommandAsync("index");

    /// <summary>A sync run; <paramref name="fullListing"/> is Invoke-SpaceSync -Full (every page listed, not only what changed).</summary>
    public Task<SyncRunResult> SyncAsync(bool fullListing = false) =>
        SyncRunner.RunAsync(DcSite, CloudSite, State, Space, new SyncRunOptions { FullListing = fullListing }, EngineLog.None, None);

    /// <summary>Edits on <paramref name="count"/> distinct unrestricted leaf pages, half on Data Center and half on Cloud.</summary>
    public Task EditPagesAsync(int count) => CommandAsync("edit " + count);

    /// <summary>Both sites admit <paramref name="perSecond"/> requests a second (null: no limit), as a throttled site would.</summary>
    public Task RateLimitAsync(int? perSecond) => CommandAsync("ratelimit " + (perSecond?.ToString(CultureInfo.InvariantCulture) ?? "off"));

    /// <summary>One leaf page edited on both sides, which the manual conflict policy leaves open.</summary>
    public Task MakeConflictAsync() => CommandAsync("conflict");

    /// <summary>The emulators' own request counters (Data Center, Cloud), read from their control endpoints.</summary>
    public async Task<(long Dc, long Cloud, IReadOnlyDictionary<string, long> ByRoute)> EmulatorRequestsAsync()
    {
        var byRoute = new SortedDictionary<string, long>(StringComparer.Ordinal);
        async Task<long> Read(Uri site, string side)
        {
            using var doc = JsonDocument.Parse(await _control.GetStringAsync(Control(site, "stats")));
            foreach (var route in doc.RootElement.GetProperty("byRoute").EnumerateObject())
                byRoute[side + " " + route.Name] = route.Value.GetInt64();
            return doc.RootElement.GetProperty("total").GetInt64();
        }
        var dc = await Read(DcUrl, "DC");
        var cloud = await Read(CloudUrl, "Cloud");
        return (dc, cloud, byRoute);
    }

    public async Task ResetEmulatorCountersAsync()
    {
        foreach (var site in new[] { DcUrl, CloudUrl })
            (await _control.PostAsync(Control(site, "stats/reset"), null)).EnsureSuccessStatusCode();
    }

    // The control surface sits at the server's root, beside any context path.
    private static Uri Control(Uri site, string path) => new(site.GetLeftPart(UriPartial.Authority) + "/__emulator/" + path);

    public async ValueTask DisposeAsync()
    {
        State.Dispose();
        DcSite.Dispose();
        CloudSite.Dispose();
        _control.Dispose();
        try
        {
            await _server.StandardInput.WriteLineAsync("quit");
            await _server.StandardInput.FlushAsync();
            if (!_server.WaitForExit(30_000)) _server.Kill();
        }
        catch (IOException)
        {
            // Already gone.
        }
        _server.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder does not spoil the figures */ }
    }
}
