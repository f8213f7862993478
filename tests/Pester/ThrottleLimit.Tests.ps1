# Invoke-SpaceSync -ThrottleLimit (issue 16): several spaces at once in one process, on one client per site, each space
# on its own state connection and lock, against both emulators as processes and over real HTTP, on a SQLite state and
# on a PostgreSQL one. Concurrency is proven from the state's run history (runs overlapping in time), never by timing;
# the shared request-rate cap is checked by counting the emulator's requests against a generous bound.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/TestPostgres.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tests/SpaceSync.Benchmarks/Scale/SyncWorkers.psm1') -Force

    $script:Postgres = Use-TestPostgres
    $script:Admin = $script:Postgres.ConnectionString

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $env:SPACESYNC_TEST_THROTTLE_DB = $script:Admin
    $script:Schema = 'throttle_' + [guid]::NewGuid().ToString('n').Substring(0, 10)
    $script:Maps = @{}

    function script:New-Spaces([string] $Prefix, [int] $Count) {
        # Small spaces: a home page and three children on Data Center, copied to Cloud as CCMA would (SyncWorkers.psm1).
        $keys = 1..$Count | ForEach-Object { '{0}{1:00}' -f $Prefix, $_ }
        $maps = New-SmallSpaces -DataCenter $script:Dc -Cloud $script:Cloud -Keys $keys
        foreach ($key in $keys) { $script:Maps[$key] = $maps[$key] }
        $keys
    }

    function script:New-Scope([string] $Name, [string[]] $Keys, [string] $State, [string] $CloudCap = '') {
        $spaces = ($Keys | ForEach-Object { "  - key: $_`n    owner: $($_.ToLowerInvariant())@example.com`n    phase: dual-write`n" }) -join ''
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive $Name) -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces "$spaces$State"
        if ($CloudCap) {
            # The scope's per-site request-rate cap, on Cloud: one cap for every space the command runs.
            (Get-Content -Raw $path) -replace "(?m)^(  cloud:\r?\n    url: .*)$", "`$1`n    maxRequestsPerSecond: $CloudCap" | Set-Content -NoNewline $path
        }
        $path
    }

    function script:Add-Paragraph([string] $Key, [string] $Site, [string] $Text) {
        # One edit on one site: the space's Beta page gets a paragraph (a new version, as a person's edit makes).
        $dcId = @($script:Maps[$Key].Keys | Sort-Object { [long]$_ })[2]
        if ($Site -eq 'datacenter') {
            $page = Invoke-EmulatorApi $script:Dc "/rest/api/content/${dcId}?expand=body.storage,version"
            $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$dcId" -Method Put -Body @{
                id = $dcId; type = 'page'; title = $page.title; space = @{ key = $Key }
                body = @{ storage = @{ value = $page.body.storage.value + "<p>$Text</p>"; representation = 'storage' } }
                version = @{ number = $page.version.number + 1 } }
        }
        else {
            $id = $script:Maps[$Key][$dcId]
            $page = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/${id}?body-format=storage"
            $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$id" -Method Put -Body @{
                id = $id; status = 'current'; title = $page.title
                body = @{ representation = 'storage'; value = $page.body.storage.value + "<p>$Text</p>" }
                version = @{ number = $page.version.number + 1 } }
        }
    }

    function script:Edit-All([string[]] $Keys, [string] $Text) {
        for ($i = 0; $i -lt $Keys.Count; $i++) {
            Add-Paragraph $Keys[$i] $(if ($i % 2) { 'cloud' } else { 'datacenter' }) "$Text ($($Keys[$i]))"
        }
    }

    function script:Get-Runs([string] $Scope, [string[]] $Keys) {
        # The state's run records (start, end), read through the store's own class as the module loaded it.
        $assemblies = [AppDomain]::CurrentDomain.GetAssemblies()
        $store = if ((Get-Content -Raw $Scope) -match 'provider: postgresql') {
            $type = $assemblies | Where-Object { $_.GetName().Name -eq 'SpaceSync.State.PostgreSql' } |
                ForEach-Object { $_.GetType('SpaceSync.State.PostgreSql.PostgresStateStore') } | Select-Object -First 1
            $type::Open($script:Admin, $script:Schema)
        }
        else {
            $type = $assemblies | Where-Object { $_.GetName().Name -eq 'SpaceSync.Core' } |
                ForEach-Object { $_.GetType('SpaceSync.Core.State.StateStore') } | Select-Object -First 1
            $type::Open((Join-Path (Split-Path $Scope) 'state/spacesync.db'))
        }
        try { foreach ($key in $Keys) { $store.ListRuns($key, $null) } } finally { $store.Dispose() }
    }

    function script:Test-Overlap($Runs) {
        # True when two runs of different spaces were in flight at the same time.
        $sorted = @($Runs | Sort-Object StartedAt)
        for ($i = 1; $i -lt $sorted.Count; $i++) {
            for ($j = 0; $j -lt $i; $j++) {
                if ($sorted[$j].SpaceKey -ne $sorted[$i].SpaceKey -and $sorted[$j].FinishedAt -gt $sorted[$i].StartedAt) { return $true }
            }
        }
        $false
    }

    # A command in a runspace of a fresh interactive pwsh: its progress records (a console hands none to a redirection,
    # and the suite's own pwsh is -NonInteractive, where the module draws nothing). As Progress.Tests.ps1 does.
    function script:Get-ProgressOf([string] $Command) {
        $script = @"
`$ps = [powershell]::Create()
`$null = `$ps.AddScript('Import-Module ''$(Get-TestModuleManifest)''; $($Command -replace "'", "''")')
`$null = `$ps.Invoke()
@(`$ps.Streams.Progress | ForEach-Object {
    [pscustomobject]@{ Id = `$_.ActivityId; Parent = `$_.ParentActivityId; Activity = `$_.Activity; Status = `$_.StatusDescription; Type = "`$(`$_.RecordType)" } })
