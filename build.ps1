#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests and demonstrates SpaceSync.
.DESCRIPTION
    Run from the repository root after `dotnet tool restore`:
      dotnet pwsh ./build.ps1 -Task Build   # assembles the importable module in out/SpaceSync/
      dotnet pwsh ./build.ps1 -Task Test    # xunit, then Pester against the built module in a fresh pwsh
      dotnet pwsh ./build.ps1 -Task Demo    # two seeded emulators, an example scope file, Test-SyncScope -Online
      dotnet pwsh ./build.ps1 -Task Package # out/SpaceSync.<version>.nupkg (a feed) and out/SpaceSync.zip (Azure Automation)
      dotnet pwsh ./build.ps1 -Task Benchmark [-Pages N] [-Bodies real|small] [-LatencyMs 20] [-Json PATH]   # figures beside issue 14's goals (docs/performance.md)
      dotnet pwsh ./build.ps1 -Task Chaos [-Seeds N] [-BaseSeed S] [-Storm]   # runs SIGKILLed at seeded points, rerun, checked (docs/reliability.md)
      dotnet pwsh ./build.ps1 -Task ScaleBenchmark [-Spaces 300] [-Workers 3] [-Rounds 3] [-LatencyMs 20] [-RateLimit 10/1] [-RateLimitRounds 2] [-ThrottleLimit T] [-Json PATH]   # workers sharing a PostgreSQL state (docs/scale.md)
    Test ends with one line "N passed, N failed" (xunit and Pester together) and exits non-zero on any failure.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Benchmark', 'Chaos', 'ScaleBenchmark', 'Clean')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Run only Pester files whose name matches (for quick local loops); CI runs everything.
    [string] $PesterFilter = '*',
    # Benchmark: pages below the home page of the seeded Data Center space.
    [ValidateRange(20, 100000)]
    [int] $Pages = 1000,
    # Benchmark: page bodies of real size (median ~12 KB, tail to 300 KB) or small ones (a few hundred bytes).
    [ValidateSet('real', 'small')]
    [string] $Bodies = 'real',
    # Benchmark: delay the emulators add to each request (issue 14's figures are at 20 ms).
    [ValidateRange(0, 10000)]
    [int] $LatencyMs = 20,
    # Benchmark, ScaleBenchmark: also write the figures (and the Benchmark's goals) as JSON to this path.
    [string] $Json,
    # ScaleBenchmark: small spaces, worker processes sharing one PostgreSQL state, rounds of edits and runs.
    [ValidateRange(1, 9999)]
    [int] $Spaces = 300,
    [ValidateRange(1, 32)]
    [int] $Workers = 3,
    [ValidateRange(1, 100)]
    [int] $Rounds = 3,
    # ScaleBenchmark: both sites' rate limit (N requests per S seconds) for the rounds after those, and how many such rounds.
    [ValidatePattern('^\d+/\d+$')]
    [string] $RateLimit = '10/1',
    [ValidateRange(0, 100)]
    [int] $RateLimitRounds = 2,
    # ScaleBenchmark: spaces each worker runs at once (used only when Invoke-SpaceSync has -ThrottleLimit).
    [ValidateRange(0, 64)]
    [int] $ThrottleLimit = 0,
    # Chaos: how many seeds, one after another from BaseSeed (a seed with a violation replays with -BaseSeed it -Seeds 1).
    [ValidateRange(1, 100000)]
    [int] $Seeds = 20,
    [int] $BaseSeed = 1000,
    # Chaos: the killed runs and the first rerun of each phase in a fault storm (503s, dropped connections).
    [switch] $Storm
)

