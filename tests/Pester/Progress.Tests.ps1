# Issue 15 item 1 through the built module over HTTP: Write-Progress for baseline and sync (quiet under -NonInteractive),
# one -Verbose line per action with both page ids, one -Debug line per HTTP request without secrets.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 15 -Seed 7
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'progress') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $script:PageIds = @($script:Map.Keys | Sort-Object { [long]$_ })

    function script:Edit-DcPage([string] $Id, [string] $Title) {
        $page = Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version"
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $Title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $page.body.storage.value + '<p>Edited.</p>'; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }

    # Runs a command in a runspace of a fresh pwsh and returns its progress records and Verbose lines: a console does not
    # hand progress to a redirection, a runspace's Streams.Progress keeps every record. -Interactive: pwsh without
    # -NonInteractive (the suite itself runs under it, where the module stays quiet).
    function script:Invoke-Captured([string] $Command, [switch] $Interactive) {
        $script = @"
`$ps = [powershell]::Create()
`$null = `$ps.AddScript('Import-Module ''$(Get-TestModuleManifest)''; $($Command -replace "'", "''")')
`$null = `$ps.Invoke()
[pscustomobject]@{
    Progress = @(`$ps.Streams.Progress | ForEach-Object {
        [pscustomobject]@{ Id = `$_.ActivityId; Parent = `$_.ParentActivityId; Activity = `$_.Activity; Status = `$_.StatusDescription
            Percent = `$_.PercentComplete; Current = `$_.CurrentOperation; Type = "`$(`$_.RecordType)" } })
    Verbose = @(`$ps.Streams.Verbose | ForEach-Object { "`$(`$_.Message)" })
    Errors = @(`$ps.Streams.Error | ForEach-Object { "`$_" })
}
"@
        Invoke-FreshPwsh -Script $script -Interactive:$Interactive
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Progress, Verbose and Debug' {
    It 'closes the command''s progress when its space fails (no baseline yet)' {
        $captured = Invoke-Captured "Get-SyncDrift -ScopePath '$($script:Scope)'" -Interactive
        $captured.Errors | Should -Match 'no baseline'
        $last = @($captured.Progress)[-1]
        $last.Id | Should -Be 1
        $last.Activity | Should -Be 'Get-SyncDrift'
        $last.Type | Should -Be 'Completed'
    }

    It 'shows the baseline as progress: the command, the space under it, rising to 100, the page hashed, then completed' {
        $captured = Invoke-Captured "Start-SpaceBaseline -ScopePath '$($script:Scope)' -SpaceKey ENG" -Interactive
        $captured.Errors | Should -BeNullOrEmpty
        $progress = @($captured.Progress)
        $command = @($progress | Where-Object Id -eq 1)
        $space = @($progress | Where-Object Parent -eq 1)
        $command[0].Activity | Should -Be 'Start-SpaceBaseline'
        $command[-1].Type | Should -Be 'Completed'
        $space[0].Activity | Should -Be 'Baseline of space ENG'
        $hashing = @($space | Where-Object Status -like 'Reading and hashing*')
        $hashing[0].Percent | Should -Be 0
        $hashing[-1].Percent | Should -Be 100
        $hashing[-1].Status | Should -Be 'Reading and hashing the pairs'' bodies: 16 of 16'
        $titles = (Invoke-EmulatorApi $script:Dc '/rest/api/content?spaceKey=ENG&limit=100').results.title
        $titles | Should -Contain $hashing[-1].Current
        $space[-1].Type | Should -Be 'Completed'
    }

    It 'shows the sync as progress, action by action with the current page, and one Verbose line per action with both ids' {
        $dcId = $script:PageIds[4]
        Edit-DcPage $dcId 'Progress edit one'
        Edit-DcPage $script:PageIds[6] 'Progress edit two'
        $captured = Invoke-Captured "Invoke-SpaceSync -ScopePath '$($script:Scope)' -Confirm:`$false -Verbose" -Interactive
        $captured.Errors | Should -BeNullOrEmpty
        $space = @($captured.Progress | Where-Object Parent -eq 1)
        $space[0].Activity | Should -Be 'Sync of space ENG'
        $actions = @($space | Where-Object Status -like 'Running actions*')
        $actions[-1].Percent | Should -Be 100
        # The throttle lets through the first and the last record of the phase at least: the last names a page it wrote.
        $actions[-1].Current | Should -BeIn @('Progress edit one', 'Progress edit two')
        $space[-1].Type | Should -Be 'Completed'
        @($captured.Progress | Where-Object { $_.Id -eq 1 -and $_.Type -eq 'Completed' }).Count | Should -Be 1

        $lines = @($captured.Verbose | Where-Object { $_ -match '^ENG: (updated|created|trashed|restored|adopted|recorded|set|uploaded|deleted|restricted|skipped|FAILED) ' })
        $lines.Count | Should -Be 2
        $cloudId = $script:Map[$dcId]
        $lines | Should -Contain "ENG: updated Cloud $cloudId from Data Center $dcId ""Progress edit one"" (v1→v2)"
    }

    It 'shows Get-SyncedSpace reading each space''s drift as progress' {
        $progress = @((Invoke-Captured "Get-SyncedSpace -ScopePath '$($script:Scope)'" -Interactive).Progress)
        ($progress | Where-Object Parent -eq 1).Activity | Should -Contain 'Drift of space ENG'
        $progress[-1].Activity | Should -Be 'Get-SyncedSpace'
        $progress[-1].Type | Should -Be 'Completed'
    }

    It 'is quiet under pwsh -NonInteractive, where the same command in an interactive pwsh shows progress' {
        $command = "Get-SyncDrift -ScopePath '$($script:Scope)'"
        @((Invoke-Captured $command -Interactive).Progress).Count | Should -BeGreaterThan 0
        @((Invoke-Captured $command).Progress).Count | Should -Be 0
    }

    It 'writes one -Debug line per HTTP request, as many as the run sent, with no token' {
        Edit-DcPage $script:PageIds[8] 'Debug edit'
        # The preference, not -Debug: PowerShell turns -Debug on a compiled cmdlet into a prompt at each warning (WriteWarning
        # inquires), which fails in this non-interactive suite. The module reads both.
        $out = & { $DebugPreference = 'Continue'; Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false } 5>&1
        $result = @($out | Where-Object { $_.PSTypeNames -contains 'SpaceSync.Core.Sync.SyncRunResult' })[0]
        $debug = @($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
        $requests = @($debug | Where-Object { $_ -match '^HTTP \S+: (Cloud|DataCenter) (GET|POST|PUT|DELETE) /\S*: \d{3} in \d+ ms' })
        $requests.Count | Should -Be $result.Requests
        $requests | Where-Object { $_ -match '^HTTP \S+: Cloud PUT /wiki/api/v2/pages/\d+: 200 in \d+ ms$' } | Should -HaveCount 1
        foreach ($token in (Get-TestToken cloud), (Get-TestToken datacenter)) { ($debug -join "`n") | Should -Not -Match ([regex]::Escape($token)) }
        ($requests -join "`n") | Should -Not -Match '127\.0\.0\.1|localhost|=' -Because 'no host, no query value'
    }
}
