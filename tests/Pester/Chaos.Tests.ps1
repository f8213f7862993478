# Crashes in our own suite (issue 13): Start-SpaceBaseline and Invoke-SpaceSync of the built module, in child pwsh
# processes, SIGKILLed at points a fixed seed picks (after a time, at a request count, while a write's answer is held by
# the emulator), then rerun; the driver (tests/Chaos/Chaos.psm1) checks both sites pair by pair, duplicates, lost edits,
# PRAGMA integrity_check and the lock takeover. A few seeds here; `build.ps1 -Task Chaos -Seeds N` runs many.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tests/Chaos/Chaos.psm1') -Force
}

AfterAll {
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A baseline and a sync killed at any point converge on the rerun' {
    # Seeds chosen so that between them kills land before any write, mid-run and while a write's answer is held; the
    # second also runs its killed runs and first reruns in a fault storm (503s, dropped connections before and after the work).
    It 'seed <Seed><Label>: converges, no duplicate, no lost edit, state intact, the dead run''s lock taken over' -ForEach @(
        @{ Seed = 1; Storm = $false; Label = '' }, @{ Seed = 2; Storm = $true; Label = ' in a fault storm' }
    ) {
        $folder = Join-Path $TestDrive "seed-$Seed"
        $result = Invoke-ChaosSeed -Seed $Seed -ModuleManifest (Get-TestModuleManifest) -Folder $folder -Pages 8 -Storm:$Storm
        $line = Format-ChaosSeed $result
        Write-Host $line
        $replay = "replay: dotnet pwsh -NoProfile -File tests/Chaos/Invoke-Chaos.ps1 -ModuleManifest out/SpaceSync/SpaceSync.psd1 -BaseSeed $Seed -Seeds 1 -Pages 8$(if ($Storm) { ' -Storm' })"
        $result.Violations | Should -BeNullOrEmpty -Because "seed $Seed ($replay): $line"
        @($result.Kills | Where-Object Landed -NE 'ended-first').Count | Should -BeGreaterThan 0 -Because "seed $Seed must kill at least one run ($replay)"
    }
}
