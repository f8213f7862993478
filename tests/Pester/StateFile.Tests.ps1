# A broken state file through the built module, against both emulators: a zero-byte, foreign, schema-less, damaged or newer
# file where the state should be is refused with a StateStore ErrorId naming the file and what is wrong; it is left byte
# for byte, never taken for a new state ("no baseline"), and nothing is written to either site.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 6 -Seed 11
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'state') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $script:State = Join-Path $TestDrive 'state/state/spacesync.db'

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
    $script:Healthy = Join-Path $TestDrive 'healthy.db'
    Copy-Item $script:State $script:Healthy

    # SQL on a state file through the module's own SQLite (loaded by the runs above): to damage a copy as an outside tool would.
    function script:Invoke-StateSql([string] $Path, [string] $Sql) {
        $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' } | Select-Object -First 1
        $connection = [Activator]::CreateInstance($assembly.GetType('Microsoft.Data.Sqlite.SqliteConnection', $true), @("Data Source=$Path;Pooling=False"))
        try {
            $connection.Open()
            $command = $connection.CreateCommand()
            $command.CommandText = $Sql
            $null = $command.ExecuteNonQuery()
        }
        finally { $connection.Dispose() }
    }

    function script:Set-BrokenState([string] $Kind) {
        Remove-Item "$script:State*" -Force -ErrorAction SilentlyContinue
        switch ($Kind) {
            'zero bytes' { $null = New-Item -ItemType File -Path $script:State }
            'a text file' { Set-Content -Path $script:State -Value 'state: here' }
            'an SQLite database with no schema' { Invoke-StateSql $script:State 'CREATE TABLE t (x); DROP TABLE t;' }
            'a dropped table' { Copy-Item $script:Healthy $script:State; Invoke-StateSql $script:State 'DROP TABLE pairs' }
            'a newer schema version' { Copy-Item $script:Healthy $script:State; Invoke-StateSql $script:State 'PRAGMA user_version = 42' }
        }
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A broken state file' {
    It 'is refused by <Command> when it is <Kind>: <ErrorId>, naming the file; left as it was, nothing written to the sites' -ForEach @(
        @{ Command = 'Invoke-SpaceSync'; Kind = 'zero bytes'; ErrorId = 'StateStoreEmptyFile'; Says = 'is empty (0 bytes)' }
        @{ Command = 'Start-SpaceBaseline'; Kind = 'zero bytes'; ErrorId = 'StateStoreEmptyFile'; Says = 'not read as a new state' }
        @{ Command = 'Get-SyncDrift'; Kind = 'a text file'; ErrorId = 'StateStoreNotADatabase'; Says = 'not an SQLite database' }
        @{ Command = 'Start-SpaceBaseline'; Kind = 'an SQLite database with no schema'; ErrorId = 'StateStoreNoSchema'; Says = 'no tables at all' }
        @{ Command = 'Invoke-SpaceSync'; Kind = 'a dropped table'; ErrorId = 'StateStoreSchemaDamaged'; Says = 'is missing table pairs' }
        @{ Command = 'Invoke-SpaceSync'; Kind = 'a newer schema version'; ErrorId = 'StateStoreNewerSchema'; Says = 'schema version 42' }
    ) {
        Set-BrokenState $Kind
        $before = (Get-FileHash $script:State).Hash
        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud

        $record = $null
        try {
            if ($Command -eq 'Start-SpaceBaseline') { $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -ErrorAction Stop }
            elseif ($Command -eq 'Get-SyncDrift') { $null = Get-SyncDrift -ScopePath $script:Scope -ErrorAction Stop }
            else { $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorAction Stop }
        }
        catch { $record = $_ }

        $record | Should -Not -BeNullOrEmpty -Because "$Kind where the state should be is refused"
        $record.FullyQualifiedErrorId | Should -BeLike "SpaceSync.$ErrorId,SpaceSync.PowerShell.Cmdlets.*"
        $record.CategoryInfo.Category | Should -Be 'InvalidData'
        $record.CategoryInfo.TargetName | Should -Be $script:State
        $record.ErrorDetails.Message | Should -BeLike "*$($script:State)*"
        $record.ErrorDetails.Message | Should -BeLike "*$Says*"
        $record.Exception.GetType().Name | Should -Be 'StateStoreException' -Because 'no raw SqliteException'
        "$record" | Should -Not -BeLike '*no baseline*'

        (Get-FileHash $script:State).Hash | Should -Be $before -Because 'a refused file is left byte for byte'
        @(Get-ChildItem (Split-Path $script:State) -Filter '*.new' -Force).Count | Should -Be 0
        Get-ConfluenceEmulatorWriteCount $script:Dc | Should -Be 0
        Get-ConfluenceEmulatorWriteCount $script:Cloud | Should -Be 0
    }

    It 'is still told from a missing one: no file is a new state, and the healthy file syncs again once restored' {
        Remove-Item "$script:State*" -Force
        { Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SpaceSync.NoBaseline,SpaceSync.PowerShell.Cmdlets.InvokeSpaceSyncCommand'
        Test-Path $script:State | Should -BeTrue -Because 'a path with no file is a new state, created whole'

        Remove-Item "$script:State*" -Force
        Copy-Item $script:Healthy $script:State
        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorAction Stop
        $result.Errors | Should -BeNullOrEmpty
    }
}
