# Scope filters through the built module, against both emulators: exclude.titles keeps a page and its subtree out of
# the baseline and the sync, and a paired page moved below an excluded page is reported, its Cloud twin left alone.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 10 -Seed 7
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n" +
              "    exclude: { titles: [`"Archive*`"] }`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'filters') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces

    $script:HomeId = [string](Invoke-EmulatorApi $script:Dc '/rest/api/space/ENG?expand=homepage').homepage.id
    # Made on Data Center after the migration: only there, and excluded by title.
    $script:ArchiveId = [string](Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
            type = 'page'; title = 'Archive 2020'; space = @{ key = 'ENG' }; ancestors = @(@{ id = $script:HomeId })
            body = @{ storage = @{ value = '<p>Old things.</p>'; representation = 'storage' } } }).id
    $script:MovedId = @($script:Map.Keys | Where-Object { $_ -ne $script:HomeId } | Sort-Object { [long]$_ })[-1]

    function script:Get-DcPage([string] $Id) { Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version,ancestors" }
    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:Cloud "/api/v2/pages/${Id}?body-format=storage" }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Scope filters' {
    It 'leaves an excluded page out of the baseline' {
        $preview = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -WhatIf
        ($preview | Where-Object Status -eq 'Excluded').DataCenterId | Should -Be $script:ArchiveId

        $result = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
        $result.PairsRecorded | Should -Be $script:Map.Count
        $result.Unpaired | Should -Be 0
    }

    It 'reports the excluded page as drift and never creates it on Cloud' {
        $excluded = Get-SyncDrift -ScopePath $script:Scope | Where-Object Status -eq 'Excluded'
        $excluded.Title | Should -Be 'Archive 2020'
        $excluded.Action | Should -BeLike 'none: out of scope*Archive`**'

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Full -Confirm:$false
        $result.Count('Create') | Should -Be 0
        $result.Errors | Should -BeNullOrEmpty
        (Invoke-EmulatorApi $script:Cloud '/api/v2/pages?title=Archive%202020').results | Should -BeNullOrEmpty
    }

    It 'reports a paired page moved below the excluded page and leaves its Cloud twin where it was' {
        $cloudId = $script:Map[$script:MovedId]
        $before = Get-CloudPage $cloudId
        $page = Get-DcPage $script:MovedId
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($script:MovedId)" -Method Put -Body @{
            id = $script:MovedId; type = 'page'; title = $page.title; space = @{ key = 'ENG' }; ancestors = @(@{ id = $script:ArchiveId })
            body = @{ storage = @{ value = '<p>Archived.</p>'; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Full -Confirm:$false
        foreach ($kind in 'Create', 'Update', 'Trash', 'Restore') { $result.Count($kind) | Should -Be 0 }

        $after = Get-CloudPage $cloudId
        $after.status | Should -Be 'current'
        $after.parentId | Should -Be $before.parentId
        $after.version.number | Should -Be $before.version.number
        $after.body.storage.value | Should -Be $before.body.storage.value

        $item = Get-SyncDrift -ScopePath $script:Scope | Where-Object DataCenterId -eq $script:MovedId
        "$($item.Status)" | Should -Be 'Excluded'
        $item.Warnings | Should -Match 'left the sync scope'
    }
    It 'lets exclude.labels decide: a page labelled no-sync is excluded, with no warning that labels are unread' {
        $text = Get-Content -Raw -Path $script:Scope
        $withLabels = $text.Replace('exclude: { titles: ["Archive*"] }', 'exclude: { titles: ["Archive*"], labels: [no-sync] }')
        $withLabels | Should -Not -Be $text
        Set-Content -Path $script:Scope -Value $withLabels -NoNewline
        $labelled = @($script:Map.Keys | Where-Object { $_ -ne $script:HomeId -and $_ -ne $script:MovedId } | Sort-Object { [long]$_ })[0]
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$labelled/label" -Method Post -Body @(@{ prefix = 'global'; name = 'no-sync' }, @{ prefix = 'global'; name = 'x' })
        try {
            $item = Get-SyncDrift -ScopePath $script:Scope -Full -WarningVariable warned -WarningAction SilentlyContinue | Where-Object DataCenterId -eq $labelled
            "$($item.Status)" | Should -Be 'Excluded'
            "$warned" | Should -Not -Match 'cannot decide'
        }
        finally {
            Set-Content -Path $script:Scope -Value $text -NoNewline
        }
    }
}
