using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using SpaceSync.Benchmarks;
using SpaceSync.Core.Sync;

// Requests and time of a baseline, a no-change sync and a 10-change sync on an emulated Data Center / Cloud pair.
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

var setupClock = Stopwatch.StartNew();
await using var world = await BenchmarkWorld.StartAsync(options.Pages);
setupClock.Stop();
var pagesInSpace = options.Pages + 1; // the seeded pages and the home page
Console.WriteLine($"{options.Pages}-page pair ({pagesInSpace} pages with the home page) seeded and copied to Cloud as CCMA would in {setupClock.ElapsedMilliseconds} ms");

var problems = new List<string>();
var phases = new List<PhaseFigures>();

async Task<T> Phase<T>(string name, Func<Task<T>> run, Func<T, long> clientRequests, Func<T, string> detail)
{
    world.ResetEmulatorCounters();
    var (result, ms, allocated, peak) = await PhaseMeter.MeasureAsync(run);
    var dcRequests = world.Dc.Stats.Total;
    var cloudRequests = world.Cloud.Stats.Total;
    var figures = new PhaseFigures
    {
        Phase = name,
        ClientRequests = clientRequests(result),
        EmulatorRequests = dcRequests + cloudRequests,
        DataCenterRequests = dcRequests,
        CloudRequests = cloudRequests,
        WallMilliseconds = ms,
        AllocatedBytes = allocated,
        PeakWorkingSetBytes = peak,
        Detail = detail(result),
    };
    if (figures.ClientRequests != figures.EmulatorRequests)
        problems.Add($"{name}: the clients counted {figures.ClientRequests} requests, the emulators {figures.EmulatorRequests}.");
    phases.Add(figures);
    return result;
}

var baseline = await Phase("baseline", world.BaselineAsync, r => r.Requests,
    r => $"{r.PairsRecorded} pairs, {r.Unpaired} unpaired, {r.Conflicts} conflicts");
if (baseline.PairsRecorded != pagesInSpace || baseline.Unpaired != 0 || baseline.Conflicts != 0)
    problems.Add($"baseline: expected {pagesInSpace} pairs and nothing unpaired or in conflict; got {phases[^1].Detail}.");

void ExpectNoWrite(string name, SyncRunResult run, ListingMode listing)
{
    if (run.Refusal != null || run.Errors.Count > 0 || run.Plan.Actions.Any(a => a.WritesSite) || run.Listing != listing)
        problems.Add($"{name}: expected a {listing} read and no write; got {phases[^1].Detail}, {run.Errors.Count} errors{(run.Refusal is null ? "" : ", refused")}.");
}

static string Writes(SyncRunResult r) => $"{r.Listing} read, {r.Plan.Actions.Count(a => a.WritesSite)} writes";

// The first run after a baseline has no change-query marks yet: it lists every page (the structural listing).
var firstSync = await Phase("first sync (structural)", world.SyncAsync, r => r.Requests, Writes);
ExpectNoWrite("first sync", firstSync, ListingMode.Structural);

var noChange = await Phase("no-change sync", world.SyncAsync, r => r.Requests, Writes);
ExpectNoWrite("no-change sync", noChange, ListingMode.Changes);

var noChangeFull = await Phase("no-change sync -Full", () => world.SyncAsync(fullListing: true), r => r.Requests, Writes);
ExpectNoWrite("no-change sync -Full", noChangeFull, ListingMode.Structural);

world.EditTenPages();
var tenChanges = await Phase("10-change sync", world.SyncAsync, r => r.Requests,
    r => $"{r.Listing} read, {r.Count("Update")} updates");
if (tenChanges.Refusal != null || tenChanges.Errors.Count > 0 || tenChanges.Count("Update") != 10)
    problems.Add($"10-change sync: expected 10 updates; got {phases[^1].Detail}, {tenChanges.Errors.Count} errors{(tenChanges.Refusal is null ? "" : ", refused")}.");

static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture);
var peakLabel = PhaseMeter.PeakIsPerPhase ? "peak WS MB" : "peak WS MB*";
var rows = new List<string[]> { new[] { "phase", "requests", "DC+Cloud (emulators)", "wall ms", "allocated MB", peakLabel, "result" } };
rows.AddRange(phases.Select(p => new[]
{
    p.Phase,
    p.ClientRequests.ToString(CultureInfo.InvariantCulture),
    $"{p.DataCenterRequests}+{p.CloudRequests}",
    p.WallMilliseconds.ToString("F0", CultureInfo.InvariantCulture),
    Mb(p.AllocatedBytes),
    Mb(p.PeakWorkingSetBytes),
    p.Detail,
}));
var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
Console.WriteLine();
foreach (var (row, index) in rows.Select((r, i) => (r, i)))
{
    Console.WriteLine(string.Join("  ", row.Select((cell, c) => c is 0 or 6 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
    if (index == 0) Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
}
Console.WriteLine();
Console.WriteLine("requests: counted by the SpaceSync clients; the emulators' own counters must agree.");
Console.WriteLine("allocated: the whole process, so the in-process emulators' share is included.");
Console.WriteLine(PhaseMeter.PeakIsPerPhase
    ? "peak WS: the peak resident set during the phase."
    : "* peak WS: the process's peak resident set so far (this OS cannot reset it between phases).");
Console.WriteLine($".NET {Environment.Version}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, " +
                  $"{(Debugger.IsAttached ? "debugger attached, " : "")}state file journal {world.State.JournalMode}");

if (options.JsonPath is { } jsonPath)
{
    var report = new
    {
        pages = options.Pages,
        pagesInSpace,
        setupMilliseconds = setupClock.Elapsed.TotalMilliseconds,
        peakIsPerPhase = PhaseMeter.PeakIsPerPhase,
        runtime = Environment.Version.ToString(),
        os = RuntimeInformation.OSDescription,
        processors = Environment.ProcessorCount,
        phases,
        problems,
    };
    var folder = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
    if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
    await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    Console.WriteLine($"Figures written to {Path.GetFullPath(jsonPath)}");
}

foreach (var problem in problems) Console.Error.WriteLine("FAILED " + problem);
return problems.Count == 0 ? 0 : 1;
