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
Import-Module (Join-Path $packages 'pester/5.7.1/tools/Pester.psd1') -MinimumVersion 5.7.1

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

$result = Invoke-Pester -Configuration $configuration
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount } |
    ConvertTo-Json | Set-Content -Path $ResultPath
if ($result.Result -ne 'Passed') { exit 1 }
