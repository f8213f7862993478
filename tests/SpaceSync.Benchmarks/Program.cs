using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using SpaceSync.Benchmarks;
using SpaceSync.Core.Sync;

// Requests, time, CPU and memory of a baseline and sync runs on an emulated Data Center / Cloud pair, each figure beside
// issue 14's goal. The emulators run in a second process, so this process's figures are the SpaceSync client's alone.
// The exit code is about correctness (the three request counts disagree, a run did the wrong thing), not about goals.
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
if (options.ServeEmulators) return await EmulatorServer.RunAsync(options);

using var observer = RequestObserver.Start();
var setupClock = Stopwatch.StartNew();
await using var world = await BenchmarkWorld.StartAsync(options);
setupClock.Stop();
var pagesInSpace = options.Pages + 1; // the seeded pages and the home page
Console.WriteLine($"{options.Pages}-page pair ({pagesInSpace} pages with the home page, {options.Bodies.ToString().ToLowerInvariant()} bodies) seeded and " +
                  $"copied to Cloud as CCMA would in {setupClock.Elapsed.TotalSeconds:F0} s; {options.LatencyMs} ms latency per request from now on");

var problems = new List<string>();
var phases = new List<PhaseFigures>();
var goals = new List<Goal>();

async Task<T> Phase<T>(string name, Func<Task<T>> run, Func<T, long> clientRequests, Func<T, string> detail)
{
    await world.ResetEmulatorCountersAsync();
    observer.Reset();
    var cpuBefore = world.ServerCpu;
    var m = await PhaseMeter.MeasureAsync(run);
    var emulatorCpu = world.ServerCpu - cpuBefore;
    var (dcRequests, cloudRequests, byRoute) = await world.EmulatorRequestsAsync();
    var figures = new PhaseFigures
    {
        Phase = name,
        ClientRequests = clientRequests(m.Result),
        EmulatorRequests = dcRequests + cloudRequests,
        DataCenterRequests = dcRequests,
        CloudRequests = cloudRequests,
        ObservedRequests = observer.Requests,
        ChangeQueryRequests = observer.ChangeQueries,
        WallMilliseconds = m.Milliseconds,
        ClientCpuMilliseconds = m.CpuMilliseconds,
        EmulatorCpuMilliseconds = emulatorCpu.TotalMilliseconds,
        AllocatedBytes = m.Allocated,
        PeakWorkingSetBytes = m.PeakWorkingSet,
        StartWorkingSetBytes = m.StartWorkingSet,
        Detail = detail(m.Result),
        ByRoute = byRoute,
    };
    if (figures.ClientRequests != figures.EmulatorRequests || figures.ClientRequests != figures.ObservedRequests)
        problems.Add($"{name}: the clients counted {figures.ClientRequests} requests, the emulators {figures.EmulatorRequests}, " +
                     $"this process sent {figures.ObservedRequests}.");
    phases.Add(figures);
    return m.Result;
}

// Goals as issue 14 states them. Time, memory, allocation and CPU goals are stated for 10,000 pages (the baseline's
// wall time at 20 ms latency); at another size they are still compared, and the table says so.
const double Mb = 1024.0 * 1024.0;
var atGoalScale = options.Pages == 10_000;
var scaleNote = atGoalScale ? "" : "goal set for 10k";
var wallNote = atGoalScale && options.LatencyMs == 20 ? "" : "goal set for 10k at 20 ms";
static int Ceil(int n, int per) => (n + per - 1) / per;

void NoChangeGoals(PhaseFigures p)
{
    goals.Add(new Goal(p.Phase, "requests", p.ClientRequests, 8, "≤ 8"));
    goals.Add(new Goal(p.Phase, "allocated MB", p.AllocatedBytes / Mb, 20, "≤ 20 MB", scaleNote));
    goals.Add(new Goal(p.Phase, "client CPU s", p.ClientCpuMilliseconds / 1000, 0.3, "≤ 0.3 s", scaleNote));
}

void StructuralGoals(PhaseFigures p)
{
    // ≤ 1.1 × (listing pages + ceil(N/200) metadata batches) per side: Data Center lists 1,000 pages a request
    // (content/scan), Cloud 250 (v2), and labels and restrictions come in CQL batches of up to 200 ids.
    var dcFloor = Ceil(pagesInSpace, 1000) + Ceil(pagesInSpace, 200);
    var cloudFloor = Ceil(pagesInSpace, 250) + Ceil(pagesInSpace, 200);
    goals.Add(new Goal(p.Phase, "DC requests", p.DataCenterRequests, 1.1 * dcFloor, $"≤ 1.1 × ({Ceil(pagesInSpace, 1000)} + {Ceil(pagesInSpace, 200)})"));
    goals.Add(new Goal(p.Phase, "Cloud requests", p.CloudRequests, 1.1 * cloudFloor, $"≤ 1.1 × ({Ceil(pagesInSpace, 250)} + {Ceil(pagesInSpace, 200)})"));
}

