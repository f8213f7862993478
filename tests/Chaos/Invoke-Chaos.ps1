#Requires -Version 7.2
<#
.SYNOPSIS
    Runs the chaos driver (tests/Chaos/Chaos.psm1) for N seeds and prints one line per seed and a summary.
.DESCRIPTION
    Each seed starts two emulators, copies a space like CCMA, then SIGKILLs Start-SpaceBaseline and Invoke-SpaceSync
    (child pwsh processes running the built module) at seeded points, reruns them and checks convergence, duplicates,
    lost edits, PRAGMA integrity_check and the lock takeover. Seeds run one after another from -BaseSeed; a failing seed
    is replayed with -BaseSeed <seed> -Seeds 1. Exit code 1 when any seed had a violation.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Chaos -Seeds 40
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Chaos/Invoke-Chaos.ps1 -ModuleManifest out/SpaceSync/SpaceSync.psd1 -BaseSeed 1017 -Seeds 1
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [ValidateRange(1, 100000)] [int] $Seeds = 10,
    [int] $BaseSeed = 1000,
    [ValidateRange(8, 200)] [int] $Pages = 10,
    # A fault storm on both sites through the killed runs and the first rerun of each phase (see Invoke-ChaosSeed).
    [switch] $Storm,
    # Where each seed's logs and state file go; kept for a seed with violations, removed otherwise.
    [string] $WorkFolder = (Join-Path ([IO.Path]::GetTempPath()) 'spacesync-chaos')
)
$ErrorActionPreference = 'Stop'
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Join-Path $PSScriptRoot 'Chaos.psm1') -Force
$manifest = (Resolve-Path $ModuleManifest).Path

$results = [Collections.Generic.List[object]]::new()
$started = [DateTime]::UtcNow
foreach ($seed in $BaseSeed..($BaseSeed + $Seeds - 1)) {
    $folder = Join-Path $WorkFolder "seed-$seed"
    if (Test-Path $folder) { Remove-Item -Recurse -Force $folder }
    $result = Invoke-ChaosSeed -Seed $seed -ModuleManifest $manifest -Folder $folder -Pages $Pages -Storm:$Storm
    $results.Add($result)
    Write-Host (Format-ChaosSeed $result)
    if ($result.Violations.Count -eq 0) { Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue }
    else { Write-Host "  kept for replay: $folder (replay: -BaseSeed $seed -Seeds 1)" }
}
Write-Host ''
Write-Host ("chaos: {0:yyyy-MM-dd HH:mm} UTC, {1} pages per space, seeds {2}..{3}{4}, {5:n0} min" -f $started, $Pages, $BaseSeed, ($BaseSeed + $Seeds - 1),
    $(if ($Storm) { ', under a fault storm' } else { '' }), ([DateTime]::UtcNow - $started).TotalMinutes)
Format-ChaosSummary -Results $results | ForEach-Object { Write-Host $_ }
if (@($results | Where-Object { $_.Violations.Count -gt 0 }).Count -gt 0) { exit 1 }
