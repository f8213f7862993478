# Warnings that mean something (issue 15 item 2), through the built module against both emulators: a run with many
# restricted pages (restrictedPages: skip) writes one warning for them per space, not one per page; -Verbose lists
# each page, and Get-SyncDrift still carries each page's reason.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 15
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    restrictedPages: skip`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'warnings') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false

    # Several paired pages (not the home page) view-restricted on Data Center, as in the demo.
    $me = Invoke-EmulatorApi $script:Dc '/rest/api/user/current'
    $homeId = (Invoke-EmulatorApi $script:Dc '/rest/api/space/ENG?expand=homepage').homepage.id
    $script:Restricted = @((Invoke-EmulatorApi $script:Dc '/rest/api/content?spaceKey=ENG&type=page&limit=100').results |
        Where-Object id -ne $homeId | Select-Object -First 6)
    foreach ($page in $script:Restricted) {
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($page.id)/restriction" -Method Put -Body (, @(
            @{ operation = 'read'; restrictions = @{ user = @(@{ type = 'known'; userKey = $me.userKey }); group = @() } }))
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Restricted pages in the warning stream' {
    It 'a run writes one warning for them all, with the count and where to see them; -Verbose names each page' {
        $records = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Full -Verbose -WarningVariable warned 4>&1 3>$null
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

        @($warned) | Should -HaveCount 1
        "$($warned[0])" -match '^Space ENG: (\d+) restricted pages left alone \(restrictedPages: skip\); Get-SyncDrift' | Should -BeTrue
        [int] $Matches[1] | Should -BeGreaterOrEqual $script:Restricted.Count
        foreach ($page in $script:Restricted) {
            @($verbose | Where-Object { $_ -like "*`"$($page.title)`"*left untouched on both sites*restrictedPages is skip*" }) | Should -HaveCount 1
        }
        $script:RunCount = [int] $Matches[1]
    }

    It 'Get-SyncDrift says the same count once, and still carries each page with its reason' {
        $drift = Get-SyncDrift -ScopePath $script:Scope -Full -WarningVariable warned
        @($warned) | Should -HaveCount 1
        "$($warned[0])" -match 'Space ENG: (\d+) restricted pages' | Should -BeTrue
        [int] $Matches[1] | Should -Be $script:RunCount
        $restricted = @($drift | Where-Object Status -eq Restricted)
        $restricted | Should -HaveCount $script:RunCount
        $restricted | ForEach-Object { $_.Warnings -join ' ' | Should -Match 'left untouched on both sites' }
    }

    It 'Get-SyncedSpace writes at most one restricted-pages warning per space' {
        $null = Get-SyncedSpace -ScopePath $script:Scope -WarningVariable warned
        @($warned | Where-Object { "$_" -match 'restricted' }).Count | Should -BeLessOrEqual 1
    }
}