void ChangeGoals(PhaseFigures p, int k)
{
    var limit = 2 * p.ChangeQueryRequests + 1.1 * k + 4;
    goals.Add(new Goal(p.Phase, "requests", p.ClientRequests, limit, $"≤ 2·{p.ChangeQueryRequests} + 1.1·{k} + 4"));
}

var baseline = await Phase("baseline", world.BaselineAsync, r => r.Requests,
    r => $"{r.PairsRecorded} pairs, {r.Unpaired} unpaired, {r.Conflicts} conflicts");
if (baseline.PairsRecorded != pagesInSpace || baseline.Unpaired != 0 || baseline.Conflicts != 0 || baseline.Errors.Count > 0)
    problems.Add($"baseline: expected {pagesInSpace} pairs and nothing unpaired or in conflict; got {phases[^1].Detail}, {baseline.Errors.Count} errors.");
goals.Add(new Goal("baseline", "wall s", phases[^1].WallMilliseconds / 1000, 30, "≤ 30 s", wallNote));
goals.Add(new Goal("baseline", "client peak RSS MB", phases[^1].PeakWorkingSetBytes / Mb, 250, "≤ 250 MB", scaleNote));

static string Writes(SyncRunResult r) => $"{r.Listing} read, {r.Plan.Actions.Count(a => a.WritesSite)} writes";

async Task<SyncRunResult> SyncPhase(string name, bool full = false)
{
    await world.CatchUpIndexesAsync();
    return await Phase(name, () => world.SyncAsync(full), r => r.Requests, Writes);
}

void ExpectNoWrite(SyncRunResult run, ListingMode listing)
{
    if (run.Refusal != null || run.Errors.Count > 0 || run.Plan.Actions.Any(a => a.WritesSite) || run.Listing != listing)
        problems.Add($"{phases[^1].Phase}: expected a {listing} read and no write; got {phases[^1].Detail}, {run.Errors.Count} errors{(run.Refusal is null ? "" : ", refused")}.");
}

// The first run after a baseline has no change-query marks yet: it lists every page (the structural listing).
ExpectNoWrite(await SyncPhase("first sync (structural)"), ListingMode.Structural);
StructuralGoals(phases[^1]);

ExpectNoWrite(await SyncPhase("no-change sync"), ListingMode.Changes);
NoChangeGoals(phases[^1]);

ExpectNoWrite(await SyncPhase("no-change sync -Full", full: true), ListingMode.Structural);
StructuralGoals(phases[^1]);

async Task ChangeRun(int k)
{
    await world.EditPagesAsync(k);
    var run = await SyncPhase($"{k}-change sync");
    if (run.Refusal != null || run.Errors.Count > 0 || run.Count("Update") != k)
        problems.Add($"{k}-change sync: expected {k} updates; got {run.Listing} read, {run.Count("Update")} updates, {run.Errors.Count} errors{(run.Refusal is null ? "" : ", refused")}.");
    ChangeGoals(phases[^1], k);
    // A run records the versions it wrote: the next run must not read its own writes back.
    ExpectNoWrite(await SyncPhase($"no-change after {k} changes"), ListingMode.Changes);
    NoChangeGoals(phases[^1]);
}

await ChangeRun(10);
// A 100-change run needs 110 distinct unrestricted leaves; about half the pages are leaves.
if (options.Pages >= 500) await ChangeRun(100);
else Console.WriteLine("(100-change run skipped: it needs --pages 500 or more)");

// An open manual conflict: the runs after it must not cost more than a quiet space's (labels and restrictions of the
// conflict page folded into one query per side per 200 pages, issue 14).
await world.MakeConflictAsync();
var conflictRun = await SyncPhase("sync leaving 1 conflict open");
if (conflictRun.Conflicts.Count != 1 || conflictRun.Errors.Count > 0 || conflictRun.Plan.Actions.Any(a => a.WritesSite))
    problems.Add($"sync leaving 1 conflict open: expected one open conflict and no write; got {conflictRun.Conflicts.Count} conflicts, {phases[^1].Detail}, {conflictRun.Errors.Count} errors.");
var withConflict = await SyncPhase("no-change with 1 open conflict");
ExpectNoWrite(withConflict, ListingMode.Changes);
goals.Add(new Goal(phases[^1].Phase, "requests", phases[^1].ClientRequests, 8, "≤ 8"));

