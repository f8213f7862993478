# The sync loop through the built module, over HTTP, against both emulators: baseline, drift, sync, guards.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 15 -Seed 5
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc   # restricted pages are Restrictions.Tests.ps1's subject
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'sync') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $script:PageIds = @($script:Map.Keys | Sort-Object { [long]$_ })

    function script:Get-DcPage([string] $Id) { Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version,ancestors" }
    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:Cloud "/api/v2/pages/${Id}?body-format=storage" }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Baseline, drift and sync' {
    It 'refuses to compare a space before its baseline' {
        $caught = { Get-SyncDrift -ScopePath $script:Scope -SpaceKey ENG -ErrorAction Stop } |
            Should -Throw -ErrorId 'SpaceSync.NoBaseline,SpaceSync.PowerShell.Cmdlets.GetSyncDriftCommand' -PassThru
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $caught.TargetObject | Should -Be 'ENG'
        "$caught" -match 'preference variable' | Should -BeFalse
    }

    It 'previews the pairing under -WhatIf and writes nothing' {
        $preview = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -WhatIf
        @($preview).Count | Should -Be 16
        $preview | Where-Object Status -ne 'InSync' | Should -BeNullOrEmpty
        { Get-SyncDrift -ScopePath $script:Scope -ErrorAction Stop } | Should -Throw -ErrorId 'SpaceSync.NoBaseline,*'
    }

    It 'pairs every page of the CCMA copy' {
        $result = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
        $result.PairsRecorded | Should -Be 16
        $result.Unpaired | Should -Be 0
        Get-SyncDrift -ScopePath $script:Scope | Should -BeNullOrEmpty
        { Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -ErrorAction Stop } | Should -Throw -ErrorId 'SpaceSync.BaselineExists,*'
    }

    It 'carries an edit, a rename and a new page across, and a second run writes nothing' {
        $dcId = $script:PageIds[3]
        $dcPage = Get-DcPage $dcId
        $newBody = $dcPage.body.storage.value + '<p>Edited on Data Center during the hybrid phase.</p>'
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$dcId" -Method Put -Body @{
            id = $dcId; type = 'page'; title = $dcPage.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $newBody; representation = 'storage' } }; version = @{ number = $dcPage.version.number + 1 } }

        $renamedCloudId = $script:Map[$script:PageIds[5]]
        $cloudPage = Get-CloudPage $renamedCloudId
        $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$renamedCloudId" -Method Put -Body @{
            id = $renamedCloudId; status = 'current'; title = 'Renamed on Cloud'; body = @{ representation = 'storage'; value = $cloudPage.body.storage.value }
            version = @{ number = $cloudPage.version.number + 1 } }

        $cloudSpace = (Invoke-EmulatorApi $script:Cloud '/api/v2/spaces?keys=ENG2').results[0]
        $null = Invoke-EmulatorApi $script:Cloud '/api/v2/pages' -Method Post -Body @{
            spaceId = $cloudSpace.id; status = 'current'; title = 'Written on Cloud'; parentId = $cloudSpace.homepageId
            body = @{ representation = 'storage'; value = '<p>New page on Cloud.</p>' } }

        $drift = Get-SyncDrift -ScopePath $script:Scope
        ($drift.Status | Sort-Object) | Should -Be @('CloudAhead', 'DataCenterAhead', 'OnlyOnCloud')
        $drift[0].PSTypeNames[0] | Should -Be 'SpaceSync.Core.Sync.DriftItem'

        Invoke-SpaceSync -ScopePath $script:Scope -WhatIf
        @(Get-SyncDrift -ScopePath $script:Scope).Count | Should -Be 3 -Because '-WhatIf writes nothing'

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        $result.Count('Update') | Should -Be 2
        $result.Count('Create') | Should -Be 1
        $result.Errors | Should -BeNullOrEmpty
        Get-SyncDrift -ScopePath $script:Scope | Should -BeNullOrEmpty

        # The body crosses translated (mentions as account ids, respelled by the storage writer), so it is not the same text.
        $cloudBody = (Get-CloudPage $script:Map[$dcId]).body.storage.value
        $cloudBody | Remove-CloudLocalId | Should -Match ([regex]::Escape('<p>Edited on Data Center during the hybrid phase.</p>'))
        $cloudBody | Should -Not -Match 'ri:userkey='
        (Get-DcPage $script:PageIds[5]).title | Should -Be 'Renamed on Cloud'
        (Invoke-EmulatorApi $script:Dc '/rest/api/content?spaceKey=ENG&title=Written%20on%20Cloud').results | Should -HaveCount 1

        $again = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        foreach ($kind in 'Create', 'Update', 'Trash', 'Restore') { $again.Count($kind) | Should -Be 0 }
    }

    It 'refuses a run that trashes more than maxDeletePercent, and -Force proceeds' {
        $victims = $script:PageIds | Select-Object -Last 3   # leaves of the seeded tree are among the last created
        foreach ($id in $victims) { $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$id" -Method Delete }

        $refused = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SyncRefusedDeleteGuard*'
        foreach ($id in $victims) { (Get-CloudPage $script:Map[$id]).status | Should -Be 'current' }

        $forced = Invoke-SpaceSync -ScopePath $script:Scope -Force -Confirm:$false
        $forced.Count('Trash') | Should -Be 3
        foreach ($id in $victims) {
            (Get-CloudPage $script:Map[$id]).status | Should -Be 'trashed'
        }
    }

    # Same Describe on purpose: Pester clears TestDrive, and with it the state file, at the end of each Describe.
    It 'reports each space from the state file, and pipes into the other cmdlets' {
        $status = Get-SyncedSpace -ScopePath $script:Scope
        $status.PSTypeNames[0] | Should -Be 'SpaceSync.Core.Reporting.SyncedSpaceStatus'
        $status.SpaceKey | Should -Be 'ENG'
        $status.CloudKey | Should -Be 'ENG2'
        $status.BaselineAt | Should -Not -BeNullOrEmpty
        "$($status.LastRunOutcome)" | Should -Be 'Succeeded'
        $status.PairedPages | Should -Be 14      # 16 + the page created on Cloud, less the 3 trashed
        $status.OpenConflicts | Should -Be 0
        $status | Get-SyncDrift -ErrorAction Stop | Should -BeNullOrEmpty
    }

    It 'lists what runs did, page by page, and what one run did through the pipeline' {
        $history = Get-SyncHistory -ScopePath $script:Scope
        $history[0].PSTypeNames[0] | Should -Be 'SpaceSync.Core.State.HistoryEntry'
        $history.Title | Should -Contain 'Renamed on Cloud'
        $history.Title | Should -Contain 'Written on Cloud'

        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($script:PageIds[2])" -Method Put -Body @{
            id = $script:PageIds[2]; type = 'page'; title = 'Renamed again on Data Center'; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = (Get-DcPage $script:PageIds[2]).body.storage.value; representation = 'storage' } }
            version = @{ number = (Get-DcPage $script:PageIds[2]).version.number + 1 } }
        $ran = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false | Get-SyncHistory -ScopePath $script:Scope
        @($ran).Count | Should -Be 1
        $ran.Title | Should -Be 'Renamed again on Data Center'
        $ran.CloudVersionAfter | Should -BeGreaterThan $ran.CloudVersionBefore
    }

    It 'reads without creating a state file' {
        $fresh = New-TestScopeFile -Folder (Join-Path $TestDrive 'nostate') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url
        $status = Get-SyncedSpace -ScopePath $fresh
        $status.BaselineAt | Should -BeNullOrEmpty
        Get-SyncHistory -ScopePath $fresh | Should -BeNullOrEmpty
        Test-Path (Join-Path $TestDrive 'nostate/spacesync.db') | Should -BeFalse
    }
}
