# Workers sharing one PostgreSQL state (issue 16): three pwsh processes, each running the built module's
# Invoke-SpaceSync -SkipLocked over the same 30 spaces, round after round, with edits on both sites between rounds.
# Then one worker is SIGKILLed while it holds a space's lock (the emulator holds its create's answer), and the others
# take that space over. Everything over real HTTP to both emulators and a real PostgreSQL server.
#
# Rounds are kept in step by files: the test writes go-<round> after its edits; each worker runs once per go file and
# writes done-<round>-<worker>.json with what Invoke-SpaceSync returned.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/TestPostgres.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tests/SpaceSync.Benchmarks/Scale/SyncWorkers.psm1') -Force

    $script:Postgres = Use-TestPostgres
    $script:Admin = $script:Postgres.ConnectionString

    $script:Started = [Diagnostics.Stopwatch]::StartNew()
    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $env:SPACESYNC_TEST_WORKERS_DB = $script:Admin
    $script:Schema = 'workers_' + [guid]::NewGuid().ToString('n').Substring(0, 10)

    # 30 small spaces: a home page and three children on Data Center, copied to Cloud as CCMA would.
    $script:Keys = 1..30 | ForEach-Object { 'W{0:00}' -f $_ }
    $script:Maps = New-SmallSpaces -DataCenter $script:Dc -Cloud $script:Cloud -Keys $script:Keys

    $script:Folder = Join-Path $TestDrive 'workers'
    $script:Scope = New-WorkersScopeFile -Folder $script:Folder -DataCenter $script:Dc -Cloud $script:Cloud -Keys $script:Keys `
        -ConnectionVariable SPACESYNC_TEST_WORKERS_DB -Schema $script:Schema
    $script:Sync = Join-Path $script:Folder 'sync'
    New-Item -ItemType Directory -Force -Path $script:Sync | Out-Null

    $script:Baselined = foreach ($key in $script:Keys) { Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey $key -ErrorAction Stop }
    $script:SetupSeconds = $script:Started.Elapsed.TotalSeconds

    function script:Add-Paragraph([string] $Key, [string] $Site, [string] $Text) {
        # One edit on one site: the space's Beta page gets a paragraph (a new version, as a person's edit makes).
        Add-PageParagraph -DataCenter $script:Dc -Cloud $script:Cloud -Maps $script:Maps -Key $Key -Site $Site -Text $Text
    }

    function script:Wait-Round([int] $Round, [string[]] $Workers, [int] $TimeoutSeconds = 300) {
        # Every named worker's done file for the round, decoded; a worker that exits early fails the test with its log.
        Wait-SyncRound -Folder $script:Sync -Round $Round -Workers $script:Workers -Names $Workers -TimeoutSeconds $TimeoutSeconds
    }

    function script:Get-Warnings([int[]] $Rounds, [string[]] $Workers) {
        # What Invoke-SpaceSync warned in those rounds, all workers together (each worker writes them before its done file).
        Get-SyncWorkerWarnings -Folder $script:Sync -Rounds $Rounds -Names $Workers
    }

    function script:Open-State { Open-PostgresSyncState -ConnectionString $script:Admin -Schema $script:Schema }

    function script:Get-Runs {
        $store = Open-State
        try { foreach ($key in $script:Keys) { $store.ListRuns($key, $null) } } finally { $store.Dispose() }
    }

    function script:Get-SitePages([string] $Key) {
        # Titles of the space's current pages on each site, to find duplicates and gaps.
        $dc = (Invoke-EmulatorApi $script:Dc "/rest/api/content?spaceKey=$Key&type=page&limit=100").results.title
        $spaceId = (Invoke-EmulatorApi $script:Cloud "/api/v2/spaces?keys=$Key").results[0].id
        $cloud = (Invoke-EmulatorApi $script:Cloud "/api/v2/spaces/$spaceId/pages?limit=250").results.title
        [pscustomobject]@{ DataCenter = @($dc); Cloud = @($cloud) }
    }

    # The workers: each waits for go-<round>, runs every space with -SkipLocked and writes what came back.
    $script:Rounds = 7
    $script:Workers = [ordered]@{}
    foreach ($name in 'w1', 'w2', 'w3') {
        $script:Workers[$name] = Start-SyncWorker -Name $name -ModuleManifest (Get-TestModuleManifest) -ScopePath $script:Scope `
            -Folder $script:Sync -Rounds $script:Rounds
    }
}

