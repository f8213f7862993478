# Bodies crossing between the dialects through the built module (issue 4 item 5): mentions, space keys and Cloud-only
# markup are translated, what cannot cross is a warning (not an error), and the run after a sync writes nothing.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    # Seeding gives both sites the same people (same e-mail addresses), as CCMA's user migration leaves them.
    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 6 -Seed 11
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'translate') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces

    $script:DcSpace = Invoke-EmulatorApi $script:Dc '/rest/api/space/ENG?expand=homepage'
    $script:CloudSpace = (Invoke-EmulatorApi $script:Cloud '/api/v2/spaces?keys=ENG2').results[0]

    function script:New-DcPage([string] $Title, [string] $Body) {
        Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
            type = 'page'; title = $Title; space = @{ key = 'ENG' }; ancestors = @(@{ id = $script:DcSpace.homepage.id })
            body = @{ storage = @{ value = $Body; representation = 'storage' } } }
    }
    function script:New-CloudPage([string] $Title, [string] $Body) {
        Invoke-EmulatorApi $script:Cloud '/api/v2/pages' -Method Post -Body @{
            spaceId = $script:CloudSpace.id; status = 'current'; title = $Title; parentId = $script:CloudSpace.homepageId
            body = @{ representation = 'storage'; value = $Body } }
    }
    function script:Get-CloudBody([string] $Title) {
        $page = (Invoke-EmulatorApi $script:Cloud "/api/v2/pages?space-id=$($script:CloudSpace.id)&title=$([uri]::EscapeDataString($Title))").results[0]
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($page.id)?body-format=storage").body.storage.value
    }
    function script:Get-DcBody([string] $Title) {
        (Invoke-EmulatorApi $script:Dc "/rest/api/content?spaceKey=ENG&title=$([uri]::EscapeDataString($Title))&expand=body.storage").results[0].body.storage.value
    }
    function script:Get-Writes { (Get-ConfluenceEmulatorWriteCount $script:Dc) + (Get-ConfluenceEmulatorWriteCount $script:Cloud) }

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A body crossing between Data Center and Cloud' {
    It 'mentions the same person on Cloud by account id and links into the space by its Cloud key; the next run writes nothing' {
        $alice = Invoke-EmulatorApi $script:Dc '/rest/api/user?username=alice'
        $null = New-DcPage 'Who to ask' ("<p>Ask <ac:link><ri:user ri:userkey=`"$($alice.userKey)`" /></ac:link>, and read " +
            "<ac:link><ri:page ri:space-key=`"ENG`" ri:content-title=`"Who to ask`" /></ac:link>.</p>")

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        $result.Errors | Should -BeNullOrEmpty
        $result.Count('Create') | Should -Be 1
        $body = Get-CloudBody 'Who to ask'
        $body | Should -Not -Match $alice.userKey
        $body | Should -Match 'ri:space-key="ENG2"'
        $body -match 'ri:account-id="([^"]+)"' | Should -BeTrue
        (Invoke-EmulatorApi $script:Cloud "/rest/api/user?accountId=$($Matches[1])").displayName | Should -Be $alice.displayName

        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud
        $again = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Full
        $again.Errors | Should -BeNullOrEmpty
        Get-Writes | Should -Be 0
    }

    It 'gives Data Center the fallback of a Cloud-only panel, with a warning and no error; the next run writes nothing' {
        $null = New-CloudPage 'Cloud panel' ('<p>Before.</p><ac:adf-extension><ac:adf-node type="panel"><ac:adf-attribute key="panel-type">note</ac:adf-attribute>' +
            '<ac:adf-content><p>Mind the gap.</p></ac:adf-content></ac:adf-node><ac:adf-fallback><div class="panel"><p>Mind the gap.</p></div>' +
            '</ac:adf-fallback></ac:adf-extension>')

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -PassThru -WarningVariable warned -ErrorAction Stop
        $run = $result | Where-Object { $_.PSObject.TypeNames -contains 'SpaceSync.Core.Sync.SyncRunResult' }
        $run.Errors | Should -BeNullOrEmpty
        $run.Count('Create') | Should -Be 1
        ($warned -join "`n") | Should -Match 'AdfExtensionReplaced'
        ($result | Where-Object { $_.PSObject.TypeNames -contains 'SpaceSync.Core.Sync.SyncActionOutcome' }).Message | Should -Match 'AdfExtensionReplaced'
        $body = Get-DcBody 'Cloud panel'
        $body | Should -Match '<div class="panel"><p>Mind the gap.</p></div>'
        $body | Should -Not -Match 'adf-extension'

        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud
        $again = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Full
        $again.Errors | Should -BeNullOrEmpty
        Get-Writes | Should -Be 0
    }
}
