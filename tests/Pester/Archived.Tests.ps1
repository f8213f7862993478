# Archived Cloud pages and a sync account that is not space admin (issue 12 items 6 and 8) through the built module,
# against both emulators run as separate processes, both started with --not-space-admin (purging from the trash
# refused, as on a site where the sync account only edits). See docs/confluence-behaviours.md sections 6 and 8.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 5 -ExtraArguments '--not-space-admin'
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0 -ExtraArguments '--not-space-admin'
    Clear-SeededRestrictions $script:Dc   # restricted pages are Restrictions.Tests.ps1's subject
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    content: { labels: true }`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'archived') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces

    $script:CloudSpace = (Invoke-EmulatorApi $script:Cloud '/api/v2/spaces?keys=ENG2').results[0]
    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id`?body-format=storage" }
    function script:Get-DcPage([string] $Id) { Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id`?expand=version,body.storage" }
    function script:Get-Twins([int] $Skip = 0) { Get-EmulatorTwinPage -DataCenter $script:Dc -Cloud $script:Cloud -Skip $Skip }

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false # the first run lists in full and leaves the marks
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A page archived on Cloud' {
    It 'is reported Archived, never written, its Data Center edit waiting without failing the run, and crosses once restored' {
        $pair = Get-Twins 0
        $null = Set-ConfluenceEmulatorPageArchived $script:Cloud $pair.Cloud.id
        $dcPage = Get-DcPage $pair.Dc.id
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($pair.Dc.id)" -Method Put -Body @{
            type = 'page'; title = $dcPage.title; version = @{ number = $dcPage.version.number + 1 }
            body = @{ storage = @{ value = '<p>Edited while the Cloud copy is archived.</p>'; representation = 'storage' } } }
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($pair.Dc.id)/label" -Method Post -Body (, @(@{ prefix = 'global'; name = 'waiting' }))

        $drift = Get-SyncDrift -ScopePath $script:Scope | Where-Object DataCenterId -eq $pair.Dc.id
        $drift.Status | Should -Be 'Archived'
        $drift.Action | Should -Be 'none: archived'
        $drift.Warnings[0] | Should -Match "archived on Cloud \(page $($pair.Cloud.id)\).*Data Center changes \(Body.*\) wait"
        ($drift | Out-String -Width 300) | Should -Match 'Archived'  # the format view shows the status

        # -FailOn Error does not trip: the archived page is not a failure.
        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error -WarningVariable warned
        $result.Errors | Should -BeNullOrEmpty
        ($warned -join "`n") | Should -Match 'Space ENG: 1 archived page left alone'  # one line per kind (issue 15 item 2)
        $cloud = Get-CloudPage $pair.Cloud.id
        $cloud.status | Should -Be 'archived'
        $cloud.version.number | Should -Be 1
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($pair.Cloud.id)/labels").results | Should -BeNullOrEmpty

        $null = Set-ConfluenceEmulatorPageArchived $script:Cloud $pair.Cloud.id -Restore
        $after = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error # a change query: the pair was left unsettled
        $after.Errors | Should -BeNullOrEmpty
        $cloud = Get-CloudPage $pair.Cloud.id
        $cloud.status | Should -Be 'current'
        $cloud.body.storage.value | Remove-CloudLocalId | Should -Be '<p>Edited while the Cloud copy is archived.</p>'
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($pair.Cloud.id)/labels").results.name | Should -Contain 'waiting'
        Get-SyncDrift -ScopePath $script:Scope | Where-Object DataCenterId -eq $pair.Dc.id | Should -BeNullOrEmpty
    }

    It 'is not trashed when its Data Center twin is trashed' {
        $pair = Get-Twins 1
        $null = Set-ConfluenceEmulatorPageArchived $script:Cloud $pair.Cloud.id
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($pair.Dc.id)" -Method Delete

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error -WarningAction SilentlyContinue
        $result.Errors | Should -BeNullOrEmpty
        (Get-CloudPage $pair.Cloud.id).status | Should -Be 'archived'
        (Get-SyncDrift -ScopePath $script:Scope -WarningAction SilentlyContinue | Where-Object DataCenterId -eq $pair.Dc.id).Status | Should -Be 'Archived'
    }
}

Describe 'A sync account that is not space admin' {
    It 'cannot purge (404 on both products, the page stays in the trash) and still syncs trashes without an error' {
        $pair = Get-Twins 1
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($pair.Dc.id)" -Method Delete
        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error -WarningAction SilentlyContinue
        $result.Errors | Should -BeNullOrEmpty
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($pair.Cloud.id)?status=trashed").status | Should -Be 'trashed'

        # The knob as each product answers it: Cloud v2 and Data Center both 404, and nothing is purged.
        foreach ($purge in @(@($script:Cloud, "/api/v2/pages/$($pair.Cloud.id)?purge=true", 'ENG2'), @($script:Dc, "/rest/api/content/$($pair.Dc.id)?status=trashed", 'ENG'))) {
            $refusal = $null
            try { Invoke-EmulatorApi $purge[0] $purge[1] -Method Delete } catch { $refusal = $_ }
            $refusal | Should -Not -BeNullOrEmpty
            $refusal.Exception.Response.StatusCode.value__ | Should -Be 404
            $refusal.ErrorDetails.Message | Should -Match "administer space $($purge[2])\b"
        }
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($pair.Cloud.id)?status=trashed").status | Should -Be 'trashed'
        (Set-ConfluenceEmulatorSpaceAdmin $script:Cloud).spaceAdmin | Should -BeFalse
    }
}
