# Pending changes in Get-SyncedSpace and retiring a space with Remove-SyncedSpace, through the built module, over
# HTTP, against both emulators.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 6 -Seed 7
    Clear-SeededRestrictions $script:Dc
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $script:PageIds = @($script:Map.Keys | Sort-Object { [long]$_ })
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    # The scope file as an admin keeps it: comments above and inside entries, blank lines. ENG is retired from it;
    # everything else must stay byte for byte.
    $script:Head = @"
# SpaceSync scope for the retirement tests
version: 1
sites:
  cloud:
    url: $($script:Cloud.Url)
    auth:
      type: basic
      user: admin@example.com
      token: env:SPACESYNC_TEST_CLOUD_TOKEN   # API token
  datacenter:
    url: $($script:Dc.Url)
    auth:
      type: bearer
      token: env:SPACESYNC_TEST_DC_TOKEN
spaces:
  # Operations: never baselined
  - key: OPS
    owner: ops@example.com

"@ -replace "`r`n", "`n"
    $script:EngEntry = "  # Engineering, merged both ways`n  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com   # the docs team`n    phase: dual-write`n"
    $script:Rest = "`n  # HR comes last`n  - key: HR`n    owner: hr@example.com`n# where state lives`nstate:`n  path: state/spacesync.db`n"
    $folder = Join-Path $TestDrive 'retire'
    New-Item -ItemType Directory -Path $folder | Out-Null
    $script:Scope = Join-Path $folder 'spacesync.yaml'
    [IO.File]::WriteAllText($script:Scope, $script:Head + $script:EngEntry + $script:Rest)
    $script:StatePath = Join-Path $folder 'state/spacesync.db'
    $script:ArchiveFolder = Join-Path $folder 'state/archive'

    function script:Edit-DcPage([string] $Id, [string] $Text) {
        $page = Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version"
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $page.body.storage.value + "<p>$Text</p>"; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }
    function script:Get-Requests { (Get-ConfluenceEmulatorStats $script:Dc | ConvertTo-Json -Depth 5), (Get-ConfluenceEmulatorStats $script:Cloud | ConvertTo-Json -Depth 5) }
    function script:Get-StateStoreType {
        # The engine's own store, from the module's load context (loaded once a cmdlet has run): to hold a lock as a run
        # would, and to read an archive.
        [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SpaceSync.Core' } |
            ForEach-Object { $_.GetType('SpaceSync.Core.State.StateStore') } | Select-Object -First 1
    }

    $baseline = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $script:Pairs = $baseline.PairsRecorded
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

# One Describe: Pester clears TestDrive, and with it the state file, at the end of each.
Describe 'Pending changes and retiring a space' {
    It 'shows nothing pending right after the baseline, and no count for spaces without one' {
        $script:Pairs | Should -Be 7
        $all = Get-SyncedSpace -ScopePath $script:Scope
        $all.SpaceKey | Should -Be @('OPS', 'ENG', 'HR')
        $eng = $all | Where-Object SpaceKey -eq ENG
        $eng.PendingToCloud | Should -Be 0
        $eng.PendingToDataCenter | Should -Be 0
        $eng.PendingConflicts | Should -Be 0
        $ops = $all | Where-Object SpaceKey -eq OPS
        $ops.BaselineAt | Should -BeNullOrEmpty
        $ops.PendingToCloud | Should -BeNullOrEmpty
    }

    It 'counts a Data Center edit as one change pending toward Cloud' {
        Edit-DcPage $script:PageIds[2] 'Edited on Data Center.'
        $eng = Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG
        $eng.PendingToCloud | Should -Be 1
        $eng.PendingToDataCenter | Should -Be 0
        $eng.PendingConflicts | Should -Be 0
        (Get-SyncDrift -ScopePath $script:Scope -SpaceKey ENG).Status | Should -Be 'DataCenterAhead' -Because 'the same plan as Get-SyncDrift'
    }

    It 'reads the state only with -Offline: no request, pending left empty and shown as ?' {
        $before = Get-Requests
        $eng = Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Offline
        Get-Requests | Should -Be $before
        $eng.BaselineAt | Should -Not -BeNullOrEmpty
        $eng.PairedPages | Should -Be 7
        $eng.PendingToCloud | Should -BeNullOrEmpty
        $eng.PendingToDataCenter | Should -BeNullOrEmpty
        ($eng | Format-Table | Out-String -Width 400) | Should -Match 'ENG\s.*\s\?\s+\?\s'  # ToCloud, ToDC; LastRun follows
    }

    It 'reports a space whose site fails, with an error for it, and the other spaces still' {
        $bad = Join-Path $TestDrive 'badcred'
        New-Item -ItemType Directory -Path $bad | Out-Null
        $badScope = Join-Path $bad 'spacesync.yaml'
        $text = ($script:Head + $script:EngEntry + $script:Rest) -replace 'path: state/spacesync.db', "path: $($script:StatePath)"
        [IO.File]::WriteAllText($badScope, $text)
        $wrong = [pscredential]::new('admin@example.com', (ConvertTo-SecureString 'not-the-token' -AsPlainText -Force))
        $all = Get-SyncedSpace -ScopePath $badScope -CloudCredential $wrong -ErrorVariable problems -ErrorAction SilentlyContinue
        $all.SpaceKey | Should -Be @('OPS', 'ENG', 'HR')
        ($all | Where-Object SpaceKey -eq ENG).PendingToCloud | Should -BeNullOrEmpty
        ($all | Where-Object SpaceKey -eq ENG).PairedPages | Should -Be 7
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SiteUnauthorized,*'
        $problems[0].TargetObject | Should -Be 'ENG'
    }

    It 'refuses to retire a space with pending changes, and changes nothing' {
        $scopeBytes = [IO.File]::ReadAllBytes($script:Scope)
        $stateBefore = Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Offline

        $out = Remove-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Confirm:$false -PassThru -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'SpaceSync.PendingChanges,SpaceSync.PowerShell.Cmdlets.RemoveSyncedSpaceCommand'
        $problems[0].ErrorDetails.Message | Should -Match '1 toward Cloud and 0 toward Data Center'
        $problems[0].ErrorDetails.Message | Should -Match '-Force'

        [IO.File]::ReadAllBytes($script:Scope) | Should -Be $scopeBytes
        Test-Path $script:ArchiveFolder | Should -BeFalse
        $stateAfter = Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Offline
        $stateAfter.BaselineAt | Should -Be $stateBefore.BaselineAt
        $stateAfter.PairedPages | Should -Be $stateBefore.PairedPages
    }

    It 'says under -WhatIf what it would do and what blocks it, with no error and nothing written' {
        $scopeBytes = [IO.File]::ReadAllBytes($script:Scope)
        # ShouldProcess writes "What if:" lines to the host only: a transcript is the way to read them back.
        $transcript = Join-Path $TestDrive 'retire-whatif.txt'
        $null = Start-Transcript -Path $transcript
        try { Remove-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -WhatIf -ErrorVariable problems -ErrorAction SilentlyContinue }
        finally { $null = Stop-Transcript }
        @($problems).Count | Should -Be 0 -Because '-WhatIf reports the blocker instead of failing on it'
        $said = (Get-Content $transcript -Raw) -replace '\s+', ' '
        $said | Should -Match 'What if: .*Retire from sync: archive its state and remove its entry from the scope file\. Blocked now: .*1 toward Cloud and 0 toward Data Center'
        $said | Should -Match 'space ENG in '
        [IO.File]::ReadAllBytes($script:Scope) | Should -Be $scopeBytes
        Test-Path $script:ArchiveFolder | Should -BeFalse
    }

    It 'writes nothing under -WhatIf, even with -Force' {
        $scopeBytes = [IO.File]::ReadAllBytes($script:Scope)
        Remove-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Force -WhatIf
        [IO.File]::ReadAllBytes($script:Scope) | Should -Be $scopeBytes
        Test-Path $script:ArchiveFolder | Should -BeFalse
        (Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Offline).BaselineAt | Should -Not -BeNullOrEmpty
    }

    It 'refuses with SpaceLocked while a run holds the space, even with -Force' {
        $storeType = Get-StateStoreType
        $store = $storeType::Open($script:StatePath)
        try {
            $store.TryAcquireLock('ENG', 'a-run-underway', [TimeSpan]::FromMinutes(5)).Acquired | Should -BeTrue
            $scopeBytes = [IO.File]::ReadAllBytes($script:Scope)
            Remove-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Force -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SpaceLocked,*'
            [IO.File]::ReadAllBytes($script:Scope) | Should -Be $scopeBytes
            Test-Path $script:ArchiveFolder | Should -BeFalse

            # -WhatIf names the lock as what blocks it, without an error.
            $transcript = Join-Path $TestDrive 'retire-locked-whatif.txt'
            $null = Start-Transcript -Path $transcript
            try { Remove-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Force -WhatIf -ErrorVariable whatIfProblems -ErrorAction SilentlyContinue }
            finally { $null = Stop-Transcript }
            @($whatIfProblems).Count | Should -Be 0
            ((Get-Content $transcript -Raw) -replace '\s+', ' ') | Should -Match 'What if: .*Blocked now: A run holds the lock of space ENG \(owner a-run-underway'
            [IO.File]::ReadAllBytes($script:Scope) | Should -Be $scopeBytes
        }
        finally {
            $store.ReleaseLock('ENG', 'a-run-underway')
            $store.Dispose()
        }
    }

    It 'shows nothing pending once a sync has carried the edit' {
        $null = Invoke-SpaceSync -ScopePath $script:Scope -SpaceKey ENG -Confirm:$false
        $eng = Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG
        $eng.PendingToCloud | Should -Be 0
        $eng.PendingToDataCenter | Should -Be 0
    }

    It 'retires a clean space without -Force' {
        $folder = Join-Path $TestDrive 'clean'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $cleanScope = Join-Path $folder 'spacesync.yaml'
        [IO.File]::WriteAllText($cleanScope, $script:Head + $script:EngEntry + $script:Rest)
        $null = Start-SpaceBaseline -ScopePath $cleanScope -SpaceKey ENG

        $retired = Remove-SyncedSpace -ScopePath $cleanScope -SpaceKey ENG -Confirm:$false -PassThru
        $retired.PSTypeNames[0] | Should -Be 'SpaceSync.Core.Reporting.RetiredSpace'
        $retired.Forced | Should -BeFalse
        $retired.ArchivedPairs | Should -Be 7
        Test-Path $retired.ArchivePath | Should -BeTrue
        [IO.File]::ReadAllText($cleanScope) | Should -BeExactly ($script:Head + $script:Rest)
        (Get-SyncedSpace -ScopePath $cleanScope -Offline).SpaceKey | Should -Be @('OPS', 'HR')
    }

    It 'retires a space with pending changes under -Force, from the pipeline, keeping every other byte of the scope file' {
        Edit-DcPage $script:PageIds[4] 'Edited again, never synced.'
        (Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG).PendingToCloud | Should -Be 1

        $retired = Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Offline | Remove-SyncedSpace -Force -Confirm:$false -PassThru
        $retired.SpaceKey | Should -Be 'ENG'
        $retired.Forced | Should -BeTrue
        $retired.ArchivedPairs | Should -Be 7
        $retired.ArchivedRuns | Should -Be 2   # the baseline and the sync
        (Split-Path $retired.ArchivePath) | Should -Be $script:ArchiveFolder
        (Split-Path $retired.ArchivePath -Leaf) | Should -Match '^ENG-\d{8}T\d{6}Z\.db$'

        [IO.File]::ReadAllText($script:Scope) | Should -BeExactly ($script:Head + $script:Rest)
        (Get-SyncedSpace -ScopePath $script:Scope -Offline).SpaceKey | Should -Be @('OPS', 'HR')
        Get-ChildItem (Split-Path $script:Scope) -Filter '*.tmp' -Force | Should -BeNullOrEmpty

        # The archive is a state file of its own: the pairs, the space and its runs, readable later.
        $archive = (Get-StateStoreType)::Open($retired.ArchivePath)
        try {
            $archive.GetSpace('ENG').BaselineAt | Should -Not -BeNullOrEmpty
            $pairs = @($archive.ListPairs('ENG'))
            $pairs.Count | Should -Be 7
            $pairs.DataCenterPageId | Should -Contain $script:PageIds[4]
            @($archive.ListRuns('ENG', $null)).Count | Should -Be 2
        }
        finally { $archive.Dispose() }

        # And the live state no longer holds the space.
        $live = (Get-StateStoreType)::Open($script:StatePath)
        try {
            $live.GetSpace('ENG') | Should -BeNullOrEmpty
            @($live.ListPairs('ENG')).Count | Should -Be 0
        }
        finally { $live.Dispose() }
    }

    It 'removes a space without a baseline from the scope file only, with no site request' {
        $before = Get-Requests
        $retired = Remove-SyncedSpace -ScopePath $script:Scope -SpaceKey HR -Confirm:$false -PassThru
        Get-Requests | Should -Be $before
        $retired.ArchivePath | Should -BeNullOrEmpty
        (Get-SyncedSpace -ScopePath $script:Scope -Offline).SpaceKey | Should -Be 'OPS'
        [IO.File]::ReadAllText($script:Scope) | Should -Match '# where state lives'
        [IO.File]::ReadAllText($script:Scope) | Should -Not -Match 'HR'
    }

    It 'archives nothing when the scope file cannot be edited' {
        $folder = Join-Path $TestDrive 'flow'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $flowScope = Join-Path $folder 'spacesync.yaml'
        $flowText = $script:Head.Substring(0, $script:Head.IndexOf('spaces:')) +
            "spaces: [{ key: ENG, cloudKey: ENG2, owner: eng@example.com }, { key: HR, owner: hr@example.com }]`n"
        [IO.File]::WriteAllText($flowScope, $flowText)
        $null = Start-SpaceBaseline -ScopePath $flowScope -SpaceKey ENG

        Remove-SyncedSpace -ScopePath $flowScope -SpaceKey ENG -Force -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.ScopeEditUnsupported,*'
        [IO.File]::ReadAllText($flowScope) | Should -BeExactly $flowText
        (Get-SyncedSpace -ScopePath $flowScope -SpaceKey ENG -Offline).PairedPages | Should -Be 7
        Test-Path (Join-Path $folder 'archive') | Should -BeFalse
        Get-ChildItem $folder -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'says so for a space that is not in the scope file' {
        Remove-SyncedSpace -ScopePath $script:Scope -SpaceKey NOPE -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SpaceNotInScope,*'
    }
}
