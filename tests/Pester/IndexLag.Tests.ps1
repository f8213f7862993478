# Search lags writes (docs/confluence-behaviours.md §5), through the built module: both emulators show a write in
# CQL and in Cloud's modified-date listing only twenty seconds after it. An edit made just before a run is not seen by
# that run, and the next run still carries it: the change query reaches the site's search lag (the scope's
# searchLagMinutes) back before the mark. A run that meets its own writes unindexed writes nothing back. The lag
# "elapses" through the control endpoint (lag 0 indexes what is queued), so nothing waits on the wall clock for it.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Lag = 20
    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 7 -IndexLagSeconds $script:Lag
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0 -IndexLagSeconds $script:Lag
    Clear-SeededRestrictions $script:Dc   # restricted pages are Restrictions.Tests.ps1's subject
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'lag') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    # Both sites' search may trail by up to a quarter of an hour, the scope says.
    $text = (Get-Content -Raw $script:Scope) -replace '(?m)^(    url: .*)$', "`$1`n    searchLagMinutes: 15"
    Set-Content -Path $script:Scope -Value $text -NoNewline
    $script:PageIds = @($script:Map.Keys | Sort-Object { [long]$_ })

    function script:Get-DcPage([string] $Id) { Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version" }
    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:Cloud "/api/v2/pages/${Id}?body-format=storage" }
    function script:Edit-DcBody([string] $Id, [string] $Text) {
        $page = Get-DcPage $Id
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $page.body.storage.value + $Text; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }
    }
    function script:Rename-CloudPage([string] $Id, [string] $Title) {
        $page = Get-CloudPage $Id
        $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id" -Method Put -Body @{
            id = $Id; status = 'current'; title = $Title; body = @{ representation = 'storage'; value = $page.body.storage.value }
            version = @{ number = $page.version.number + 1 } }
    }
    # Both indexes take in everything written so far, as they would $Lag seconds on; the lag stays on for what follows.
    function script:Complete-IndexLag {
        foreach ($emulator in $script:Dc, $script:Cloud) {
            (Set-ConfluenceEmulatorIndexLag $emulator -Seconds 0).queued | Should -Be 0
            $null = Set-ConfluenceEmulatorIndexLag $emulator -Seconds $script:Lag
        }
    }
    function script:Get-Writes { (Get-ConfluenceEmulatorWriteCount $script:Dc) + (Get-ConfluenceEmulatorWriteCount $script:Cloud) }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A search index that trails writes' {
    It 'runs both emulators with the lag on and reads the scope''s search lag' {
        (Set-ConfluenceEmulatorIndexLag $script:Dc).seconds | Should -Be $script:Lag
        (Set-ConfluenceEmulatorIndexLag $script:Cloud).seconds | Should -Be $script:Lag
        $scope = Get-SyncScope -ScopePath $script:Scope
        $scope.Cloud.SearchLag | Should -Be ([TimeSpan]::FromMinutes(15))
        $scope.DataCenter.SearchLag | Should -Be ([TimeSpan]::FromMinutes(15))
    }

    It 'pairs the copy once the migration is indexed, and the first sync writes nothing' {
        Complete-IndexLag   # the migration is long done when the baseline is taken
        $baseline = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
        $baseline.Unpaired | Should -Be 0
        $first = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        "$($first.Listing)" | Should -Be 'Structural'
        $first.Errors | Should -BeNullOrEmpty
        $first.Plan.Actions | Should -BeNullOrEmpty
    }

    It 'does not see writes made just before a run, and the next run carries them across' {
        $script:Edited = $script:PageIds[3]
        $script:Renamed = $script:PageIds[5]
        Edit-DcBody $script:Edited '<p>Edited on Data Center just before the run.</p>'
        Rename-CloudPage $script:Map[$script:Renamed] 'Renamed on Cloud just before the run'
        # A second on, the run's mark (the site's Date header, whole seconds) lies after both writes, which neither
        # search shows for another few seconds.
        Start-Sleep -Milliseconds 1100

        $blind = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        "$($blind.Listing)" | Should -Be 'Changes'
        $blind.Errors | Should -BeNullOrEmpty
        $blind.Count('Update') | Should -Be 0 -Because 'neither write is searchable yet'
        (Get-CloudPage $script:Map[$script:Edited]).body.storage.value | Should -Not -Match 'just before the run'

        Complete-IndexLag
        $next = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        "$($next.Listing)" | Should -Be 'Changes'
        $next.Errors | Should -BeNullOrEmpty
        $next.Count('Update') | Should -Be 2
        # Cloud stores the body with a local id on each block (docs/confluence-behaviours.md section 2).
        (Get-CloudPage $script:Map[$script:Edited]).body.storage.value | Remove-CloudLocalId |
            Should -Match ([regex]::Escape('<p>Edited on Data Center just before the run.</p>'))
        (Get-DcPage $script:Renamed).title | Should -Be 'Renamed on Cloud just before the run'
    }

    It 'writes nothing back when a run meets its own writes before the search shows them' {
        # Renamed on Cloud, carried to Data Center, and at once another run: Data Center's search still holds the page
        # at the version its user wrote (with the old title), older than the one the sync wrote.
        Rename-CloudPage $script:Map[$script:Edited] 'Renamed on Cloud after the crossing'
        Complete-IndexLag
        $rename = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        $rename.Count('Update') | Should -Be 1
        (Get-DcPage $script:Edited).title | Should -Be 'Renamed on Cloud after the crossing'
        (Set-ConfluenceEmulatorIndexLag $script:Dc).queued | Should -BeGreaterThan 0 -Because 'the write is not indexed yet'

        $before = Get-Writes
        $again = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        $again.Errors | Should -BeNullOrEmpty
        $again.Conflicts | Should -BeNullOrEmpty
        (Get-Writes) - $before | Should -Be 0
        (Get-CloudPage $script:Map[$script:Edited]).title | Should -Be 'Renamed on Cloud after the crossing'
        Get-SyncDrift -ScopePath $script:Scope | Should -BeNullOrEmpty
    }
}
