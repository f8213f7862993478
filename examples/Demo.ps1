#Requires -Version 7.2
<#
.SYNOPSIS
    The SpaceSync demo: two Confluence emulators, a scope file, and the online check.
.DESCRIPTION
    Run through `dotnet pwsh ./build.ps1 -Task Demo`, which builds the module first.
    Starts a Data Center emulator (under /confluence, space ENG seeded) and a Cloud emulator (the
    space as CCMA left it, renamed ENG2 because ENG was taken), writes examples/demo/spacesync.yaml,
    validates it offline and online, shows what a wrong token looks like, and stops the emulators.
#>
param([Parameter(Mandatory)] [string] $ModuleManifest)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $root 'tools/EmulatorProcess.psm1') -Force

function Write-Step([string] $text) {
    Write-Host ''
    Write-Host "── $text " -ForegroundColor Cyan -NoNewline
    Write-Host ('─' * [Math]::Max(0, 70 - $text.Length)) -ForegroundColor DarkCyan
}

$emulators = @()
try {
    Write-Step 'Starting two Confluence emulators on loopback'
    $dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 60 -Seed 7
    $emulators += $dc
    $cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 60 -Seed 7
    $emulators += $cloud
    Write-Host "Data Center  $($dc.Url)   space ENG, 60 pages"
    Write-Host "Cloud        $($cloud.Url)   space ENG2 (the CCMA copy), 60 pages"

    Write-Step 'Writing the scope file'
    $folder = Join-Path $PSScriptRoot 'demo'
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $scopePath = Join-Path $folder 'spacesync.yaml'
    @"
# Written by examples/Demo.ps1 for the local emulators.
version: 1
sites:
  cloud:
    url: $($cloud.Url)
    auth:
      type: basic
      user: admin@example.com
      token: env:SPACESYNC_CLOUD_TOKEN
  datacenter:
    url: $($dc.Url)
    auth:
      type: bearer
      token: env:SPACESYNC_DC_TOKEN
defaults:
  conflicts: manual
  maxDeletePercent: 10
spaces:
  - key: ENG
    cloudKey: ENG2
    owner: eng-docs@example.com
    phase: dual-write
state:
  path: spacesync.db
logging:
  path: logs/spacesync-.json
"@ | Set-Content -Path $scopePath
    Write-Host $scopePath
    $env:SPACESYNC_SCOPE = $scopePath
    $env:SPACESYNC_CLOUD_TOKEN = 'emulator-token'
    $env:SPACESYNC_DC_TOKEN = 'emulator-pat'

    Write-Step 'Get-SyncScope: the scope as it will be used'
    (Get-SyncScope).Spaces | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Step 'Test-SyncScope -Online: both sites, credentials, spaces, write permission'
    Test-SyncScope -Online | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Step 'The same check with a wrong Cloud token'
    $wrong = [pscredential]::new('admin@example.com', (ConvertTo-SecureString 'not-the-token' -AsPlainText -Force))
    Test-SyncScope -Online -CloudCredential $wrong | Where-Object Severity -ne 'Information' | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Step 'A scope file with mistakes'
    $broken = Join-Path $folder 'broken.yaml'
    (Get-Content -Raw $scopePath) -replace 'phase: dual-write', 'phase: dual-wrte' -replace 'maxDeletePercent: 10', 'maxDeletePercnt: 10' -replace 'env:SPACESYNC_DC_TOKEN', 'hunter2' |
        Set-Content -Path $broken
    Test-SyncScope -ScopePath $broken | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Host 'Quiet form for runbooks:' -NoNewline
    Write-Host (" Test-SyncScope -Online -Quiet → {0}" -f (Test-SyncScope -Online -Quiet))
    Write-Host ''
    Write-Host 'Next: Start-SpaceBaseline and Invoke-SpaceSync carry the pages across (coming in the next release).' -ForegroundColor DarkGray
}
finally {
    Write-Step 'Stopping the emulators'
    $emulators | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_SCOPE, Env:SPACESYNC_CLOUD_TOKEN, Env:SPACESYNC_DC_TOKEN -ErrorAction SilentlyContinue
    Write-Host 'Done.'
}
