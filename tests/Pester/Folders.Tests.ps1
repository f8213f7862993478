# Cloud folders (issue 12 item 3) through the built module, against both emulators run as separate processes: a seeded
# Data Center space copied to Cloud as CCMA would, whose Cloud copy is then organised into folders before the baseline.
# A folder is no page and Data Center has none: pages in a folder sync below the nearest page above it, Get-SyncDrift
# shows each folder as a CloudFolder item, and no folder id ever reaches Data Center. See docs/confluence-behaviours.md §3.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 14 -Seed 5
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc   # restricted pages are Restrictions.Tests.ps1's subject
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'folders') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $script:CloudSpace = (Invoke-EmulatorApi $script:Cloud '/api/v2/spaces?keys=ENG2').results[0]

    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id`?body-format=storage" }
    function script:Get-DcPages {
        (Invoke-EmulatorApi $script:Dc '/rest/api/content?spaceKey=ENG&type=page&limit=200&expand=ancestors,version').results
    }
    function script:New-CloudFolder([string] $Title, [string] $ParentId) {
        Invoke-EmulatorApi $script:Cloud '/api/v2/folders' -Method Post -Body @{ spaceId = $script:CloudSpace.id; title = $Title; parentId = $ParentId }
    }
    function script:Move-CloudPage([string] $Id, [string] $ParentId) {
        # A Cloud user files a page: v2 PUT with the folder as parentId (a new version, same title and body).
        $page = Get-CloudPage $Id
        $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id" -Method Put -Body @{
            id = $Id; status = 'current'; title = $page.title; parentId = $ParentId; version = @{ number = $page.version.number + 1 }
            body = @{ representation = 'storage'; value = $page.body.storage.value } }
    }

    # A Data Center section with two child pages; on Cloud its twin gets a folder holding one child and a nested folder
    # holding the other, as a Cloud team tidying up after the migration would.
    $dcPages = Get-DcPages
    function script:Get-Children($Pages, [string] $Id) { @($Pages | Where-Object { $_.ancestors.Count -gt 0 -and @($_.ancestors)[-1].id -eq $Id }) }
    $script:Section = @($dcPages | Where-Object { $_.ancestors.Count -ge 1 -and (Get-Children $dcPages $_.id).Count -ge 2 })[0]
    $children = @(Get-Children $dcPages $script:Section.id | Sort-Object { [long]$_.id })
    $script:First = $children[0]
    $script:Second = $children[1]
    $script:Team = New-CloudFolder 'Team folder' $script:Map[$script:Section.id]
    $script:Drafts = New-CloudFolder 'Drafts' $script:Team.id
    Move-CloudPage $script:Map[$script:First.id] $script:Team.id
    Move-CloudPage $script:Map[$script:Second.id] $script:Drafts.id

    $script:Baseline = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -WarningVariable baselineWarnings
    $script:BaselineWarnings = $baselineWarnings
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A migrated space whose Cloud pages sit in folders' {
    It 'pairs every page at the baseline: a page in a folder is not a page with a missing parent' {
        $script:Baseline.Unpaired | Should -Be 0
        $script:Baseline.PairsRecorded | Should -Be @(Get-DcPages).Count
        ($script:BaselineWarnings -join "`n") | Should -Not -Match 'parent'
    }

    It 'shows each folder in the drift as a CloudFolder item, with where its pages sync on Data Center' {
        $drift = @(Get-SyncDrift -ScopePath $script:Scope)
        $folders = @($drift | Where-Object Status -eq 'CloudFolder' | Sort-Object Title)
        $folders.Title | Should -Be @('Drafts', 'Team folder')
        $folders.CloudId | Should -Be @($script:Drafts.id, $script:Team.id)
        $folders | ForEach-Object { $_.Action | Should -Be "none: a Cloud folder, not a page; its pages sync below `"$($script:Section.title)`" on Data Center" }
        $folders | ForEach-Object { $_.DataCenterId | Should -BeNullOrEmpty }
        # The filed pages are in sync: nothing else drifts.
        @($drift | Where-Object Status -ne 'CloudFolder') | Should -BeNullOrEmpty
        $table = $drift | Out-String -Width 300
        $table | Should -Match 'CloudFolder\s+Team folder'
        ($drift | Format-List | Out-String -Width 300) | Should -Match "page $($script:Drafts.id) v1"  # ids: the list view
    }

    It 'syncs without writing anything and without moving the filed pages on either site' {
        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud
        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error -WarningVariable warned
        $result.Errors | Should -BeNullOrEmpty
        ($warned -join "`n") | Should -Not -Match 'parent'
        Get-ConfluenceEmulatorWriteCount $script:Dc | Should -Be 0
        Get-ConfluenceEmulatorWriteCount $script:Cloud | Should -Be 0
        (Get-CloudPage $script:Map[$script:First.id]).parentId | Should -Be $script:Team.id
        (Get-CloudPage $script:Map[$script:Second.id]).parentType | Should -Be 'folder'
        @(Get-DcPages | Where-Object id -eq $script:Second.id)[0].ancestors[-1].id | Should -Be $script:Section.id
    }

    It 'creates a page made in a Cloud folder below the page above the folder on Data Center' {
        $made = Invoke-EmulatorApi $script:Cloud '/api/v2/pages' -Method Post -Body @{
            spaceId = $script:CloudSpace.id; status = 'current'; title = 'Filed draft'; parentId = $script:Drafts.id
            body = @{ representation = 'storage'; value = '<p>Written in the drafts folder.</p>' } }
        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error
        $result.Errors | Should -BeNullOrEmpty
        $copy = @(Get-DcPages | Where-Object title -eq 'Filed draft')
        $copy.Count | Should -Be 1
        $copy[0].ancestors[-1].id | Should -Be $script:Section.id
        (Get-CloudPage $made.id).parentId | Should -Be $script:Drafts.id   # Cloud keeps its folder
    }

    It 'follows a Data Center move: the Cloud twin leaves its folder for the new parent''s twin, and no folder id reaches Data Center' {
        $target = @(Get-DcPages | Where-Object { $_.ancestors.Count -ge 1 -and $_.id -ne $script:Section.id -and $_.id -ne $script:First.id -and
                (@($_.ancestors).id -notcontains $script:First.id) })[0]
        $dcPage = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($script:First.id)?expand=version,body.storage"
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($script:First.id)" -Method Put -Body @{
            type = 'page'; title = $dcPage.title; ancestors = @(@{ id = $target.id }); version = @{ number = $dcPage.version.number + 1 }
            body = @{ storage = @{ value = $dcPage.body.storage.value; representation = 'storage' } } }

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error
        $result.Errors | Should -BeNullOrEmpty
        $outcome = @($result.Outcomes | Where-Object { $_.Action.TargetId -eq $script:Map[$script:First.id] })
        $outcome.Count | Should -Be 1
        $outcome[0].Message | Should -Match "out of Cloud folder $($script:Team.id)"
        $cloud = Get-CloudPage $script:Map[$script:First.id]
        $cloud.parentId | Should -Be $script:Map[$target.id]
        $cloud.parentType | Should -Be 'page'

        $dcIds = @(Get-DcPages).id
        foreach ($page in Get-DcPages) {
            if ($page.ancestors.Count -gt 0) { $dcIds | Should -Contain $page.ancestors[-1].id }
        }
        # The folders are still shown (from the state, on a change query), and nothing is left to do.
        $drift = @(Get-SyncDrift -ScopePath $script:Scope)
        @($drift | Where-Object Status -eq 'CloudFolder').Count | Should -Be 2
        @($drift | Where-Object Status -ne 'CloudFolder') | Should -BeNullOrEmpty
    }
}
