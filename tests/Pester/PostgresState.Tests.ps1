# A scope whose state is a PostgreSQL schema (issue 16): the built module in a fresh pwsh, the emulators over HTTP, and a
# real server (the Test task's throwaway cluster, $env:SPACESYNC_TEST_POSTGRES, or one started here).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/TestPostgres.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Postgres = Use-TestPostgres
    $script:Admin = $script:Postgres.ConnectionString

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 5 -Seed 21
    Clear-SeededRestrictions $script:Dc
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    # A password the server never asks for (trust on loopback): it must still never show anywhere.
    $script:Canary = 'pg-canary-' + [guid]::NewGuid().ToString('n').Substring(0, 12)
    $env:SPACESYNC_TEST_STATE_DB = "$script:Admin;Password=$script:Canary"
    $script:Schema = 'pester_' + [guid]::NewGuid().ToString('n').Substring(0, 10)
    $script:Folder = Join-Path $TestDrive 'pg'
    $script:Log = Join-Path $script:Folder 'logs/spacesync-.json'
    $script:Scope = New-TestScopeFile -Folder $script:Folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
        -Spaces "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate: { provider: postgresql, connection: env:SPACESYNC_TEST_STATE_DB, schema: $script:Schema }`nlogging: { path: logs/spacesync-.json, level: Debug }`n"

    function script:Edit-DcPage([string] $Id, [string] $Text) {
        $page = Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version"
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $page.body.storage.value + "<p>$Text</p>"; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Stop-OwnTestPostgres $script:Postgres
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN, Env:SPACESYNC_TEST_STATE_DB -ErrorAction SilentlyContinue
}

Describe 'A PostgreSQL state' {
    It 'records the baseline in its schema and makes no SQLite file' {
        $baseline = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -ErrorAction Stop
        $baseline.PairsRecorded | Should -BeGreaterThan 0
        @(Get-ChildItem $script:Folder -Filter *.db -Recurse).Count | Should -Be 0
        (Get-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Offline).PairedPages | Should -Be $baseline.PairsRecorded
    }

    It 'syncs an edit, and history and status read back from the database' {
        $dcId = @($script:Map.Keys | Sort-Object { [long]$_ })[1]
        Edit-DcPage $dcId 'Edited on Data Center, state on PostgreSQL'
        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorAction Stop -Debug:$false
        $result.Count('Update') | Should -Be 1
        $result.Errors | Should -BeNullOrEmpty

        $history = @(Get-SyncHistory -ScopePath $script:Scope -SpaceKey ENG -RunId $result.RunId)
        $history.Count | Should -Be 1
        $history[0].DataCenterPageId | Should -Be $dcId
        $history[0].Action | Should -Match 'cloud' 
        @(Get-SyncConflict -ScopePath $script:Scope).Count | Should -Be 0
        Get-SyncDrift -ScopePath $script:Scope | Where-Object Status -ne 'InSync' | Should -BeNullOrEmpty
    }

    It 'never shows the connection string: not in output, streams, errors or the log file' {
        $DebugPreference = 'Continue'
        $all = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Verbose *>&1 | Out-String
        $all | Should -Not -Match $script:Canary
        Get-ChildItem (Split-Path $script:Log) -File | Get-Content -Raw | Should -Not -Match $script:Canary
    }

    It 'a connection string that cannot be read is an error record naming its reference, and nothing runs' {
        $saved = $env:SPACESYNC_TEST_STATE_DB
        Remove-Item Env:SPACESYNC_TEST_STATE_DB
        try {
            $problem = $null
            try { $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false } catch { $problem = $_ }
            $problem | Should -Not -BeNullOrEmpty -Because 'a state that cannot be opened ends the command'
            $problem.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.StateStoreCannotOpen,*'
            $problem.ToString() | Should -Match 'env:SPACESYNC_TEST_STATE_DB'
            $problem.ToString() | Should -Match 'is not set'
            $problem.TargetObject | Should -Match "schema $script:Schema"
        }
        finally { $env:SPACESYNC_TEST_STATE_DB = $saved }
    }

    It 'a refused connection names the state without its password' {
        $saved = $env:SPACESYNC_TEST_STATE_DB
        $env:SPACESYNC_TEST_STATE_DB = "Host=127.0.0.1;Port=1;Username=nobody;Password=$script:Canary;Timeout=3"
        try {
            $problem = $null
            try { $null = Get-SyncHistory -ScopePath $script:Scope } catch { $problem = $_ }
            $problem | Should -Not -BeNullOrEmpty
            $problem.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.StateStoreCannotOpen,*'
            $problem.ToString() | Should -Match "PostgreSQL state .*127\.0\.0\.1:1"
            ($problem | Out-String) + $problem.Exception.ToString() | Should -Not -Match $script:Canary
        }
        finally { $env:SPACESYNC_TEST_STATE_DB = $saved }
    }
}
