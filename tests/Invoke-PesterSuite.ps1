#Requires -Version 7.2
<#
.SYNOPSIS
    Runs the Pester suite against the built module; called by build.ps1 in a fresh pwsh process.
    Writes {Passed, Failed} to -ResultPath for the build's closing line.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Only the Pester files whose name matches (build.ps1 -PesterFilter sets it through the environment).
    [string] $Filter = $(if ($env:SPACESYNC_PESTER_FILTER) { $env:SPACESYNC_PESTER_FILTER } else { '*' })
)
$ErrorActionPreference = 'Stop'
# No ANSI colour codes in test output or in the child pwsh processes tests start: they are noise in CI
# logs and invalid characters in the XML report.
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'

# Pester comes from NuGet (tests/PesterRestore), not from a gallery.
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
$pester = Import-Module (Join-Path $packages 'pester/5.7.1/tools/Pester.psd1') -MinimumVersion 5.7.1 -PassThru

# The secret canary (issue 13): the suite signs in with tokens made for this run only, every emulator echoes the
# request's Authorization header in its error bodies (a hostile proxy), and at the end everything the run left behind
# is searched for any form of those tokens. Everything goes under one suite root: the temp folder of this process and
# of every process it starts (test drives, emulator logs and blobs, fresh pwsh sessions), and the console's transcript.
Import-Module (Join-Path $PSScriptRoot 'Pester/SecretCanary.psm1') -Force
$suiteRoot = Join-Path ([IO.Path]::GetTempPath()) ('spacesync-suite-' + [guid]::NewGuid().ToString('n').Substring(0, 12))
$suiteTemp = Join-Path $suiteRoot 'tmp'
$null = New-Item -ItemType Directory -Force -Path $suiteTemp
$canaries = @((New-SecretCanary cloud), (New-SecretCanary dc))
$env:SPACESYNC_TEST_CANARY_CLOUD = $canaries[0]
$env:SPACESYNC_TEST_CANARY_DC = $canaries[1]
$env:SPACESYNC_TEST_ECHO_AUTHORIZATION = '1'
$env:TMPDIR = $suiteTemp + [IO.Path]::DirectorySeparatorChar

# Pester deletes each file's TestDrive (and what a Describe added to it) when the block ends; keep a copy of what it
# deletes under the suite root instead, so that the scan sees every state file, log, plan and report the tests made.
& $pester {
    param($Keep)
    $script:SpaceSyncKeep = $Keep
    $script:SpaceSyncRemoveTestDrive = ${function:Remove-TestDrive}
    $script:SpaceSyncClearTestDrive = ${function:Clear-TestDrive}
    function script:Save-SpaceSyncTestDrive([string] $Path, [string[]] $Exclude) {
        if (-not $Path -or -not [IO.Directory]::Exists($Path)) { return }
        $target = Join-Path $script:SpaceSyncKeep ([guid]::NewGuid().ToString('n'))
        foreach ($file in [IO.Directory]::GetFiles($Path, '*', [IO.SearchOption]::AllDirectories)) {
            if ($Exclude -contains $file) { continue }
            $copy = Join-Path $target ([IO.Path]::GetRelativePath($Path, $file))
            $null = [IO.Directory]::CreateDirectory((Split-Path $copy))
            try { [IO.File]::Copy($file, $copy, $true) } catch { Write-Warning "Not kept for the canary scan: $file ($($_.Exception.Message))" }
        }
    }
    function script:Remove-TestDrive ($TestDrivePath) {
        Save-SpaceSyncTestDrive -Path (Get-PSDrive -Name TestDrive -ErrorAction Ignore).Root
        & $script:SpaceSyncRemoveTestDrive $TestDrivePath
    }
    function script:Clear-TestDrive ([String[]] $Exclude, [string] $TestDrivePath) {
        Save-SpaceSyncTestDrive -Path $TestDrivePath -Exclude $Exclude
        & $script:SpaceSyncClearTestDrive -Exclude $Exclude -TestDrivePath $TestDrivePath
    }
} (Join-Path $suiteRoot 'testdrive')

# Tests read these to find the built module and the emulator; see tests/Pester/TestHelpers.psm1.
$env:SPACESYNC_TEST_MODULE = (Resolve-Path $ModuleManifest).Path
$env:SPACESYNC_TEST_PACKAGES = $packages

$configuration = New-PesterConfiguration
$configuration.Run.Path = Get-ChildItem (Join-Path $PSScriptRoot 'Pester') -Filter "$Filter.Tests.ps1" | ForEach-Object FullName
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = Join-Path (Split-Path $ResultPath) 'pester-results.xml'

$transcript = Join-Path $suiteRoot 'pester-console.txt'
$null = Start-Transcript -Path $transcript -UseMinimalHeader
try { $result = Invoke-Pester -Configuration $configuration }
finally { $null = Stop-Transcript }

# The canary scan counts as one test: any form of a canary anywhere is a failure, named by file and form.
$hits = @(Find-SecretCanary -Path $suiteRoot, $configuration.TestResult.OutputPath.Value -Token $canaries -User 'admin@example.com', 'admin')
if ($hits.Count -eq 0) {
    Write-Host "[+] Secret canary: no form of this run's tokens in anything the suite left behind ($suiteRoot)"
    # $env:SPACESYNC_KEEP_SUITE_ROOT = 1 keeps what was scanned, to look at.
    if ($env:SPACESYNC_KEEP_SUITE_ROOT -ne '1') { Remove-Item -LiteralPath $suiteRoot -Recurse -Force -ErrorAction SilentlyContinue }
}
else {
    Write-Host "[-] Secret canary: $($hits.Count) hit(s); the files are kept under $suiteRoot" -ForegroundColor Red
    $hits | ForEach-Object { Write-Host "    $($_.Form) in $($_.Path) at byte $($_.Offset) ($($_.Encoding))" }
}

$canaryFailed = [int]($hits.Count -gt 0)
[pscustomobject]@{
    Passed = $result.PassedCount + 1 - $canaryFailed
    Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount + $canaryFailed
} | ConvertTo-Json | Set-Content -Path $ResultPath
if ($result.Result -ne 'Passed' -or $canaryFailed) { exit 1 }
