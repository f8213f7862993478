# Invoke-SpaceSync -SkipLocked: workers that share one state skip a space another run holds and report it, rather
# than failing; a run that loses its lock part-way still fails. Through the built module, over HTTP, on both emulators.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 4 -Seed 11
    Clear-SeededRestrictions $script:Dc
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    $folder = Join-Path $TestDrive 'skiplocked'
    $script:Scope = New-TestScopeFile -Folder $folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
        -Spaces "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n"
    $script:StatePath = Join-Path $folder 'spacesync.db'
    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG

    function script:Get-StateStoreType {
        [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SpaceSync.Core' } |
            ForEach-Object { $_.GetType('SpaceSync.Core.State.StateStore') } | Select-Object -First 1
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Invoke-SpaceSync -SkipLocked' {
    It 'skips a space another worker holds, names the holder, records no run and writes no error' {
        $store = (Get-StateStoreType)::Open($script:StatePath)
        try {
            $store.TryAcquireLock('ENG', 'worker-2/4242/run-7', [TimeSpan]::FromMinutes(5)).Acquired | Should -BeTrue
            $runsBefore = @(Get-SyncHistory -ScopePath $script:Scope).Count

            $result = Invoke-SpaceSync -ScopePath $script:Scope -SkipLocked -FailOn Error -Confirm:$false -ErrorVariable problems

            @($problems).Count | Should -Be 0
            $result.SpaceKey | Should -Be 'ENG'
            $result.RunId | Should -BeNullOrEmpty
            $result.SkippedLockedBy.OwnerId | Should -Be 'worker-2/4242/run-7'
            ($result | Format-List | Out-String) | Should -Match 'Skipped\s*:\s*locked by run worker-2/4242/run-7 until'
            @(Get-SyncHistory -ScopePath $script:Scope).Count | Should -Be $runsBefore
        }
        finally {
            $store.ReleaseLock('ENG', 'worker-2/4242/run-7')
            $store.Dispose()
        }
    }

    It 'without -SkipLocked the same space is an error record of the module' {
        $store = (Get-StateStoreType)::Open($script:StatePath)
        try {
            $null = $store.TryAcquireLock('ENG', 'worker-2/4242/run-8', [TimeSpan]::FromMinutes(5))
            $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
            @($problems).Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SpaceLocked,*'
        }
        finally {
            $store.ReleaseLock('ENG', 'worker-2/4242/run-8')
            $store.Dispose()
        }
    }

    It 'does not run again a space another run synced after the command began' {
        # The same space twice down one pipeline: the second time, the run the first made started after the command did.
        $results = @([pscustomobject]@{ SpaceKey = 'ENG' }, [pscustomobject]@{ SpaceKey = 'ENG' } |
            Invoke-SpaceSync -ScopePath $script:Scope -SkipLocked -Confirm:$false -ErrorAction Stop)
        $results.Count | Should -Be 2
        $results[0].RunId | Should -Not -BeNullOrEmpty
        $results[1].RunId | Should -BeNullOrEmpty
        $results[1].SkippedAfterRun.Id | Should -Be $results[0].RunId
        ($results[1] | Format-List | Out-String) | Should -Match "Skipped\s*:\s*synced by run $($results[0].RunId) at"

        # Without -SkipLocked both go through, as a single admin would expect.
        $plain = @([pscustomobject]@{ SpaceKey = 'ENG' }, [pscustomobject]@{ SpaceKey = 'ENG' } |
            Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorAction Stop)
        @($plain | Where-Object RunId).Count | Should -Be 2
    }

    It 'runs the space as usual once the lock is free' {
        $result = Invoke-SpaceSync -ScopePath $script:Scope -SkipLocked -Confirm:$false -ErrorAction Stop
        $result.SkippedLockedBy | Should -BeNullOrEmpty
        $result.RunId | Should -Not -BeNullOrEmpty
    }
}
