# Copy-SyncState (issue 16): a state made by a real baseline and sync against both emulators moves from its SQLite file
# to a PostgreSQL schema and back, and the scope pointed at the copy goes on syncing. The built module in a fresh pwsh,
# a real server (the Test task's throwaway cluster, $env:SPACESYNC_TEST_POSTGRES, or one started here).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/TestPostgres.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Postgres = Use-TestPostgres
    $script:Admin = $script:Postgres.ConnectionString

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 6 -Seed 31
    Clear-SeededRestrictions $script:Dc
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    # A password the server never asks for (trust on loopback): it must never show.
    $script:Canary = 'pg-canary-' + [guid]::NewGuid().ToString('n').Substring(0, 12)
    $env:SPACESYNC_TEST_COPY_DB = "$script:Admin;Password=$script:Canary"
    $script:Schema = 'pester_copy_' + [guid]::NewGuid().ToString('n').Substring(0, 10)
    $script:Destination = @{ provider = 'postgresql'; connection = 'env:SPACESYNC_TEST_COPY_DB'; schema = $script:Schema }
    $space = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n"
    $script:FileScope = New-TestScopeFile -Folder (Join-Path $TestDrive 'file') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $space
    $script:PgScope = New-TestScopeFile -Folder (Join-Path $TestDrive 'pg') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
        -Spaces "${space}state: { provider: postgresql, connection: env:SPACESYNC_TEST_COPY_DB, schema: $script:Schema }`n"

    function script:Edit-DcPage([string] $Id, [string] $Text) {
        $page = Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version"
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $page.body.storage.value + "<p>$Text</p>"; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }

    # Whether a schema exists, asked of the server with psql (beside initdb; Debian's client package).
    $script:Psql = Join-Path (Find-PostgresBin) 'psql'
    if (-not (Test-Path $script:Psql)) { $script:Psql = 'psql' }
    $script:AdminParts = @{}
    foreach ($part in $script:Admin -split ';') { if ($part -match '^\s*([^=]+?)\s*=\s*(.*)$') { $script:AdminParts[$Matches[1].ToLowerInvariant()] = $Matches[2] } }
    function script:Invoke-AdminSql([string] $Sql) {
        $out = & $script:Psql -h $script:AdminParts['host'] -p $script:AdminParts['port'] -U $script:AdminParts['username'] `
            -d $script:AdminParts['database'] -At -c $Sql 2>&1
        if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
        $out
    }
    function script:Test-Schema([string] $Name) { [int](Invoke-AdminSql "SELECT count(*) FROM pg_namespace WHERE nspname = '$Name'") -gt 0 }
    $script:MadeSchemas = [System.Collections.Generic.List[string]]::new()
    function script:New-SchemaName([string] $What) {
        $name = "pester_${What}_" + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $script:MadeSchemas.Add($name)
        $name
    }

    # Runs a command in a fresh pwsh whose every prompt is answered "No" (its standard input), and returns what it wrote.
    function script:Invoke-Declined([string] $Command) {
        $answers = Join-Path $TestDrive ('no-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
        Set-Content -Path "$answers.txt" -Value "n`nn`nn`n"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("Import-Module '$(Get-TestModuleManifest)'; $Command"))
        $null = Start-Process -FilePath 'dotnet' -ArgumentList 'pwsh', '-NoProfile', '-EncodedCommand', $encoded -WorkingDirectory (Get-RepositoryRoot) `
            -RedirectStandardInput "$answers.txt" -RedirectStandardOutput "$answers.out" -RedirectStandardError "$answers.err" -NoNewWindow -Wait -PassThru
        (Get-Content "$answers.out" -Raw) + (Get-Content "$answers.err" -Raw)
    }

    $script:Ids = @($script:Map.Keys | Sort-Object { [long]$_ })
    $null = Start-SpaceBaseline -ScopePath $script:FileScope -SpaceKey ENG -ErrorAction Stop
    Edit-DcPage $script:Ids[1] 'Edited before the move'
    $null = Invoke-SpaceSync -ScopePath $script:FileScope -Confirm:$false -ErrorAction Stop
}

AfterAll {
    foreach ($schema in $script:MadeSchemas) { $null = Invoke-AdminSql "DROP SCHEMA IF EXISTS $schema CASCADE" }
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Stop-OwnTestPostgres $script:Postgres
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN, Env:SPACESYNC_TEST_COPY_DB -ErrorAction SilentlyContinue
}

Describe 'Copy-SyncState' {
    It '-WhatIf names the copy and creates nothing' {
        $back = Join-Path $TestDrive 'whatif.db'
        Copy-SyncState -ScopePath $script:FileScope -Destination $back -WhatIf
        Test-Path $back | Should -BeFalse
    }

    It '-WhatIf to PostgreSQL creates no schema' {
        $schema = New-SchemaName 'whatif'
        Copy-SyncState -ScopePath $script:FileScope -Destination @{ provider = 'postgresql'; connection = 'env:SPACESYNC_TEST_COPY_DB'; schema = $schema } -WhatIf
        Test-Schema $schema | Should -BeFalse
    }

    It 'a declined confirmation makes no file and no schema' {
        $file = Join-Path $TestDrive 'declined.db'
        $said = Invoke-Declined "Copy-SyncState -ScopePath '$($script:FileScope)' -Destination '$file' -Confirm"
        $said | Should -Match 'Copy the state' -Because 'the question was asked (and answered No)'
        Test-Path $file | Should -BeFalse

        $schema = New-SchemaName 'declined'
        $said = Invoke-Declined ("Copy-SyncState -ScopePath '$($script:FileScope)' -Confirm " +
            "-Destination @{ provider = 'postgresql'; connection = 'env:SPACESYNC_TEST_COPY_DB'; schema = '$schema' }")
        $said | Should -Match 'Copy the state'
        $said | Should -Not -Match $script:Canary
        Test-Schema $schema | Should -BeFalse
    }

    It 'reading commands on a PostgreSQL scope whose schema is missing create no schema' {
        $schema = New-SchemaName 'absent'
        $space = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n"
        $scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'absent') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
            -Spaces "${space}state: { provider: postgresql, connection: env:SPACESYNC_TEST_COPY_DB, schema: $schema }`n"

        Get-SyncHistory -ScopePath $scope -ErrorAction Stop | Should -BeNullOrEmpty
        Get-SyncConflict -ScopePath $scope -ErrorAction Stop | Should -BeNullOrEmpty
        (Get-SyncedSpace -ScopePath $scope -SpaceKey ENG -Offline -ErrorAction Stop).PairedPages | Should -Be 0
        Test-Schema $schema | Should -BeFalse

        # No source state either: Copy-SyncState says so, and makes neither the source's schema nor the destination's file.
        $problem = $null
        try { Copy-SyncState -ScopePath $scope -Destination (Join-Path $TestDrive 'nothing.db') -Confirm:$false } catch { $problem = $_ }
        $problem.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.StateStoreNotFound,*'

        Test-Schema $schema | Should -BeFalse
        Test-Path (Join-Path $TestDrive 'nothing.db') | Should -BeFalse
    }

    It 'copies a SQLite state to PostgreSQL, verified table by table, and never shows the connection string' {
        $all = Copy-SyncState -ScopePath $script:FileScope -Destination $script:Destination -Confirm:$false -Verbose *>&1
        $result = @($all | Where-Object { $_.PSObject.TypeNames -contains 'SpaceSync.Core.State.StateCopyResult' })
        $result.Count | Should -Be 1
        $result[0].Verified | Should -BeTrue
        $result[0].Emptied | Should -BeFalse
        ($result[0].Tables | Where-Object Table -eq 'pairs').DestinationRows | Should -Be $script:Ids.Count
        ($result[0].Tables | Where-Object Table -eq 'runs').DestinationRows | Should -Be 2
        $result[0].Destination | Should -Match $script:Schema
        ($all | Out-String) + ($result | ConvertTo-Json -Depth 4) | Should -Not -Match $script:Canary
    }

    It 'the scope pointed at the copy syncs on from it, with no new baseline' {
        (Get-SyncedSpace -ScopePath $script:PgScope -SpaceKey ENG -Offline).PairedPages | Should -Be $script:Ids.Count
        Edit-DcPage $script:Ids[2] 'Edited after the move'
        $sync = Invoke-SpaceSync -ScopePath $script:PgScope -Confirm:$false -ErrorAction Stop
        $sync.Errors | Should -BeNullOrEmpty
        $sync.Count('Update') | Should -Be 1
        @(Get-SyncHistory -ScopePath $script:PgScope -SpaceKey ENG -RunId $sync.RunId).Count | Should -Be 1
        Get-SyncDrift -ScopePath $script:PgScope | Where-Object Status -ne 'InSync' | Should -BeNullOrEmpty
    }

    It 'refuses a destination that holds a state, and -Force replaces it' {
        $problem = $null
        try { $null = Copy-SyncState -ScopePath $script:FileScope -Destination $script:Destination -Confirm:$false } catch { $problem = $_ }
        $problem.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.StateStoreDestinationNotEmpty,*'
        (Get-SyncedSpace -ScopePath $script:PgScope -SpaceKey ENG -Offline).PairedPages | Should -Be $script:Ids.Count

        $back = Join-Path $TestDrive 'back.db'
        $home1 = Copy-SyncState -ScopePath $script:PgScope -Destination $back -Confirm:$false
        $home1.Verified | Should -BeTrue
        ($home1.Tables | Where-Object Table -eq 'runs').DestinationRows | Should -Be 3 -Because 'the run made on PostgreSQL came back too'
        $again = Copy-SyncState -ScopePath $script:PgScope -Destination $back -Force -Confirm:$false
        $again.Emptied | Should -BeTrue
        $again.Verified | Should -BeTrue
    }

    It 'a source that fails while being read is named as the source, not the destination' {
        # The source's server connection is cut mid-copy: a trigger of the destination's runs terminates its backend.
        $app = 'pester-source-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $env:SPACESYNC_TEST_COPY_SRC = "$($script:Admin);Application Name=$app"
        $space = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n"
        $sourceScope = New-TestScopeFile -Folder (Join-Path $TestDrive 'cut') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
            -Spaces "${space}state: { provider: postgresql, connection: env:SPACESYNC_TEST_COPY_SRC, schema: $($script:Schema) }`n"
        $schema = New-SchemaName 'cut'
        $destination = @{ provider = 'postgresql'; connection = 'env:SPACESYNC_TEST_COPY_DB'; schema = $schema }
        $null = Copy-SyncState -ScopePath $script:FileScope -Destination $destination -Confirm:$false
        $null = Invoke-AdminSql (@'
CREATE FUNCTION SCHEMA.cut_source() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'APP';
  PERFORM pg_sleep(0.2);
  RETURN NEW;
END $$;
CREATE TRIGGER cut AFTER INSERT ON SCHEMA.runs FOR EACH ROW EXECUTE FUNCTION SCHEMA.cut_source();
'@.Replace('SCHEMA', $schema).Replace('APP', $app))

        $problem = $null
        try { $null = Copy-SyncState -ScopePath $sourceScope -Destination $destination -Force -Confirm:$false } catch { $problem = $_ }

        $problem | Should -Not -BeNullOrEmpty
        $problem.TargetObject | Should -Match $script:Schema
        $problem.TargetObject | Should -Not -Match $schema
        $problem.ToString() | Should -Match "copy's source"
        $problem.ToString() | Should -Not -Match $script:Canary
        Remove-Item Env:SPACESYNC_TEST_COPY_SRC
    }

    It 'a destination that is not a state spec is an error naming -Destination' {
        $problem = $null
        try { $null = Copy-SyncState -ScopePath $script:FileScope -Destination @{ provider = 'postgresql'; schema = 'x' } } catch { $problem = $_ }
        $problem.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.StateDestinationInvalid,*'
        $problem.ToString() | Should -Match 'connection'
    }
}
