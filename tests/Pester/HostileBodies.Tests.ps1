# Page bodies that are not storage format (issue 13 item 5) through the built module, against both emulators run as
# separate processes. Both products refuse such a body through REST (400 "Error parsing xhtml"), so the test plants it as
# an old page or an import holds it (PUT /__emulator/pages/{id}/body). See docs/confluence-behaviours.md section 11.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 7
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'hostile') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces

    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id`?body-format=storage" }
    function script:Get-DcPage([string] $Id) { Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id`?expand=version,body.storage" }
    function script:Set-PlantedBody($Emulator, [string] $PageId, [string] $Body) {
        $origin = ([uri] $Emulator.Url).GetLeftPart([UriPartial]::Authority)
        Invoke-RestMethod -Method Put -Uri "$origin/__emulator/pages/$PageId/body" -ContentType 'application/json' -Body (@{ body = $Body } | ConvertTo-Json)
    }
    function script:Set-DcBody([string] $PageId, [string] $Body) {
        $page = Get-DcPage $PageId
        Invoke-EmulatorApi $script:Dc "/rest/api/content/$PageId" -Method Put -Body @{
            type = 'page'; title = $page.title; version = @{ number = $page.version.number + 1 }
            body = @{ storage = @{ value = $Body; representation = 'storage' } } }
    }

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A body that is not storage format' {
    It 'is refused by the emulators through REST, as by both products' {
        $pair = Get-EmulatorTwinPage -DataCenter $script:Dc -Cloud $script:Cloud -Skip 2
        $refusal = $null
        try { Set-DcBody $pair.Dc.id '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>' } catch { $refusal = $_ }
        $refusal.Exception.Response.StatusCode.value__ | Should -Be 400
        $refusal.ErrorDetails.Message | Should -Match 'Error parsing xhtml'
    }

    It 'on Data Center is never written to Cloud: the page fails alone, named, the other edit crosses, and the fix crosses next run' {
        $bad = Get-EmulatorTwinPage -DataCenter $script:Dc -Cloud $script:Cloud -Skip 0
        $good = Get-EmulatorTwinPage -DataCenter $script:Dc -Cloud $script:Cloud -Skip 1
        $cloudBefore = Get-CloudPage $bad.Cloud.id
        $null = Set-PlantedBody $script:Dc $bad.Dc.id '<!DOCTYPE p [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><p>&lol2;</p>'
        $null = Set-DcBody $good.Dc.id '<p>A good edit crosses.</p>'

        $drift = Get-SyncDrift -ScopePath $script:Scope -WarningAction SilentlyContinue | Where-Object DataCenterId -eq $bad.Dc.id
        $drift.Status | Should -Be 'Unreadable'
        $drift.Action | Should -Be 'none: the body does not parse'
        $drift.Warnings[0] | Should -Match "page $($bad.Dc.id) in space ENG on Data Center\) has a body that is not storage format: .*line 1, column 1: .*DOCTYPE"

        Reset-ConfluenceEmulatorStats $script:Cloud
        $failure = $null
        try {
            $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
        }
        catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -Match 'RunErrors'
        ($warned -join "`n") | Should -Match ([regex]::Escape("`"$($bad.Dc.title)`" (page $($bad.Dc.id) in space ENG on Data Center)"))
        Get-ConfluenceEmulatorWriteCount $script:Cloud | Should -Be 1   # the good page's PUT only
        $cloudAfter = Get-CloudPage $bad.Cloud.id
        $cloudAfter.version.number | Should -Be $cloudBefore.version.number
        $cloudAfter.body.storage.value | Should -Be $cloudBefore.body.storage.value
        (Get-CloudPage $good.Cloud.id).body.storage.value | Remove-CloudLocalId | Should -Be '<p>A good edit crosses.</p>'
        (Get-SyncHistory -ScopePath $script:Scope -SpaceKey ENG | Where-Object Action -eq 'unreadable').DataCenterPageId | Should -Contain $bad.Dc.id

        $null = Set-DcBody $bad.Dc.id '<p>Fixed on Data Center.</p>'
        $after = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error
        $after.Errors | Should -BeNullOrEmpty
        (Get-CloudPage $bad.Cloud.id).body.storage.value | Remove-CloudLocalId | Should -Be '<p>Fixed on Data Center.</p>'
    }
}
