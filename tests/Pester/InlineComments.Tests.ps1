# Inline comments (issue 12 item 7) through the built module, against both emulators run as separate processes: the seeded
# Data Center space has inline comments (markers in its bodies), copied to Cloud as CCMA copies bodies; more inline
# comments are made through each product's own REST API. None may cross, as a footer comment or at all, and a body that
# crosses must leave the other site's inline comments anchored. See docs/confluence-behaviours.md section 7.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 7
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc   # restricted pages are Restrictions.Tests.ps1's subject
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    content: { comments: true }`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'inline') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces

    $script:CloudSpace = (Invoke-EmulatorApi $script:Cloud '/api/v2/spaces?keys=ENG2').results[0]
    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id`?body-format=storage" }
    function script:Get-DcPage([string] $Id) { Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id`?expand=version,body.storage" }
    function script:Get-Twins([int] $Skip = 0) { Get-EmulatorTwinPage -DataCenter $script:Dc -Cloud $script:Cloud -Skip $Skip }
    # Every comment of a space as CQL type = comment returns it, with where it sits.
    function script:Get-SpaceComments($Emulator, [string] $Key) {
        $cql = [uri]::EscapeDataString("type = comment and space = $Key")
        @((Invoke-EmulatorApi $Emulator "/rest/api/content/search?cql=$cql&expand=body.storage,container,extensions.inlineProperties,extensions.resolution&limit=50").results)
    }
    function script:Add-DcInlineComment([string] $PageId, [string] $Text, [string] $Body) {
        Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
            type = 'comment'; container = @{ id = $PageId; type = 'page' }
            body = @{ storage = @{ value = $Body; representation = 'storage' } }
            extensions = @{ location = 'inline'; inlineProperties = @{ originalSelection = $Text; numMatches = 1; matchIndex = 0
                    lastFetchTime = '1767225600000'; serializedHighlights = "[[`"$Text`",`"p`",0]]" } } }
    }
    function script:Add-CloudInlineComment([string] $PageId, [string] $Text, [string] $Body) {
        Invoke-EmulatorApi $script:Cloud '/api/v2/inline-comments' -Method Post -Body @{
            pageId = $PageId; body = @{ representation = 'storage'; value = $Body }
            inlineCommentProperties = @{ textSelection = $Text; textSelectionMatchIndex = 0 } }
    }
    function script:Edit-Page($Emulator, [string] $Id, [string] $Append) {
        if ($Emulator.Flavor -eq 'cloud') {
            $page = Get-CloudPage $Id
            $null = Invoke-EmulatorApi $Emulator "/api/v2/pages/$Id" -Method Put -Body @{ id = $Id; status = 'current'; title = $page.title
                body = @{ representation = 'storage'; value = $page.body.storage.value + $Append }; version = @{ number = $page.version.number + 1 } }
        } else {
            $page = Get-DcPage $Id
            $null = Invoke-EmulatorApi $Emulator "/rest/api/content/$Id" -Method Put -Body @{ type = 'page'; title = $page.title
                body = @{ storage = @{ value = $page.body.storage.value + $Append; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }
        }
    }

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $script:First = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false # the first run lists in full and leaves the marks
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Inline comments' {
    It 'are listed by CQL with the footer comments, counted by the run, and never copied to the other site' {
        $seeded = @(Get-SpaceComments $script:Dc ENG | Where-Object { $_.extensions.location -eq 'inline' })
        $seeded.Count | Should -BeGreaterThan 0
        $script:First.Errors | Should -BeNullOrEmpty
        $script:First.Counts['InlineComments'] | Should -Be $seeded.Count
        # The seeded footer comments crossed; none of the inline ones did.
        $script:First.Counts['CommentsCreated'] | Should -BeGreaterThan 0
        @(Get-SpaceComments $script:Cloud ENG2 | Where-Object { $_.extensions.location -eq 'inline' }) | Should -BeNullOrEmpty

        $pair = Get-Twins 0
        $dcThread = Add-DcInlineComment $pair.Dc.id 'This page describes' '<p>Data Center: still true?</p>'
        $null = Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{ type = 'comment'; container = @{ id = $pair.Dc.id; type = 'page' }
            ancestors = @(@{ id = $dcThread.id }); body = @{ storage = @{ value = '<p>Data Center: yes.</p>'; representation = 'storage' } } }
        $cloudThread = Add-CloudInlineComment $pair.Cloud.id 'This page describes' '<p>Cloud: still true?</p>'
        $null = Invoke-EmulatorApi $script:Cloud '/api/v2/inline-comments' -Method Post -Body @{ parentCommentId = $cloudThread.id
            body = @{ representation = 'storage'; value = '<p>Cloud: yes.</p>' } }

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error
        $result.Errors | Should -BeNullOrEmpty
        $result.Counts['InlineComments'] | Should -BeGreaterOrEqual 4
        $result.Counts['CommentsCreated'] | Should -Be 0
        foreach ($side in @(@($script:Dc, 'ENG', 'Cloud:'), @($script:Cloud, 'ENG2', 'Data Center:'))) {
            $strays = @(Get-SpaceComments $side[0] $side[1] | Where-Object { $_.body.storage.value -match [regex]::Escape($side[2]) })
            $strays | Should -BeNullOrEmpty -Because "no inline comment of the other site may arrive on $($side[1]), footer or inline"
        }
        (Invoke-EmulatorApi $script:Cloud "/api/v2/inline-comments/$($cloudThread.id)").resolutionStatus | Should -Be 'open'
        (Invoke-EmulatorApi $script:Dc "/rest/api/content/$($dcThread.id)?expand=extensions.resolution").extensions.resolution.status | Should -Be 'open'
        # Adding them made no change to either page.
        Get-SyncDrift -ScopePath $script:Scope | Where-Object DataCenterId -eq $pair.Dc.id | Should -BeNullOrEmpty
    }

    It 'keep their anchors when the other site''s edit crosses over their page, both ways' {
        $toCloud = Get-Twins 1
        $toDc = Get-Twins 2
        $cloudThread = Add-CloudInlineComment $toCloud.Cloud.id 'This page describes' '<p>Anchored on Cloud</p>'
        $dcThread = Add-DcInlineComment $toDc.Dc.id 'This page describes' '<p>Anchored on Data Center</p>'
        Edit-Page $script:Dc $toCloud.Dc.id '<p>Edited on Data Center.</p>'
        Edit-Page $script:Cloud $toDc.Cloud.id '<p>Edited on Cloud.</p>'

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -FailOn Error
        $result.Errors | Should -BeNullOrEmpty
        $result.Counts['Update'] | Should -Be 2

        $cloudBody = (Get-CloudPage $toCloud.Cloud.id).body.storage.value
        $cloudBody | Should -Match 'Edited on Data Center\.'
        $cloudMarker = (Invoke-EmulatorApi $script:Cloud "/api/v2/inline-comments/$($cloudThread.id)").properties.inlineMarkerRef
        $cloudBody | Should -Match ([regex]::Escape("ac:ref=`"$cloudMarker`""))
        (Invoke-EmulatorApi $script:Cloud "/api/v2/inline-comments/$($cloudThread.id)").resolutionStatus | Should -Be 'open'

        $dcBody = (Get-DcPage $toDc.Dc.id).body.storage.value
        $dcBody | Should -Match 'Edited on Cloud\.'
        $dcComment = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($dcThread.id)?expand=extensions.inlineProperties,extensions.resolution"
        $dcBody | Should -Match ([regex]::Escape("ac:ref=`"$($dcComment.extensions.inlineProperties.markerRef)`""))
        $dcComment.extensions.resolution.status | Should -Be 'open'
        # And the Data Center anchor did not travel to Cloud.
        (Get-CloudPage $toDc.Cloud.id).body.storage.value | Should -Not -Match ([regex]::Escape($dcComment.extensions.inlineProperties.markerRef))

        # The anchors are no change: nothing is left to do.
        $again = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Full -FailOn Error
        $again.Counts['Update'] | Should -Be 0
    }
}
