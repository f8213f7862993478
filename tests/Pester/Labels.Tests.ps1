# Labels through the built module, against both emulators run as processes: the default scope syncs labels
# (content.labels), so labels cross both ways, a second run writes none, and exclude.labels decides on a -Full run.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 11
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n" +
              "    exclude: { labels: [no-sync] }`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'labels') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $script:HomeId = [string](Invoke-EmulatorApi $script:Dc '/rest/api/space/ENG?expand=homepage').homepage.id
    $script:Pages = @($script:Map.Keys | Where-Object { $_ -ne $script:HomeId } | Sort-Object { [long]$_ })

    function script:Get-DcLabels([string] $Id) {
        @((Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id/label?prefix=global&limit=200").results | ForEach-Object name | Sort-Object)
    }
    function script:Get-CloudLabels([string] $Id) {
        @((Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id/labels?prefix=global&limit=250").results | ForEach-Object name | Sort-Object)
    }
    function script:Add-Label($Emulator, [string] $Id, [string[]] $Names) {
        $body = @($Names | ForEach-Object { @{ prefix = 'global'; name = $_ } })
        $null = Invoke-EmulatorApi $Emulator "/rest/api/content/$Id/label" -Method Post -Body $body
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Labels' {
    It 'starts in step: the migration carried the labels, so the first -Full run writes none' {
        $labelled = @($script:Pages | Where-Object { (Get-DcLabels $_).Count -gt 0 })
        $labelled | Should -Not -BeNullOrEmpty

        $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
        $result = Invoke-SpaceSync -ScopePath $script:Scope -Full -Confirm:$false
        $result.Errors | Should -BeNullOrEmpty
        $result.Count('Labels') | Should -Be 0
        foreach ($id in $script:Pages) { "$(Get-CloudLabels $script:Map[$id])" | Should -Be "$(Get-DcLabels $id)" }
    }

    It 'carries a label added on Cloud and one removed on Data Center, then writes nothing more' {
        $onCloud = $script:Pages[0]
        $onDc = @($script:Pages | Where-Object { (Get-DcLabels $_).Count -gt 0 -and $_ -ne $onCloud })[0]
        $removed = @(Get-DcLabels $onDc)[0]   # @(): one label comes back as a string, not an array
        Add-Label $script:Cloud $script:Map[$onCloud] 'reviewed', 'faq'
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$onDc/label?name=$removed" -Method Delete

        $drift = Get-SyncDrift -ScopePath $script:Scope -Full | Where-Object DataCenterId -eq $onCloud
        "$($drift.Status)" | Should -Be 'CloudAhead'
        $drift.Action | Should -Be 'labels on Data Center'

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Full -Confirm:$false
        $result.Errors | Should -BeNullOrEmpty
        Get-DcLabels $onCloud | Should -Contain 'reviewed'
        Get-DcLabels $onCloud | Should -Contain 'faq'
        Get-CloudLabels $script:Map[$onDc] | Should -Not -Contain $removed

        $again = Invoke-SpaceSync -ScopePath $script:Scope -Full -Confirm:$false
        $again.Count('Labels') | Should -Be 0
        $again.Errors | Should -BeNullOrEmpty
    }

    It 'leaves out a page labelled no-sync, without the warning that labels are unread' {
        $target = $script:Pages[-1]
        Add-Label $script:Dc $target 'no-sync', 'private'
        $item = Get-SyncDrift -ScopePath $script:Scope -Full -WarningVariable warned -WarningAction SilentlyContinue |
            Where-Object DataCenterId -eq $target
        "$($item.Status)" | Should -Be 'Excluded'
        $item.Action | Should -BeLike "*excluded label 'no-sync'*"
        "$warned" | Should -Not -Match 'cannot decide'

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Full -Confirm:$false
        $result.Errors | Should -BeNullOrEmpty
        Get-CloudLabels $script:Map[$target] | Should -Not -Contain 'private'
    }
}