"@
        Invoke-FreshPwsh -Script $script -Interactive
    }

    function script:Get-Requests { (Get-ConfluenceEmulatorStats $script:Dc).total + (Get-ConfluenceEmulatorStats $script:Cloud).total }

    $script:SqliteKeys = @(New-Spaces 'S' 8)
    $script:PostgresKeys = @(New-Spaces 'P' 8)
    $script:CapKeys = @(New-Spaces 'C' 4)
    $script:SqliteScope = New-Scope 'sqlite' $script:SqliteKeys "state:`n  path: state/spacesync.db`n"
    $script:PostgresScope = New-Scope 'postgres' $script:PostgresKeys "state: { provider: postgresql, connection: env:SPACESYNC_TEST_THROTTLE_DB, schema: $script:Schema }`n"
    $script:CapScope = New-Scope 'cap' $script:CapKeys "state:`n  path: state/spacesync.db`n" -CloudCap 4
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Stop-OwnTestPostgres $script:Postgres
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN, Env:SPACESYNC_TEST_THROTTLE_DB -ErrorAction SilentlyContinue
}

Describe 'Invoke-SpaceSync -ThrottleLimit 4 on a <Name> state' -ForEach @(
    @{ Name = 'SQLite'; ScopeOf = 'SqliteScope'; KeysOf = 'SqliteKeys' }
    @{ Name = 'PostgreSQL'; ScopeOf = 'PostgresScope'; KeysOf = 'PostgresKeys' }
) {
    BeforeAll {
        $scope = Get-Variable -Scope Script -Name $ScopeOf -ValueOnly
        $keys = Get-Variable -Scope Script -Name $KeysOf -ValueOnly
    }

    It 'baselines several spaces at once (Start-SpaceBaseline -ThrottleLimit), each once' {
        $baselined = @(Start-SpaceBaseline -ScopePath $scope -ThrottleLimit 4 -ErrorAction Stop)
        $baselined.Count | Should -Be $keys.Count
        ($baselined.SpaceKey | Sort-Object) -join ',' | Should -Be (($keys | Sort-Object) -join ',')
        $baselined | ForEach-Object { $_.PairsRecorded | Should -Be 4 }
        Test-Overlap @(Get-Runs $scope $keys) | Should -BeTrue -Because 'four lanes baseline at once'
    }

    It 'syncs every space once, runs them at once, counts each run''s own requests, and converges' {
        Edit-All $keys 'Edited for four lanes'
        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud
        $started = [DateTimeOffset]::UtcNow
        $results = @(Invoke-SpaceSync -ScopePath $scope -ThrottleLimit 4 -Confirm:$false -ErrorAction Stop)
        $made = Get-Requests

        $results.Count | Should -Be $keys.Count
        ($results.SpaceKey | Sort-Object) -join ',' | Should -Be (($keys | Sort-Object) -join ',') -Because 'every space runs exactly once'
        $results | ForEach-Object { $_.Errors | Should -BeNullOrEmpty; $_.Count('Update') | Should -Be 1; $_.RunId | Should -Not -BeNullOrEmpty }
        # Each result's Requests are its own run's: together they are what the emulators were sent, no more.
        ($results | Measure-Object Requests -Sum).Sum | Should -Be $made
        $results | ForEach-Object { $_.Requests | Should -BeLessThan ($made / 2) -Because "$($_.SpaceKey) counts only its own requests" }

        $runs = @(Get-Runs $scope $keys | Where-Object { $_.StartedAt -ge $started })
        $runs.Count | Should -Be $keys.Count
        $runs | ForEach-Object { "$($_.Outcome)" | Should -Be 'Succeeded' }
        # The history records each run's own figure too.
        foreach ($result in $results) { ($runs | Where-Object Id -eq $result.RunId).Requests | Should -Be $result.Requests }
        Test-Overlap $runs | Should -BeTrue -Because 'runs of different spaces were in flight together'
        Get-SyncDrift -ScopePath $scope | Where-Object Status -ne 'InSync' | Should -BeNullOrEmpty
    }

    It 'with -ThrottleLimit 1 runs the spaces one after another, in scope order, as before' {
        Edit-All $keys 'Edited for one lane'
        $started = [DateTimeOffset]::UtcNow
        $results = @(Invoke-SpaceSync -ScopePath $scope -ThrottleLimit 1 -Confirm:$false -ErrorAction Stop)
        $results.SpaceKey -join ',' | Should -Be ($keys -join ',')
        $results | ForEach-Object { $_.Count('Update') | Should -Be 1 }
        Test-Overlap @(Get-Runs $scope $keys | Where-Object { $_.StartedAt -ge $started }) | Should -BeFalse
    }

    It 'shows the spaces running together under the command, and closes every bar' {
        Edit-All $keys 'Edited while progress is watched'
        $progress = @(Get-ProgressOf "Invoke-SpaceSync -ScopePath '$scope' -ThrottleLimit 4 -Confirm:`$false")
        $command = @($progress | Where-Object Id -eq 1)
        $command | Where-Object { $_.Status -match '^\d+ of 8 space\(s\) done; running \S+, \S+' } | Should -Not -BeNullOrEmpty -Because "several spaces ran at once (the command said: $(($command.Status | Select-Object -Unique) -join ' | '))"
        $command[-1].Type | Should -Be 'Completed'
        $spaces = @($progress | Where-Object Parent -eq 1 | Group-Object Id)
        $spaces.Count | Should -Be 8 -Because 'each space has a bar of its own'
        $spaces | ForEach-Object { $_.Group[-1].Type | Should -Be 'Completed' -Because "$($_.Group[0].Activity) must be closed" }
    }
}