$ErrorActionPreference = 'Stop'
if ($env:CI -or [Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'SpaceSync'
$ResultsDir = Join-Path $Out 'test-results'

Import-Module (Join-Path $Root 'build/BuildTools.psm1') -Force

function Get-BuildProperty([string] $name) {
    # Directory.Build.props is the one source of the version and of the project's public URLs.
    [xml] $props = Get-Content -Raw (Join-Path $Root 'Directory.Build.props')
    $node = $props.Project.PropertyGroup | Where-Object { $_[$name] } | Select-Object -First 1
    if ($node) { return $node[$name].InnerText.Trim() } else { return '' }
}

function Get-ModuleVersion { Get-BuildProperty 'VersionPrefix' }

function Invoke-Build {
    Invoke-Native dotnet build (Join-Path $Root 'SpaceSync.sln') -c $Configuration --nologo --verbosity minimal

    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    $deps = Join-Path $ModuleOut 'Dependencies'
    New-Item -ItemType Directory -Force -Path $deps, (Join-Path $ModuleOut 'en-US') | Out-Null

    # Core and all its third-party assemblies go to Dependencies/, loaded by the module's own load context.
    Invoke-Native dotnet publish (Join-Path $Root 'src/SpaceSync.Core/SpaceSync.Core.csproj') -c $Configuration --no-build --nologo --verbosity quiet -o $deps
    Remove-Item (Join-Path $deps '*.deps.json') -ErrorAction SilentlyContinue

    # The PostgreSQL state store joins Dependencies/, loaded only when a scope names PostgreSQL: its assembly and Npgsql,
    # nothing else. Core's netstandard2.0 builds of the packages they share must stay (Windows PowerShell loads them),
    # and Npgsql's one newer need, System.Diagnostics.DiagnosticSource 9, comes from the runtime of PowerShell 7.5 or
    # later (.NET 9+), which the PostgreSQL state therefore needs.
    $pgOut = Join-Path $Out 'postgresql-publish'
    if (Test-Path $pgOut) { Remove-Item -Recurse -Force $pgOut }
    Invoke-Native dotnet publish (Join-Path $Root 'src/SpaceSync.State.PostgreSql/SpaceSync.State.PostgreSql.csproj') -c $Configuration --no-build --nologo --verbosity quiet -o $pgOut
    Get-ChildItem $pgOut -File -Include 'SpaceSync.State.PostgreSql.dll', 'SpaceSync.State.PostgreSql.pdb', 'Npgsql.dll' -Recurse |
        Copy-Item -Destination $deps
    Remove-Item -Recurse -Force $pgOut

    $psBin = Join-Path $Root "src/SpaceSync.PowerShell/bin/$Configuration/netstandard2.0"
    Copy-Item (Join-Path $psBin 'SpaceSync.PowerShell.dll'), (Join-Path $psBin 'SpaceSync.PowerShell.pdb') $ModuleOut
    Copy-Item (Join-Path $Root 'src/SpaceSync.PowerShell/SpaceSync.Format.ps1xml') $ModuleOut
    Copy-Item (Join-Path $Root 'src/SpaceSync.PowerShell/en-US/*.txt') (Join-Path $ModuleOut 'en-US')

    Copy-Item (Join-Path $Root 'LICENSE'), (Join-Path $Root 'THIRD-PARTY-NOTICES.md') $ModuleOut

    # The manifest: the root copy is the source; version, release notes and URLs are stamped from
    # Directory.Build.props and CHANGELOG.md.
    $version = Get-ModuleVersion
    $manifest = Set-ManifestMetadata -Text (Get-Content -Raw (Join-Path $Root 'SpaceSync.psd1')) -Version $version `
        -ReleaseNotes (Get-ChangelogSection -Path (Join-Path $Root 'CHANGELOG.md') -Version $version) `
        -ProjectUri (Get-BuildProperty 'ModuleProjectUri') -LicenseUri (Get-BuildProperty 'ModuleLicenseUri')
    Set-Content -Path (Join-Path $ModuleOut 'SpaceSync.psd1') -Value $manifest -NoNewline

    # MAML help, generated from the markdown sources in docs/help against the built cmdlets' metadata.
    Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Build-Help.ps1') `
        -ModulePath (Join-Path $ModuleOut 'SpaceSync.psd1') -SourcePath (Join-Path $Root 'docs/help') `
        -OutputPath (Join-Path $ModuleOut 'en-US/SpaceSync.PowerShell.dll-Help.xml') `
        -OnlineHelpBaseUri (Get-BuildProperty 'ModuleHelpUri')

    Write-Host "Module assembled in $ModuleOut (version $version)"
}

function Read-TrxCounts([string] $path) {
    [xml] $trx = Get-Content -Raw $path
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted }
}

function Invoke-Package {
    # The module as an admin installs it: a NuGet package for a feed, and the zip Azure Automation imports.
    New-ModulePackage -ModuleFolder $ModuleOut -Destination $Out | ForEach-Object { Write-Host "Packed $($_.FullName)" }
}

function Invoke-Test {
    Invoke-Build
    Invoke-Package   # tests/Pester/Package.Tests.ps1 installs what this writes
    if (Test-Path $ResultsDir) { Remove-Item -Recurse -Force $ResultsDir }
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null

    # The state store's tests run on PostgreSQL too (issue 16): a throwaway cluster for this run, its admin connection
    # string handed to xunit and Pester in the environment, stopped and removed at the end whatever happens.
    if ($IsLinux) { Invoke-Native sh (Join-Path $Root 'tools/Install-PostgreSQL.sh') }
    Import-Module (Join-Path $Root 'tools/TestPostgres.psm1') -Force
    $postgres = Start-TestPostgres
    $env:SPACESYNC_TEST_POSTGRES = $postgres.ConnectionString
    Write-Host "Throwaway PostgreSQL cluster on 127.0.0.1:$($postgres.Port)"
    try {
        $counts = Invoke-TestSuites
    }
    finally {
        $postgres | Stop-TestPostgres
        Remove-Item Env:SPACESYNC_TEST_POSTGRES -ErrorAction SilentlyContinue
    }

    $counts | ConvertTo-Json | Set-Content (Join-Path $ResultsDir 'summary.json')
    Write-Host ''
    Write-Host "$($counts.Passed) passed, $($counts.Failed) failed"
    if ($counts.Failed -gt 0) { exit 1 }
}

function Invoke-TestSuites {
    # xunit, then Pester; returns the summed counts (and nothing else: the suites' own output goes to the host). A suite
    # that produced no results counts as one failure.
    $passed = 0; $failed = 0
    foreach ($project in 'tests/SpaceSync.Core.Tests', 'tests/SpaceSync.Emulator.Tests') {
        $name = Split-Path $project -Leaf
        $trx = Join-Path $ResultsDir "$name.trx"
        & dotnet test (Join-Path $Root $project) -c $Configuration --no-build --nologo `
            --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
        if (Test-Path $trx) {
            $counts = Read-TrxCounts $trx
            $passed += $counts.Passed; $failed += $counts.Failed
            if ($LASTEXITCODE -ne 0 -and $counts.Failed -eq 0) { $failed++ }   # crashed host: count it
        }
        else {
            Write-Warning "$name produced no results (exit code $LASTEXITCODE)"
            $failed++
        }
    }

    # The report test renders the exported HTML in headless Chromium; a fresh machine has only the .NET SDK.
    if ($IsLinux -and -not (Get-Command chromium -ErrorAction SilentlyContinue)) {
        Invoke-Native sh (Join-Path $Root 'tools/Install-Chromium.sh') | Out-Host
    }

    # Pester runs in a fresh pwsh so that it imports the built module, never a stale copy in this session.
    Invoke-Native dotnet restore (Join-Path $Root 'tests/PesterRestore/PesterRestore.csproj') --nologo --verbosity quiet | Out-Host
    $pesterJson = Join-Path $ResultsDir 'pester.json'
    # The filter travels in the environment: PowerShell on Unix would glob-expand a '*' argument to a native command.
    $env:SPACESYNC_PESTER_FILTER = $PesterFilter
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Invoke-PesterSuite.ps1') `
        -ModuleManifest (Join-Path $ModuleOut 'SpaceSync.psd1') -ResultPath $pesterJson | Out-Host
    if (Test-Path $pesterJson) {
        $pester = Get-Content -Raw $pesterJson | ConvertFrom-Json
        $passed += $pester.Passed; $failed += $pester.Failed
    }
    else {
        Write-Warning "Pester produced no results (exit code $LASTEXITCODE)"
        $failed++
    }

    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-Demo {
    Invoke-Build
    & dotnet pwsh -NoProfile -File (Join-Path $Root 'examples/Demo.ps1') -ModuleManifest (Join-Path $ModuleOut 'SpaceSync.psd1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Benchmark {
    # Always Release: Debug figures say little. Not part of Test: time on a shared machine is no pass/fail criterion.
    # The emulators run in a second process the benchmark starts; the figures are the client's alone (docs/performance.md).
    $benchmarkArgs = @('--pages', $Pages, '--bodies', $Bodies, '--latency-ms', $LatencyMs)
    if ($Json) { $benchmarkArgs += @('--json', $Json) }
    Invoke-Native dotnet run --project (Join-Path $Root 'tests/SpaceSync.Benchmarks/SpaceSync.Benchmarks.csproj') -c Release `
        '--' @benchmarkArgs   # quoted: PowerShell would take a bare -- as its own
}

function Invoke-ScaleBenchmark {
    # Not part of Test either (Workers.Tests.ps1 runs 30 spaces there): wall time on a shared machine is no pass/fail criterion.
    Invoke-Build
    if ($IsLinux) { Invoke-Native sh (Join-Path $Root 'tools/Install-PostgreSQL.sh') }
    $scaleArgs = @{ ModuleManifest = (Join-Path $ModuleOut 'SpaceSync.psd1'); Spaces = $Spaces; Workers = $Workers; Rounds = $Rounds
        LatencyMs = $LatencyMs; RateLimit = $RateLimit; RateLimitRounds = $RateLimitRounds; ThrottleLimit = $ThrottleLimit }
    if ($Json) { $scaleArgs.Json = $Json }
    & (Join-Path $Root 'tests/SpaceSync.Benchmarks/Scale/Invoke-ScaleBenchmark.ps1') @scaleArgs
}

function Invoke-Chaos {
    # Not part of Test (Chaos.Tests.ps1 runs a few seeds there): many seeds take many minutes.
    Invoke-Build
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Chaos/Invoke-Chaos.ps1') `
        -ModuleManifest (Join-Path $ModuleOut 'SpaceSync.psd1') -Seeds $Seeds -BaseSeed $BaseSeed -Storm:$Storm
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

Push-Location $Root
try {
    switch ($Task) {
        'Clean' { if (Test-Path $Out) { Remove-Item -Recurse -Force $Out } }
        'Build' { Invoke-Build }
        'Package' { Invoke-Build; Invoke-Package }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Benchmark' { Invoke-Benchmark }
        'Chaos' { Invoke-Chaos }
        'ScaleBenchmark' { Invoke-ScaleBenchmark }
    }
}
finally {
    Pop-Location
}