AfterAll {
    $script:Workers.Values | Stop-SyncWorker
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Stop-OwnTestPostgres $script:Postgres
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN, Env:SPACESYNC_TEST_WORKERS_DB -ErrorAction SilentlyContinue
}

Describe 'Three workers share 30 spaces through one PostgreSQL state' {
    It 'records a baseline for every space' {
        @($script:Baselined).Count | Should -Be 30
        $script:Baselined | ForEach-Object { $_.PairsRecorded | Should -Be 4 }
    }

    It 'syncs every space in every round, each space by one worker at a time, and converges' {
        $script:RoundTimes = @()
        $script:Requests = 0
        $script:Split = @()
        $script:IdleRequests = @()
        for ($round = 1; $round -le 3; $round++) {
            # Every space gets an edit, alternating the site, so every round has work on both sites.
            for ($i = 0; $i -lt 30; $i++) {
                $site = if (($i + $round) % 2) { 'datacenter' } else { 'cloud' }
                Add-Paragraph $script:Keys[$i] $site "Round $round on $site"
            }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $before = [DateTimeOffset]::UtcNow
            Start-SyncRound $script:Sync $round
            $rows = @(Wait-Round $round 'w1', 'w2', 'w3' | ForEach-Object { $_ })
            $script:RoundTimes += $clock.Elapsed.TotalSeconds

            $rows | Where-Object { $_.Errors } | Should -BeNullOrEmpty
            $ran = @($rows | Where-Object RunId)
            # Each worker saw every space: it ran it, or skipped it because another worker held it.
            @($rows).Count | Should -Be 90
            $script:Requests += ($rows | Measure-Object Requests -Sum).Sum
            $script:IdleRequests += @($ran | Where-Object Updates -eq 0 | ForEach-Object Requests)
            $script:Split += @(($ran | Group-Object Worker | Sort-Object Name | ForEach-Object { "$($_.Name) $($_.Count)" }) -join ', ')
            $rows | Where-Object { -not $_.RunId -and -not $_.SkippedBy -and -not $_.SkippedAfter } | Should -BeNullOrEmpty
            # Every space's edit went across in this round, by exactly one run that updated it.
            foreach ($key in $script:Keys) {
                @($ran | Where-Object { $_.SpaceKey -eq $key -and $_.Updates -eq 1 }).Count | Should -Be 1 -Because "$key was edited before round $round"
            }
            # And the state's run history says the same: every space has a run that started in this round and succeeded.
            $runs = @(Get-Runs | Where-Object { $_.StartedAt -ge $before })
            foreach ($key in $script:Keys) {
                @($runs | Where-Object { $_.SpaceKey -eq $key -and "$($_.Outcome)" -eq 'Succeeded' }).Count |
                    Should -BeGreaterThan 0 -Because "$key must be synced in round $round"
            }
        }

        # Never two runs on one space at once: per space, each run ends before the next one starts.
        foreach ($group in Get-Runs | Where-Object Kind -ne 'Baseline' | Group-Object SpaceKey) {
            $ordered = @($group.Group | Sort-Object StartedAt)
            for ($j = 1; $j -lt $ordered.Count; $j++) {
                $ordered[$j - 1].FinishedAt | Should -Not -BeNullOrEmpty
                $ordered[$j - 1].FinishedAt | Should -BeLessOrEqual $ordered[$j].StartedAt -Because "runs $($ordered[$j - 1].Id) and $($ordered[$j].Id) of $($group.Name) must not overlap"
            }
        }
        Write-Host ("Workers: setup {0:n1} s, rounds {1} s, {2} requests in 3 rounds; runs per worker: {3}; a run with nothing to do: {4:n1} requests on average" -f $script:SetupSeconds,
            (($script:RoundTimes | ForEach-Object { '{0:n1}' -f $_ }) -join ' / '), $script:Requests, ($script:Split -join ' / '),
            ($script:IdleRequests | Measure-Object -Average).Average)

        Get-SyncDrift -ScopePath $script:Scope | Where-Object Status -ne 'InSync' | Should -BeNullOrEmpty
        foreach ($key in $script:Keys) {
            $pages = Get-SitePages $key
            $pages.DataCenter.Count | Should -Be 4
            ($pages.DataCenter | Sort-Object) -join '|' | Should -Be (($pages.Cloud | Sort-Object) -join '|')
        }
    }

    It 'takes over the space of a worker killed with SIGKILL while it held the lock, and loses or duplicates nothing' {
        # A new page in W07 only: the worker that runs W07 creates it on Cloud, and the emulator does the create and
        # then holds the answer, so that worker stays inside W07's run, holding its lock, until it is killed.
        $space = Invoke-EmulatorApi $script:Dc '/rest/api/space/W07?expand=homepage'
        $null = Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
            type = 'page'; title = 'W07 Delta'; space = @{ key = 'W07' }; ancestors = @(@{ id = $space.homepage.id })
            body = @{ storage = @{ value = '<p>Written on Data Center while a worker died.</p>'; representation = 'storage' } } }
        $null = Set-ConfluenceEmulatorFault $script:Cloud -HoldMethod POST -HoldPathPrefix /wiki/api/v2/pages -HoldMs 600000
        Reset-ConfluenceEmulatorStats $script:Cloud
        Start-SyncRound $script:Sync 4

        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ((Get-ConfluenceEmulatorStats $script:Cloud).held -lt 1) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'No worker reached the held create on Cloud.' }
            Start-Sleep -Milliseconds 100
        }
        $store = Open-State
        try { $lock = $store.GetLock('W07') } finally { $store.Dispose() }
        $lock | Should -Not -BeNullOrEmpty
        $victimPid = [int]($lock.OwnerId -split '/')[1]
        $victim = $script:Workers.Keys | Where-Object { [int](Get-Content (Join-Path $script:Sync "pid-$_")) -eq $victimPid }
        $victim | Should -Not -BeNullOrEmpty -Because "the lock's owner $($lock.OwnerId) is one of the workers"
        & kill -9 $victimPid
        $LASTEXITCODE | Should -Be 0
        $script:Survivors = $survivors = @($script:Workers.Keys | Where-Object { $_ -ne $victim })

        # The others finish round 4. The lock's process is gone from this machine, so a survivor that reaches W07 after
        # the kill takes it over at once (no lease to wait out); one that reached it before skipped it, naming the
        # victim, and round 5 takes it over then. Either way the first run after the dead one finds the page the dead
        # run created (its create intent) and pairs it instead of creating it again.
        $rows4 = @(Wait-Round 4 $survivors | ForEach-Object { $_ })
        $rows4 | Where-Object { $_.Errors } | Should -BeNullOrEmpty
        # A W07 skip names the victim, or the survivor that took W07 over first.
        $workerPids = $script:Workers.Keys | ForEach-Object { [int](Get-Content (Join-Path $script:Sync "pid-$_")) }
        $rows4 | Where-Object { $_.SpaceKey -eq 'W07' -and $_.SkippedBy } | ForEach-Object { [int]($_.SkippedBy -split '/')[1] | Should -BeIn $workerPids }
        $null = Set-ConfluenceEmulatorFault $script:Cloud
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Start-SyncRound $script:Sync 5
        $rows5 = @(Wait-Round 5 $survivors | ForEach-Object { $_ })
        $rows5 | Where-Object { $_.Errors } | Should -BeNullOrEmpty

        $after = @($rows4 + $rows5 | Where-Object { $_.SpaceKey -eq 'W07' -and $_.RunId } | Sort-Object RunId)
        $after.Count | Should -BeGreaterThan 0
        $takeover = $after[0]
        $takeover.AdoptedIntents | Should -Be 1 -Because 'the dead run created the page on Cloud and never recorded it'
        $takeover.Creates | Should -Be 0
        $round = if ($rows4 -contains $takeover) { 4 } else { 5 }
        Write-Host ("Workers: W07 taken over in round {0} by run {1}; round 5 took {2:n1} s" -f $round, $takeover.RunId, $clock.Elapsed.TotalSeconds)
        Get-Warnings 4, 5 $survivors | Should -Match ('(?s)Took over the lock of space W07 from run ' + [regex]::Escape($lock.OwnerId) + '.*its process is gone from this machine')

        $runs = @(Get-Runs | Where-Object SpaceKey -eq 'W07' | Sort-Object Id)
        $killed = @($runs | Where-Object { $_.Id -lt $takeover.RunId })[-1]
        $killed.FinishedAt | Should -BeNullOrEmpty -Because 'the killed run never finished'
        $runs | Where-Object { $_.Id -ge $takeover.RunId } | ForEach-Object { "$($_.Outcome)" | Should -Be 'Succeeded' }

        Get-SyncDrift -ScopePath $script:Scope | Where-Object Status -ne 'InSync' | Should -BeNullOrEmpty
        foreach ($key in $script:Keys) {
            $pages = Get-SitePages $key
            $expected = if ($key -eq 'W07') { 5 } else { 4 }
            $pages.DataCenter.Count | Should -Be $expected
            $pages.Cloud.Count | Should -Be $expected -Because "no page of $key is lost or made twice on Cloud"
            ($pages.DataCenter | Sort-Object) -join '|' | Should -Be (($pages.Cloud | Sort-Object) -join '|')
        }
    }

    It 'skips a space a worker on another machine holds until its lease ends, then takes it over' {
        # A process on another machine cannot be checked from here: only its lease frees the space.
        $store = Open-State
        $foreign = 'other-host/4242/638000000000000000/' + [guid]::NewGuid().ToString('n')
        try { $attempt = $store.TryAcquireLock('W12', $foreign, [TimeSpan]::FromSeconds(15)) } finally { $store.Dispose() }
        $attempt.Acquired | Should -BeTrue
        Add-Paragraph 'W12' 'cloud' 'Edited while another machine held the lock'

        Start-SyncRound $script:Sync 6
        $rows6 = @(Wait-Round 6 $script:Survivors | ForEach-Object { $_ })
        [DateTimeOffset]::UtcNow | Should -BeLessThan $attempt.Holder.ExpiresAt -Because 'round 6 must end inside the lease for this test to mean anything'
        $rows6 | Where-Object { $_.Errors } | Should -BeNullOrEmpty
        $w12 = @($rows6 | Where-Object SpaceKey -eq 'W12')
        $w12.Count | Should -Be $script:Survivors.Count
        $w12 | ForEach-Object { $_.RunId | Should -BeNullOrEmpty; $_.SkippedBy | Should -Be $foreign }

        while ([DateTimeOffset]::UtcNow -le $attempt.Holder.ExpiresAt) { Start-Sleep -Milliseconds 200 }
        Start-SyncRound $script:Sync 7
        $rows7 = @(Wait-Round 7 $script:Survivors | ForEach-Object { $_ })
        $rows7 | Where-Object { $_.Errors } | Should -BeNullOrEmpty
        @($rows7 | Where-Object { $_.SpaceKey -eq 'W12' -and $_.Updates -eq 1 }).Count | Should -Be 1
        Get-Warnings 7 $script:Survivors | Should -Match ('(?s)Took over the lock of space W12 from run ' + [regex]::Escape($foreign) + '.*its lease ended')
        Get-SyncDrift -ScopePath $script:Scope -SpaceKey W12 | Where-Object Status -ne 'InSync' | Should -BeNullOrEmpty

        foreach ($name in $script:Survivors) { $script:Workers[$name].Process.WaitForExit(60000) | Should -BeTrue }
        Write-Host ("Workers: whole file {0:n1} s" -f $script:Started.Elapsed.TotalSeconds)
    }
}