Describe 'Four spaces at once on the capped scope' {
    It 'sends Cloud no more than its maxRequestsPerSecond allows over the whole command: one cap for all spaces' {
        $null = Start-SpaceBaseline -ScopePath $script:CapScope -ThrottleLimit 4 -ErrorAction Stop
        Edit-All $script:CapKeys 'Edited under the cap'
        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = @(Invoke-SpaceSync -ScopePath $script:CapScope -ThrottleLimit 4 -Confirm:$false -ErrorAction Stop)
        $seconds = $clock.Elapsed.TotalSeconds
        $cloud = (Get-ConfluenceEmulatorStats $script:Cloud).total

        $results | ForEach-Object { $_.Errors | Should -BeNullOrEmpty; $_.Count('Update') | Should -Be 1 }
        Write-Host ("ThrottleLimit: Cloud capped at 4/s got {0} requests in {1:n1} s from 4 spaces at once" -f $cloud, $seconds)
        # One cap for all lanes: starts at least 1/4 s apart, so never more than 4 a second plus the first (and one more
        # for a timer's rounding). Four caps (one per lane) would allow four times that; the bound is loose on purpose
        # (the wall clock includes start-up and the spaces' state work).
        $cloud | Should -BeLessOrEqual ([math]::Floor(4 * $seconds) + 2)
        $cloud | Should -BeGreaterThan 8 -Because 'the bound must mean something: the spaces together made many Cloud requests'
    }

    # In the same block as the cap's test: Pester removes what a block added to TestDrive (the state) when it ends.
    It 'under -ErrorAction Stop, ends the command only once every space in flight has stopped, and the next run goes through' {
        # GONE, on neither site, fails at once while the lanes behind it are running the real spaces.
        $db = Join-Path (Split-Path $script:CapScope) 'state/spacesync.db'
        $keys = @('GONE') + $script:CapKeys
        $stop = New-Scope 'stop' $keys "state:`n  path: $db`n"
        Edit-All $script:CapKeys 'Edited before a stopping error'
        $problem = $null
        try { $null = Invoke-SpaceSync -ScopePath $stop -ThrottleLimit 4 -Confirm:$false -ErrorAction Stop } catch { $problem = $_ }

        $problem.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.NoBaseline,*'
        # Nothing left behind the returned command: every connection closed (SQLite removes its log with the last one),
        # no run without an end, no lock held.
        Test-Path "$db-wal" | Should -BeFalse -Because 'the command returned while a lane still held the state open'
        Get-Runs $script:CapScope $script:CapKeys | Where-Object { -not $_.FinishedAt } | Should -BeNullOrEmpty

        $results = @(Invoke-SpaceSync -ScopePath $script:CapScope -ThrottleLimit 4 -Confirm:$false -ErrorAction Stop)
        $results.Count | Should -Be $script:CapKeys.Count
        $results | ForEach-Object { $_.Errors | Should -BeNullOrEmpty; $_.RunId | Should -Not -BeNullOrEmpty }
        Get-SyncDrift -ScopePath $script:CapScope | Where-Object Status -ne 'InSync' | Should -BeNullOrEmpty
    }
}
