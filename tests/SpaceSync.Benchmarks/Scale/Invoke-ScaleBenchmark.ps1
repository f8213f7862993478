#Requires -Version 7.2
<#
.SYNOPSIS
    The scale benchmark (issue 16, docs/scale.md): W worker processes share N small spaces through one PostgreSQL state,
    each running Invoke-SpaceSync -SkipLocked once a round, as a team of runbook workers on a 15-minute schedule would.
.DESCRIPTION
    Both emulators run in processes of their own with a per-request latency, PostgreSQL is a throwaway cluster
    (tools/TestPostgres.psm1) stopped in a finally. N spaces of 4 pages are made on Data Center and copied to Cloud as
    CCMA would; one scope holds them all, its state on PostgreSQL; every space gets a baseline (timed). Then R rounds:
    before each, edits on both sites to -EditPercent of the spaces (a page edited in each, a page created and a page
    renamed in a tenth of those), then the workers run. Then -RateLimitRounds more rounds with both sites admitting only
    -RateLimit requests (the emulators' fixed window). Prints per round: wall time, runs, requests per site, rate-limit waits, the slowest space; at the end
    the baseline time, the state's size and the verdict against the 15-minute window. The rate-limited rounds alternate:
    without a cap in the scope (the workers meet the limit, get 429s and wait), then with the cap.
    Not part of the Test task: wall time on a shared machine is no pass/fail criterion.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task ScaleBenchmark -Spaces 300 -Workers 3 -Rounds 3 -LatencyMs 20 -Json out/scale.json
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = (Join-Path (Split-Path (Split-Path (Split-Path $PSScriptRoot))) 'out/SpaceSync/SpaceSync.psd1'),
    [ValidateRange(1, 9999)] [int] $Spaces = 300,
    [ValidateRange(1, 32)] [int] $Workers = 3,
    [ValidateRange(1, 100)] [int] $Rounds = 3,
    [ValidateRange(0, 10000)] [int] $LatencyMs = 20,
    # Share of the spaces edited before each round.
    [ValidateRange(0, 100)] [int] $EditPercent = 10,
    # Both sites' rate limit for the rate-limited rounds, as the emulators' --rate-limit takes it: N requests per S seconds.
    [ValidatePattern('^\d+/\d+$')] [string] $RateLimit = '10/1',
    # Rounds under that limit after the others: odd ones without a cap in the scope, even ones with maxRequestsPerSecond.
    [ValidateRange(0, 100)] [int] $RateLimitRounds = 2,
    # The scope's sites.*.maxRequestsPerSecond in the rate-limited rounds (per worker process); 0 = the site's rate
    # shared evenly by the workers (rounded down, at least 1).
    [ValidateRange(0, 1000)] [int] $MaxRequestsPerSecond = 0,
    # Spaces each worker runs at once; passed only when the module's Invoke-SpaceSync has -ThrottleLimit.
    [ValidateRange(0, 64)] [int] $ThrottleLimit = 0,
    [string] $Json
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path (Split-Path (Split-Path $PSScriptRoot))
if (-not (Test-Path $ModuleManifest)) { throw "The module is not built: $ModuleManifest is missing. Run 'dotnet pwsh ./build.ps1 -Task Build' first." }
$ModuleManifest = (Resolve-Path $ModuleManifest).Path
$env:SPACESYNC_TEST_MODULE = $ModuleManifest   # the test helpers' way to the built module

Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1') -Force
Import-Module (Join-Path $root 'tools/EmulatorProcess.psm1') -Force
Import-Module (Join-Path $root 'tools/TestPostgres.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'SyncWorkers.psm1') -Force
Import-Module $ModuleManifest -Force

$window = [TimeSpan]::FromMinutes(15)
$limitCount, $limitSeconds = $RateLimit -split '/' | ForEach-Object { [int]$_ }
$perSecond = $limitCount / [math]::Max(1, $limitSeconds)
if ($MaxRequestsPerSecond -eq 0) { $MaxRequestsPerSecond = [math]::Max(1, [math]::Floor($perSecond / $Workers)) }
$throttleSupported = (Get-Command Invoke-SpaceSync).Parameters.ContainsKey('ThrottleLimit')
if ($ThrottleLimit -gt 0 -and -not $throttleSupported) {
    Write-Warning "This module's Invoke-SpaceSync has no -ThrottleLimit: each worker runs one space at a time."
    $ThrottleLimit = 0
}

function Get-SiteRequests($Emulator) { [long](Get-ConfluenceEmulatorStats $Emulator).total }

function Get-Site429([Parameter(Mandatory)] $Emulator) {
    # 429s the emulator answered so far: its request counters count every request, refused or not, so the count comes
    # from ASP.NET Core's "Request finished ... - 429" lines, which the emulator writes to stderr at Information level.
    Start-Sleep -Milliseconds 300   # the console logger writes from a queue
    @(Select-String -Path "$($Emulator.LogPath).err" -Pattern 'Request finished .* - 429 ' -ErrorAction SilentlyContinue).Count
}

function Get-StateBytes([string] $ConnectionString, [string] $Schema) {
    # Tables, their indexes and TOAST: what the scope's schema takes on the server.
    $parts = @{}
    foreach ($pair in $ConnectionString -split ';') { $k, $v = $pair -split '=', 2; $parts[$k.Trim().ToLowerInvariant()] = $v }
    $query = "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '$Schema' and c.relkind = 'r'"
    $psql = Get-Command psql -ErrorAction SilentlyContinue
    if (-not $psql) { return $null }
    $bytes = & $psql.Source -h $parts['host'] -p $parts['port'] -U $parts['username'] -d $parts['database'] -Atc $query
    if ($LASTEXITCODE -ne 0) { return $null }
    [long]$bytes
}

function Edit-Spaces([int] $Round, [string[]] $Keys, [hashtable] $Maps) {
    # The round's share of spaces, a different slice each round: a paragraph in each (alternating the site), and in a
    # tenth of them (at least one) a new page on Data Center, in another tenth a page renamed on Cloud.
    $count = [math]::Ceiling($Keys.Count * $EditPercent / 100)
    if ($count -eq 0) { return @() }
    $start = (($Round - 1) * $count) % $Keys.Count
    $chosen = @(for ($i = 0; $i -lt $count; $i++) { $Keys[($start + $i) % $Keys.Count] })
    $structural = [math]::Max(1, [math]::Floor($count / 10))
    for ($i = 0; $i -lt $chosen.Count; $i++) {
        $key = $chosen[$i]
        $site = if (($i + $Round) % 2) { 'datacenter' } else { 'cloud' }
        Add-PageParagraph -DataCenter $dc -Cloud $cloud -Maps $Maps -Key $key -Site $site -Text "Round $Round on $site"
        if ($i -lt $structural) { $null = New-DataCenterChildPage -DataCenter $dc -Key $key -Title "$key new in round $Round" }
        elseif ($i -lt 2 * $structural) {
            Rename-CloudPage -Cloud $cloud -PageId $Maps[$key][(Get-SmallSpacePageId $Maps[$key] 3)] -Title "$key Gamma renamed in round $Round"
        }
    }
    return $chosen
}

function Set-SiteLimits([switch] $Limited) {
    # Latency always; the rate limit only around the workers' part of a rate-limited round (the edits are a person's).
    foreach ($site in $dc, $cloud) {
        if ($Limited) { $null = Set-ConfluenceEmulatorFault $site -LatencyMs $LatencyMs -RateLimit $limitCount -RateLimitWindowSeconds $limitSeconds }
        else { $null = Set-ConfluenceEmulatorFault $site -LatencyMs $LatencyMs }
    }
}

function Invoke-Round([int] $Round, [string] $Label, [string[]] $Keys, [hashtable] $Maps, $Team, [switch] $Limited) {
    $edited = @(Edit-Spaces $Round $Keys $Maps)
    Set-SiteLimits -Limited:$Limited
    Reset-ConfluenceEmulatorStats $dc, $cloud
    $refusedBefore = (Get-Site429 $dc), (Get-Site429 $cloud)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Start-SyncRound $sync $Round
    $rows = @(Wait-SyncRound -Folder $sync -Round $Round -Workers $Team -TimeoutSeconds 3600)
    $wall = $clock.Elapsed.TotalSeconds
    Set-SiteLimits
    $ran = @($rows | Where-Object RunId)
    $failed = @($rows | Where-Object { @($_.Errors).Count -gt 0 })
    # Error records: a space whose run failed as a whole (e.g. a site still rate limiting after every retry).
    $errorRecords = @(Get-SyncWorkerErrors -Folder $sync -Round $Round -Names @($Team.Keys))
    $missed = @($Keys | Where-Object { $k = $_; -not ($ran | Where-Object SpaceKey -eq $k) })
    $editedSynced = @($edited | Where-Object { $k = $_; $ran | Where-Object { $_.SpaceKey -eq $k -and ($_.Updates + $_.Creates) -gt 0 } })
    $slowest = $ran | Sort-Object Seconds -Descending | Select-Object -First 1
    $figures = [ordered]@{
        round = $Round; kind = $Label; wallSeconds = [math]::Round($wall, 1)
        runs = $ran.Count; spacesRun = $Keys.Count - $missed.Count; skippedLocked = @($rows | Where-Object SkippedBy).Count
        skippedAfterRun = @($rows | Where-Object SkippedAfter).Count; failedRuns = $failed.Count; errorRecords = $errorRecords.Count
        edited = $edited.Count; editedSynced = $editedSynced.Count
        requestsDataCenter = Get-SiteRequests $dc; requestsCloud = Get-SiteRequests $cloud
        refused429DataCenter = (Get-Site429 $dc) - $refusedBefore[0]; refused429Cloud = (Get-Site429 $cloud) - $refusedBefore[1]
        rateLimitWaitDataCenterSeconds = [math]::Round(($rows | Measure-Object WaitDataCenter -Sum).Sum, 1)
        rateLimitWaitCloudSeconds = [math]::Round(($rows | Measure-Object WaitCloud -Sum).Sum, 1)
        quietRunRequests = [math]::Round((@($ran | Where-Object { $_.Updates + $_.Creates -eq 0 }) | Measure-Object Requests -Average).Average, 1)
        changedRunRequests = [math]::Round((@($ran | Where-Object { $_.Updates + $_.Creates -gt 0 }) | Measure-Object Requests -Average).Average, 1)
        slowestSpace = $slowest.SpaceKey; slowestSeconds = [math]::Round($slowest.Seconds, 2); slowestListing = $slowest.Listing
        runsPerWorker = (($ran | Group-Object Worker | Sort-Object Name | ForEach-Object { "$($_.Name) $($_.Count)" }) -join ', ')
    }
    Write-Host ("round {0} ({1}): {2:n1} s; {3} runs ({4}/{5} spaces, {6}; skipped {7} held + {8} already synced; {9} with failed actions, {23} errors); edited {10}, synced {11}; requests DC {12}, Cloud {13}; 429s DC {21}, Cloud {22}; rate-limit waits DC {14} s, Cloud {15} s; requests a quiet run {16}, a changed run {17}; slowest {18} {19} s ({20})" -f
        $Round, $Label, $wall, $ran.Count, $figures.spacesRun, $Keys.Count, $figures.runsPerWorker, $figures.skippedLocked, $figures.skippedAfterRun,
        $failed.Count, $edited.Count, $editedSynced.Count, $figures.requestsDataCenter, $figures.requestsCloud,
        $figures.rateLimitWaitDataCenterSeconds, $figures.rateLimitWaitCloudSeconds, $figures.quietRunRequests, $figures.changedRunRequests,
        $figures.slowestSpace, $figures.slowestSeconds, $figures.slowestListing, $figures.refused429DataCenter, $figures.refused429Cloud, $errorRecords.Count)
    foreach ($row in $failed | Select-Object -First 5) { Write-Warning "$($row.SpaceKey) ($($row.Worker)): $(@($row.Errors)[0])" }
    foreach ($line in $errorRecords | Select-Object -First 5) { Write-Warning $line }
    [pscustomobject]$figures
}

$cluster = $null; $dc = $null; $cloud = $null; $team = [ordered]@{}
$work = Join-Path ([IO.Path]::GetTempPath()) ('spacesync-scale-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
try {
    $total = [Diagnostics.Stopwatch]::StartNew()
    $cluster = Start-TestPostgres
    # The emulators log each request's status (for the 429 count); only theirs: the variable goes once they run.
    $requestLog = 'Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics'
    [Environment]::SetEnvironmentVariable($requestLog, 'Information')
    try {
        $dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence
        $cloud = Start-ConfluenceEmulator -Flavor cloud
    }
    finally { [Environment]::SetEnvironmentVariable($requestLog, $null) }
    $env:SPACESYNC_TEST_CLOUD_TOKEN = Get-TestToken cloud
    $env:SPACESYNC_TEST_DC_TOKEN = Get-TestToken datacenter
    $env:SPACESYNC_SCALE_DB = $cluster.ConnectionString
    $schema = 'scale'
    $pgVersion = (& (Join-Path $cluster.BinFolder 'postgres') --version) -replace '^postgres \(PostgreSQL\) ', ''
    Write-Host ("Scale benchmark: {0} spaces, {1} workers, {2} rounds + {3} rate-limited, latency {4} ms, {5} cores, PostgreSQL {6} on 127.0.0.1:{7}; -ThrottleLimit {8}" -f
        $Spaces, $Workers, $Rounds, $RateLimitRounds, $LatencyMs, [Environment]::ProcessorCount, $pgVersion, $cluster.Port,
        $(if ($throttleSupported) { if ($ThrottleLimit) { $ThrottleLimit } else { 'not passed' } } else { 'not in this module' }))

    # The spaces, without latency: setting up is not what is measured.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $keys = @(1..$Spaces | ForEach-Object { 'S{0:0000}' -f $_ })
    $maps = New-SmallSpaces -DataCenter $dc -Cloud $cloud -Keys $keys
    $setupSeconds = $clock.Elapsed.TotalSeconds
    Write-Host ("setup: {0} spaces of 4 pages on both sites in {1:n1} s" -f $Spaces, $setupSeconds)

    $sync = Join-Path $work 'sync'
    New-Item -ItemType Directory -Force -Path $sync | Out-Null
    $scope = New-WorkersScopeFile -Folder $work -DataCenter $dc -Cloud $cloud -Keys $keys -ConnectionVariable SPACESYNC_SCALE_DB -Schema $schema

    # The workers start now, so pwsh and the module load while the baselines run; their first round still pays each
    # process's first run (assemblies, JIT, the PostgreSQL pool), as each job of a real schedule would.
    $totalRounds = $Rounds + $RateLimitRounds
    foreach ($i in 1..$Workers) {
        # A space that fails is counted, and the worker goes on with the others, as a runbook would.
        $team["w$i"] = Start-SyncWorker -Name "w$i" -ModuleManifest $ModuleManifest -ScopePath $scope -Folder $sync -Rounds $totalRounds `
            -ThrottleLimit $ThrottleLimit -ContinueOnError
    }

    Set-SiteLimits
    Reset-ConfluenceEmulatorStats $dc, $cloud
    $clock = [Diagnostics.Stopwatch]::StartNew()
    foreach ($key in $keys) { $null = Start-SpaceBaseline -ScopePath $scope -SpaceKey $key -ErrorAction Stop }
    $baselineSeconds = $clock.Elapsed.TotalSeconds
    $baselineRequests = (Get-SiteRequests $dc) + (Get-SiteRequests $cloud)
    Write-Host ("baseline: {0} spaces one after another in one process, {1:n1} s, {2} requests" -f $Spaces, $baselineSeconds, $baselineRequests)

    $results = @()
    for ($round = 1; $round -le $Rounds; $round++) { $results += Invoke-Round $round 'open' $keys $maps $team }

    # Rate-limited rounds, alternating: without a cap in the scope (the workers meet the limit and wait as the sites
    # say), then with sites.*.maxRequestsPerSecond set so the workers together stay under it.
    $openScope = New-WorkersScopeFile -Folder (Join-Path $work 'open') -DataCenter $dc -Cloud $cloud -Keys $keys `
        -ConnectionVariable SPACESYNC_SCALE_DB -Schema $schema
    $cappedScope = New-WorkersScopeFile -Folder (Join-Path $work 'capped') -DataCenter $dc -Cloud $cloud -Keys $keys `
        -ConnectionVariable SPACESYNC_SCALE_DB -Schema $schema -MaxRequestsPerSecond $MaxRequestsPerSecond
    for ($round = $Rounds + 1; $round -le $totalRounds; $round++) {
        $cap = ($round - $Rounds) % 2 -eq 0
        # The workers read the scope at each run: replaced between rounds, whole.
        Copy-Item -Force $(if ($cap) { $cappedScope } else { $openScope }) $scope
        $label = "rate-limited $RateLimit, " + $(if ($cap) { "maxRequestsPerSecond $MaxRequestsPerSecond a worker" } else { 'no cap in the scope' })
        $results += Invoke-Round $round $label $keys $maps $team -Limited
    }

    foreach ($worker in $team.Values) { $null = $worker.Process.WaitForExit(60000) }
    $stateBytes = Get-StateBytes $cluster.ConnectionString $schema
    $open = @($results | Where-Object kind -eq 'open')
    $worst = ($open | Measure-Object wallSeconds -Maximum).Maximum
    $steady = if ($open.Count -gt 1) { ($open | Select-Object -Skip 1 | Measure-Object wallSeconds -Maximum).Maximum } else { $worst }
    $limited = @($results | Where-Object kind -ne 'open')
    $limitedWorst = if ($limited) { ($limited | Measure-Object wallSeconds -Maximum).Maximum } else { $null }
    $fits = $worst -le $window.TotalSeconds -and (-not $limited -or $limitedWorst -le $window.TotalSeconds)
    Write-Host ("baseline {0:n1} s; state {1}; rounds: slowest {2:n1} s{3}{4}" -f
        $baselineSeconds, $(if ($null -ne $stateBytes) { '{0:n0} KB in schema {1}' -f ($stateBytes / 1KB), $schema } else { 'size unknown (no psql)' }),
        $worst, $(if ($open.Count -gt 1) { ", slowest after the first (each worker's first run) {0:n1} s" -f $steady } else { '' }),
        $(if ($limited) { '; rate-limited: slowest {0:n1} s' -f $limitedWorst } else { '' }))
    Write-Host ("verdict: {0} spaces by {1} workers {2} the 15-minute window (slowest round {3:n1} s of {4} s); whole benchmark {5:n1} s" -f
        $Spaces, $Workers, $(if ($fits) { 'fit in' } else { 'do NOT fit in' }), [math]::Max($worst, [double]$limitedWorst), $window.TotalSeconds, $total.Elapsed.TotalSeconds)

    if ($Json) {
        [ordered]@{
            spaces = $Spaces; workers = $Workers; rounds = $Rounds; rateLimitRounds = $RateLimitRounds; latencyMs = $LatencyMs
            editPercent = $EditPercent; rateLimit = $RateLimit; maxRequestsPerSecond = $MaxRequestsPerSecond
            throttleLimit = $(if ($ThrottleLimit) { $ThrottleLimit } else { $null }); cores = [Environment]::ProcessorCount; postgres = $pgVersion
            setupSeconds = [math]::Round($setupSeconds, 1); baselineSeconds = [math]::Round($baselineSeconds, 1); baselineRequests = $baselineRequests
            stateBytes = $stateBytes; roundsFigures = $results; fitsWindow = $fits; totalSeconds = [math]::Round($total.Elapsed.TotalSeconds, 1)
        } | ConvertTo-Json -Depth 5 | Set-Content -Path $Json
        Write-Host "Figures written to $Json"
    }
}
finally {
    $team.Values | Stop-SyncWorker
    $dc, $cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    if ($cluster) { $cluster | Stop-TestPostgres }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN, Env:SPACESYNC_SCALE_DB -ErrorAction SilentlyContinue
}
