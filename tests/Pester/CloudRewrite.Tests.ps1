# Cloud rewrites what it stores (issue 12 item 2, docs/confluence-behaviours.md section 2), through the built module over
# HTTP against both emulators run as processes: Cloud converts every page body it is given to its editor's format (local
# ids, table and macro attributes, task ids, attribute order, empty elements) and refuses one its editor cannot hold.
# A rewritten read-back is no change on either site, later edits of a rewritten page merge without a false conflict, and
# a refused page fails alone, says why and what, and stays pending.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    # As a tool writes it to Data Center: a macro without its schema version, a table without Cloud's attributes, an empty
    # paragraph, a line break, a task without a uuid.
    $script:Runbook = '<h2>Runbook</h2><p>Restart the agent with care.</p><p></p>' +
        '<table><tbody><tr><th><p>Host</p></th><th><p>Port</p></th></tr><tr><td><p>alpha</p></td><td><p>8080</p></td></tr></tbody></table>' +
        '<ac:structured-macro ac:name="info"><ac:rich-text-body><p>Call the on-call engineer first.</p></ac:rich-text-body></ac:structured-macro>' +
        '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Check the logs</ac:task-body></ac:task></ac:task-list>' +
        '<ul><li><p>Step one<br/>continued</p></li></ul>'
    $script:Nested = '<p>Matrix below.</p><table><tbody><tr><td><p>outer</p></td><td>' +
        '<table><tbody><tr><td><p>inner cell</p></td></tr></tbody></table></td></tr></tbody></table>'

    function script:Get-DcPage([string] $Id) { Invoke-EmulatorApi $script:P.Dc "/rest/api/content/${Id}?expand=body.storage,version" }
    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:P.Cloud "/api/v2/pages/${Id}?body-format=storage" }
    function script:Set-DcBody([string] $Id, [string] $Body) {
        $page = Get-DcPage $Id
        $null = Invoke-EmulatorApi $script:P.Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $Body; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }
    }
    function script:Set-CloudBody([string] $Id, [string] $Body) {
        $page = Get-CloudPage $Id
        $null = Invoke-EmulatorApi $script:P.Cloud "/api/v2/pages/$Id" -Method Put -Body @{
            id = $Id; status = 'current'; title = $page.title; body = @{ representation = 'storage'; value = $Body }
            version = @{ number = $page.version.number + 1 } }
    }
    function script:Assert-NothingWritten([switch] $Full) {
        # A run that plans no write and sends none to either site.
        Reset-ConfluenceEmulatorStats $script:P.Dc, $script:P.Cloud
        $run = Invoke-SpaceSync -ScopePath $script:P.Scope -Full:$Full -Confirm:$false
        $run.Errors | Should -BeNullOrEmpty
        @($run.Plan.Actions | Where-Object WritesSite) | Should -BeNullOrEmpty
        (Get-ConfluenceEmulatorWriteCount $script:P.Dc) + (Get-ConfluenceEmulatorWriteCount $script:P.Cloud) | Should -Be 0
        Get-SyncDrift -ScopePath $script:P.Scope | Should -BeNullOrEmpty
    }
}

