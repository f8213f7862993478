# Starts and stops the Confluence emulator (tests/SpaceSync.Emulator) as a separate process, for the
# demo and the Pester suite: the module under test talks to it over real HTTP on loopback.

function Start-ConfluenceEmulator {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet('cloud', 'datacenter')] [string] $Flavor,
        [string] $ContextPath,
        [string] $SeedSpace,
        [int] $SeedPages,
        [int] $Seed = 1,
        [string[]] $ExtraArguments = @(),
        [string] $Configuration = 'Release',
        [int] $TimeoutSeconds = 60
    )
    $root = Split-Path $PSScriptRoot
    $dll = Join-Path $root "tests/SpaceSync.Emulator/bin/$Configuration/net10.0/SpaceSync.Emulator.dll"
    if (-not (Test-Path $dll)) { throw "The emulator is not built: $dll is missing. Run 'dotnet pwsh ./build.ps1 -Task Build' first." }

    $arguments = @($dll, '--flavor', $Flavor, '--urls', 'http://127.0.0.1:0')
    if ($ContextPath) { $arguments += '--context-path', $ContextPath }
    if ($SeedSpace) { $arguments += '--seed-space', $SeedSpace, '--seed-pages', $SeedPages, '--seed', $Seed }
    $arguments += $ExtraArguments

    $log = Join-Path ([IO.Path]::GetTempPath()) ("spacesync-emulator-{0}-{1}.log" -f $Flavor, [guid]::NewGuid().ToString('n').Substring(0, 8))
    $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -PassThru -NoNewWindow `
        -RedirectStandardOutput $log -RedirectStandardError "$log.err"

    # The emulator prints one line "Listening on <site url>" when it is ready.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) {
            $err = Get-Content -Raw "$log.err" -ErrorAction SilentlyContinue
            throw "The $Flavor emulator exited with code $($process.ExitCode) before it was ready. $err"
        }
        $line = Select-String -Path $log -Pattern '^Listening on (\S+)' -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($line) {
            return [pscustomobject]@{
                PSTypeName = 'SpaceSync.Test.Emulator'
                Flavor     = $Flavor
                Url        = $line.Matches[0].Groups[1].Value.TrimEnd('/')
                Process    = $process
                LogPath    = $log
            }
        }
        Start-Sleep -Milliseconds 100
    }
    Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
    throw "The $Flavor emulator did not report 'Listening on' within $TimeoutSeconds s (log: $log)."
}

function Stop-ConfluenceEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Emulator)
    process {
        if ($Emulator -and -not $Emulator.Process.HasExited) {
            $Emulator.Process.Kill($true)
            $null = $Emulator.Process.WaitForExit(10000)
        }
        Remove-Item $Emulator.LogPath, "$($Emulator.LogPath).err" -ErrorAction SilentlyContinue
    }
}

function Get-ConfluenceEmulatorStats {
    # Request counters of one emulator (control endpoint; not counted itself).
    param([Parameter(Mandatory)] $Emulator)
    $origin = ([uri]$Emulator.Url).GetLeftPart([UriPartial]::Authority)
    Invoke-RestMethod -Uri "$origin/__emulator/stats"
}

Export-ModuleMember -Function Start-ConfluenceEmulator, Stop-ConfluenceEmulator, Get-ConfluenceEmulatorStats