// 100 changes while both sites admit 5 requests a second: the run is bounded by the slower site's floor (its requests
// at 5 a second), and should finish within 1.25 times that floor with no page failed (issue 14).
if (options.Pages >= 500)
{
    const int perSecond = 5;
    await world.EditPagesAsync(100);
    await world.RateLimitAsync(perSecond);
    var dcRefusedBefore = world.DcSite.Counters.RateLimitedResponses;
    var cloudRefusedBefore = world.CloudSite.Counters.RateLimitedResponses;
    var throttled = await SyncPhase($"100 changes at {perSecond} req/s a site");
    await world.RateLimitAsync(null);
    var p = phases[^1];
    var dcAdmitted = p.DataCenterRequests - (world.DcSite.Counters.RateLimitedResponses - dcRefusedBefore);
    var cloudAdmitted = p.CloudRequests - (world.CloudSite.Counters.RateLimitedResponses - cloudRefusedBefore);
    var floor = Math.Max(dcAdmitted, cloudAdmitted) / (double)perSecond;
    var refused = p.ClientRequests - dcAdmitted - cloudAdmitted;
    if (throttled.Refusal != null || throttled.Count("Update") != 100)
        problems.Add($"{p.Phase}: expected 100 updates; got {throttled.Count("Update")} updates{(throttled.Refusal is null ? "" : ", refused")}.");
    goals.Add(new Goal(p.Phase, "wall s", p.WallMilliseconds / 1000, 1.25 * floor,
        $"≤ 1.25 × {F(floor, "F1")} s", $"floor: {Math.Max(dcAdmitted, cloudAdmitted)} requests of the slower site at {perSecond}/s; {refused} answered 429"));
    goals.Add(new Goal(p.Phase, "pages failed", throttled.Errors.Count, 0, "0"));
}
else Console.WriteLine("(rate-limited run skipped: it needs --pages 500 or more)");

static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
var peakLabel = PhaseMeter.PeakIsPerPhase ? "peak RSS MB" : "peak RSS MB*";
Print(new[] { "phase", "requests", "DC+Cloud", "sent", "change q.", "wall s", "client CPU s", "emulator CPU s", "allocated MB", "start RSS MB", peakLabel, "result" },
    phases.Select(p => new[]
    {
        p.Phase, p.ClientRequests.ToString(CultureInfo.InvariantCulture), $"{p.DataCenterRequests}+{p.CloudRequests}",
        p.ObservedRequests.ToString(CultureInfo.InvariantCulture), p.ChangeQueryRequests.ToString(CultureInfo.InvariantCulture),
        F(p.WallMilliseconds / 1000, "F2"), F(p.ClientCpuMilliseconds / 1000, "F2"), F(p.EmulatorCpuMilliseconds / 1000, "F2"),
        F(p.AllocatedBytes / Mb, "F1"), F(p.StartWorkingSetBytes / Mb, "F1"), F(p.PeakWorkingSetBytes / Mb, "F1"), p.Detail,
    }), leftColumns: new[] { 0, 11 });
Print(new[] { "phase", "figure", "measured", "goal", "status", "note" },
    goals.Select(g => new[] { g.Phase, g.Figure, F(g.Measured, g.Measured % 1 == 0 ? "F0" : "F2"), g.Text, g.Met ? "met" : "NOT MET", g.Note }),
    leftColumns: new[] { 0, 1, 3, 4, 5 });
Console.WriteLine($"{goals.Count(g => g.Met)} of {goals.Count} goals met.");
Console.WriteLine("requests: counted by the SpaceSync clients; the emulators' own counters and the requests this process sent must agree.");
Console.WriteLine("change q.: requests of change queries (CQL lastmodified, Cloud v2 sort=-modified-date), pages of them included.");
Console.WriteLine("client CPU, allocated, peak RSS: this process only (the emulators run in their own process, whose CPU is shown apart).");
Console.WriteLine(PhaseMeter.PeakIsPerPhase
    ? "start RSS: the client's resident set when the phase began (garbage collected); peak RSS: its peak during the phase."
    : "* peak RSS: the process's peak resident set so far (this OS cannot reset it between phases).");
Console.WriteLine($".NET {Environment.Version}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, " +
                  $"{(Debugger.IsAttached ? "debugger attached, " : "")}state file journal {world.State.JournalMode}");

if (options.JsonPath is { } jsonPath)
{
    var report = new
    {
        pages = options.Pages,
        pagesInSpace,
        bodies = options.Bodies.ToString().ToLowerInvariant(),
        latencyMs = options.LatencyMs,
        seed = options.Seed,
        setupMilliseconds = setupClock.Elapsed.TotalMilliseconds,
        peakIsPerPhase = PhaseMeter.PeakIsPerPhase,
        runtime = Environment.Version.ToString(),
        os = RuntimeInformation.OSDescription,
        processors = Environment.ProcessorCount,
        phases,
        goals,
        problems,
    };
    var folder = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
    if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
    await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    Console.WriteLine($"Figures written to {Path.GetFullPath(jsonPath)}");
}

foreach (var problem in problems) Console.Error.WriteLine("FAILED " + problem);
return problems.Count == 0 ? 0 : 1;

static void Print(string[] header, IEnumerable<string[]> body, int[] leftColumns)
{
    var rows = new List<string[]> { header };
    rows.AddRange(body);
    var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
    Console.WriteLine();
    foreach (var (row, index) in rows.Select((r, i) => (r, i)))
    {
        Console.WriteLine(string.Join("  ", row.Select((cell, c) => leftColumns.Contains(c) ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        if (index == 0) Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
    }
    Console.WriteLine();
}

/// <summary>One figure beside issue 14's goal for it; a goal not met is printed as such, never hidden.</summary>
internal sealed record Goal(string Phase, string Figure, double Measured, double Limit, string Text, string Note = "")
{
    public bool Met => Measured <= Limit;
}