AfterAll {
    if ($script:P) { $script:P.Dc, $script:P.Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator }
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Cloud stores rewritten bodies and refuses what its editor cannot hold' {
    BeforeAll {
        $dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 43
        $cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0   # the real behaviour: rewrite on, nested tables refused
        $script:P = [pscustomobject]@{ Dc = $dc; Cloud = $cloud; Scope = $null; Map = $null }
        Clear-SeededRestrictions $dc   # restricted pages are Restrictions.Tests.ps1's subject
        # The migration writes every page through Cloud's API, so Cloud stores each one rewritten.
        $script:P.Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $dc -Cloud $cloud -SpaceKey ENG -CloudKey ENG2
        $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    conflicts: merge`n" +
            "state:`n  path: state/spacesync.db`n"
        $script:P.Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'rewrite') -CloudUrl $cloud.Url -DataCenterUrl $dc.Url -Spaces $spaces
        $script:Pages = @($script:P.Map.Keys | Sort-Object { [long]$_ })   # the homepage first
        $script:Page = $script:Pages[3]
    }

    It 'pairs the migrated copy, which Cloud stored rewritten, as in sync' {
        $rewritten = @($script:P.Map.Values | Where-Object { (Get-CloudPage $_).body.storage.value -match 'local-id="[0-9a-f]{12}"' })
        $rewritten.Count | Should -Be $script:P.Map.Count -Because 'Cloud gives every block of every page it stores a local id'
        $baseline = Start-SpaceBaseline -ScopePath $script:P.Scope -SpaceKey ENG
        $baseline.PairsRecorded | Should -Be 13
        $baseline.Conflicts | Should -Be 0
        Get-SyncDrift -ScopePath $script:P.Scope | Should -BeNullOrEmpty
    }

    It 'carries a Data Center edit that Cloud stores rewritten, and the next runs write nothing on either site' {
        Set-DcBody $script:Page $script:Runbook
        $result = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
        $result.Count('Update') | Should -Be 1
        $result.Errors | Should -BeNullOrEmpty
        $stored = (Get-CloudPage $script:P.Map[$script:Page]).body.storage.value
        foreach ($added in '<h2 local-id="', 'data-table-width="760" data-layout="default"', 'ac:schema-version="1"', 'ac:macro-id="', '<ac:task-uuid>', '<br />', '<p local-id="') {
            $stored | Should -BeLike "*$added*"
        }

        Assert-NothingWritten
        Assert-NothingWritten -Full
    }

    It 'merges a later edit on each side of the rewritten page without a false conflict' {
        # Data Center edits inside blocks Cloud rewrote (the table, the macro); Cloud edits its own rewritten form.
        Set-DcBody $script:Page ($script:Runbook.Replace('<p>8080</p>', '<p>9090</p>').Replace('engineer first.', 'engineer first, then the owner.'))
        $cloudId = $script:P.Map[$script:Page]
        $onCloud = (Get-CloudPage $cloudId).body.storage.value
        Set-CloudBody $cloudId ($onCloud.Replace('>Runbook</h2>', '>Runbook (reviewed)</h2>').Replace('Check the logs', 'Check the logs and the metrics'))

        $result = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
        $result.Conflicts | Should -BeNullOrEmpty
        $result.Count('Merged') | Should -Be 1
        Get-SyncConflict -ScopePath $script:P.Scope | Should -BeNullOrEmpty
        $dcBody = (Get-DcPage $script:Page).body.storage.value
        $cloudBody = (Get-CloudPage $cloudId).body.storage.value
        foreach ($edit in '9090', 'then the owner.', 'Runbook (reviewed)', 'and the metrics') {
            $dcBody | Should -BeLike "*$edit*"
            $cloudBody | Should -BeLike "*$edit*"
        }
        $dcBody | Should -Not -BeLike '*local-id*'

        Assert-NothingWritten
    }

    It 'fails a page Cloud cannot convert alone, with the page, the reason and the construct, and keeps it pending' {
        $refused = $script:Pages[5]
        $fine = $script:Pages[6]
        $title = (Get-DcPage $refused).title
        $cloudVersion = (Get-CloudPage $script:P.Map[$refused]).version.number
        Set-DcBody $refused $script:Nested
        Set-DcBody $fine '<p>Crosses fine.</p>'

        $result = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        $result.Count('Update') | Should -Be 1 -Because 'the rest of the run carries on'
        (Get-CloudPage $script:P.Map[$fine]).body.storage.value | Should -BeLike '*Crosses fine.*'
        $error1 = @($result.Errors)
        $error1.Count | Should -Be 1
        foreach ($text in @($error1[0], ($warned -join "`n"))) {
            $text | Should -BeLike "*`"$title`" on Cloud*"
            $text | Should -BeLike '*Content body cannot be converted to new editor format*'
            $text | Should -BeLike '*a <table> inside a cell of another table (table 2 of the body, inside table 1, beginning "inner cell")*'
        }
        $error1[0] | Should -BeLike "*Data Center page $refused is left as it is and is tried again by the next run*"
        (Get-CloudPage $script:P.Map[$refused]).version.number | Should -Be $cloudVersion -Because 'nothing was written to it'

        # Pending, not lost: the drift still shows it and the next run tries it again.
        (Get-SyncDrift -ScopePath $script:P.Scope | Where-Object DataCenterId -eq $refused).Status | Should -Be 'DataCenterAhead'
        $again = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false -WarningAction SilentlyContinue
        @($again.Errors).Count | Should -Be 1

        # Changed on Data Center, it crosses; then nothing is left.
        Set-DcBody $refused '<p>Matrix below.</p><table><tbody><tr><td><p>outer</p></td><td><p>inner cell</p></td></tr></tbody></table>'
        $fixed = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
        $fixed.Errors | Should -BeNullOrEmpty
        $fixed.Count('Update') | Should -Be 1
        Assert-NothingWritten
    }
}
