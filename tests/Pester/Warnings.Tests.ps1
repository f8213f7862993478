# Warnings that mean something (issue 15 item 2), through the built module against both emulators: a run with many
# restricted pages (restrictedPages: skip) writes one warning for them per space, not one per page, with the same count
# whether the run listed every page or only asked what changed; -Verbose lists each page, and Get-SyncDrift still
# carries each page's reason. Archived pages get a line of their own; a kind with no summary shows page by page.

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

    It 'a change run after it says the same count (its plan judges only what changed), each page under -Verbose' {
        $records = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Verbose -WarningVariable warned 4>&1 3>$null
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($warned) | Should -HaveCount 1
        "$($warned[0])" -match '^Space ENG: (\d+) restricted pages left alone' | Should -BeTrue
        [int] $Matches[1] | Should -Be $script:RunCount
        foreach ($page in $script:Restricted) {
            @($verbose | Where-Object { $_ -like "*`"$($page.title)`"*left untouched on both sites*" }) | Should -HaveCount 1
        }

        $null = Get-SyncDrift -ScopePath $script:Scope -WarningVariable drifted
        @($drifted) | Should -HaveCount 1
        "$($drifted[0])" -match '^Space ENG: (\d+) restricted pages' | Should -BeTrue
        [int] $Matches[1] | Should -Be $script:RunCount
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

    It 'Get-SyncedSpace writes one restricted-pages warning per space, with the same count' {
        $status = Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -WarningVariable warned
        $restricted = @($warned | Where-Object { "$_" -match 'restricted' })
        $restricted | Should -HaveCount 1
        "$($restricted[0])" -match '^Space ENG: (\d+) restricted pages' | Should -BeTrue
        [int] $Matches[1] | Should -Be $script:RunCount
        # The same count as a property, offline too (from the state, whatever listing the last run made).
        $status.RestrictedPages | Should -Be $script:RunCount
        (Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Offline).RestrictedPages | Should -Be $script:RunCount
    }
}

Describe 'Other kinds of page warnings' {
    It 'an archived page gets a line of its own; a kind with no summary (a user not mapped) shows once per page' {
        # Nearly every seeded page is restricted by now: a new page, synced, then archived on Cloud.
        $homeId = (Invoke-EmulatorApi $script:Dc '/rest/api/space/ENG?expand=homepage').homepage.id
        function New-DcPage([string] $Title, [string] $Body) {
            Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
                type = 'page'; title = $Title; space = @{ key = 'ENG' }; ancestors = @(@{ id = $homeId })
                body = @{ storage = @{ value = $Body; representation = 'storage' } } }
        }
        $archived = New-DcPage 'Old minutes' '<p>Kept for the record.</p>'
        $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -WarningAction SilentlyContinue
        $cloudSpace = (Invoke-EmulatorApi $script:Cloud '/api/v2/spaces?keys=ENG2').results[0]
        $twin = (Invoke-EmulatorApi $script:Cloud "/api/v2/pages?space-id=$($cloudSpace.id)&title=Old%20minutes").results[0]
        $twin | Should -Not -BeNullOrEmpty
        $null = Set-ConfluenceEmulatorPageArchived $script:Cloud $twin.id

        # A Data Center user with no Cloud account: each page mentioning him crosses with a warning of its own.
        $authority = ([uri]$script:Dc.Url).GetLeftPart([UriPartial]::Authority)
        $gus = Invoke-RestMethod -Method Post -Uri "$authority/__emulator/users" -ContentType 'application/json' -Body (
            @{ displayName = 'Gus Grey'; email = 'gus@example.com'; username = 'gus'; personalAccessToken = 'gus-pat' } | ConvertTo-Json)
        $titles = 'Ask Gus first', 'Ask Gus again'
        foreach ($title in $titles) {
            $null = New-DcPage $title "<p>Ask <ac:link><ri:user ri:userkey=`"$($gus.userKey)`" /></ac:link>.</p>"
        }

        $records = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Verbose -WarningVariable warned 4>&1 3>$null
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $lines = @($warned | ForEach-Object { "$_" })

        @($lines | Where-Object { $_ -match '^Space ENG: (\d+) restricted pages left alone' }) | Should -HaveCount 1
        @($lines | Where-Object { $_ -like 'Space ENG: 1 archived page left alone*Where-Object Status -eq Archived*' }) | Should -HaveCount 1
        @($lines | Where-Object { $_ -like '*is archived on Cloud*' }) | Should -BeNullOrEmpty
        @($verbose | Where-Object { $_ -like "*`"$($archived.title)`" is archived on Cloud*" }) | Should -HaveCount 1
        foreach ($title in $titles) {
            @($lines | Where-Object { $_ -like "*`"$title`" to Cloud:*UserNotMapped*" }) | Should -HaveCount 1
        }
    }
}
