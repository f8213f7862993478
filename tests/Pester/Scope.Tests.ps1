# New-SyncScope, Test-SyncScope (offline) and Get-SyncScope through the built module.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
}

Describe 'New-SyncScope' {
    It 'writes a scope file that validates as it stands' {
        $path = Join-Path $TestDrive 'new/spacesync.yaml'
        $file = New-SyncScope -Path $path -CloudUrl https://acme.atlassian.net/wiki -DataCenterUrl https://wiki.acme.internal/confluence -SpaceKey ENG, OPS -Owner eng-docs@acme.com
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be $path
        $text = Get-Content -Raw $path
        $text | Should -Match '(?m)^\s*#'                       # commented
        $text | Should -Match 'env:SPACESYNC_CLOUD_TOKEN'
        $findings = Test-SyncScope -ScopePath $path
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        (Get-SyncScope -ScopePath $path).Spaces.Key | Should -Be @('ENG', 'OPS')
    }

    It 'refuses to overwrite an existing file without -Force' {
        $path = Join-Path $TestDrive 'exists.yaml'
        Set-Content -Path $path -Value 'keep me'
        { New-SyncScope -Path $path -CloudUrl https://a.atlassian.net/wiki -DataCenterUrl https://dc.example.com -SpaceKey ENG -Owner o@example.com -ErrorAction Stop } |
            Should -Throw -ErrorId 'SpaceSync.ScopeFileExists,SpaceSync.PowerShell.Cmdlets.NewSyncScopeCommand'
        Get-Content -Raw $path | Should -Match 'keep me'
        New-SyncScope -Path $path -CloudUrl https://a.atlassian.net/wiki -DataCenterUrl https://dc.example.com -SpaceKey ENG -Owner o@example.com -Force | Out-Null
        Get-Content -Raw $path | Should -Match 'version: 1'
    }

    It 'writes nothing under -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.yaml'
        New-SyncScope -Path $path -CloudUrl https://a.atlassian.net/wiki -DataCenterUrl https://dc.example.com -SpaceKey ENG -Owner o@example.com -WhatIf
        Test-Path $path | Should -BeFalse
    }
}

Describe 'Test-SyncScope offline' {
    It 'reports a valid file with one Information finding' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'valid')
        $findings = @(Test-SyncScope -ScopePath $path)
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        $findings | Where-Object Severity -eq 'Information' | Should -Not -BeNullOrEmpty
        $findings[0].GetType().FullName | Should -Be 'SpaceSync.Core.Scope.ScopeFinding'
        Test-SyncScope -ScopePath $path -Quiet | Should -BeTrue
    }

    It 'reports each problem with its position and -Quiet returns $false' {
        $folder = Join-Path $TestDrive 'invalid'
        $path = New-TestScopeFile -Folder $folder -Spaces "  - key: ENG`n    owner: eng@acme.com`n    phase: dual-wrte`n  - key: ENG`n    owner: eng@acme.com`n"
        $errors = @(Test-SyncScope -ScopePath $path | Where-Object Severity -eq 'Error')
        $errors.Count | Should -BeGreaterOrEqual 2
        $phase = $errors | Where-Object { $_.Message -match 'dual-wrte' }
        $phase.Location.Line | Should -Be 17
        $phase.Location.File | Should -Be $path
        $phase.Message | Should -Match 'datacenter-primary'                # says what was expected
        ($errors | Where-Object { $_.Location.Line -eq 18 }) | Should -Not -BeNullOrEmpty   # the duplicate ENG
        Test-SyncScope -ScopePath $path -Quiet | Should -BeFalse
    }

    It 'never repeats a plain-text token' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'plain') -CloudToken 'ATATT3xFfGF0-very-secret-token'
        $out = Test-SyncScope -ScopePath $path | Out-String -Width 400
        $out | Should -Not -Match 'very-secret'
        $out | Should -Match 'plain'
    }

    It 'finds no error in the shipped example' {
        $example = Join-Path (Get-RepositoryRoot) 'examples/spacesync.yaml'
        Test-SyncScope -ScopePath $example | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
    }

    It 'checks every file piped to it by FullName' {
        $a = New-TestScopeFile -Folder (Join-Path $TestDrive 'pipe/a')
        $b = New-TestScopeFile -Folder (Join-Path $TestDrive 'pipe/b') -Spaces "  - key: OPS`n"   # no owner
        $results = Get-Item $a, $b | Test-SyncScope
        ($results | Where-Object Severity -eq 'Error').Location.File | Should -Be $b
    }
}

Describe 'Get-SyncScope' {
    It 'applies phase presets and lets the space override them' {
        $spaces = @"
  - key: ENG
    owner: eng@acme.com
    phase: datacenter-primary
  - key: OPS
    owner: ops@acme.com
    phase: cloud-primary
    conflicts: manual
  - key: ARC
    owner: arc@acme.com
    phase: frozen
"@
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'presets') -Spaces $spaces
        $scope = Get-SyncScope -ScopePath $path
        $scope.GetType().FullName | Should -Be 'SpaceSync.Core.Scope.ResolvedScope'
        $eng, $ops, $arc = $scope.Spaces
        "$($eng.Direction)/$($eng.Conflicts)" | Should -Be 'ToCloud/PreferDataCenter'
        "$($ops.Direction)/$($ops.Conflicts)" | Should -Be 'ToDataCenter/Manual'
        "$($arc.Direction)" | Should -Be 'None'
        $eng.MaxDeletePercent | Should -Be 10
    }

    It 'finds the scope file through $env:SPACESYNC_SCOPE' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'envscope')
        $env:SPACESYNC_SCOPE = $path
        try { (Get-SyncScope).Path | Should -Be $path }
        finally { Remove-Item Env:SPACESYNC_SCOPE }
    }

    It 'ends with ScopeFileInvalid and every position for a bad file' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'bad') -Spaces "  - key: ENG`n    ownr: x`n"
        $err = $null
        try { Get-SyncScope -ScopePath $path -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'SpaceSync.ScopeFileInvalid,SpaceSync.PowerShell.Cmdlets.GetSyncScopeCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match ([regex]::Escape("${path}:16:5"))
    }

    It 'ends with ScopeFileNotFound for a missing file' {
        { Get-SyncScope -ScopePath (Join-Path $TestDrive 'nope.yaml') -ErrorAction Stop } |
            Should -Throw -ErrorId 'SpaceSync.ScopeFileNotFound,SpaceSync.PowerShell.Cmdlets.GetSyncScopeCommand'
    }

    It 'reports a space that is not in scope' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'filter')
        $scope = Get-SyncScope -ScopePath $path -SpaceKey ENG, NOPE -ErrorVariable problems -ErrorAction SilentlyContinue
        $scope.Spaces.Key | Should -Be @('ENG')
        $problems[0].FullyQualifiedErrorId | Should -Match '^SpaceSync\.SpaceNotInScope'
    }

    It 'completes -SpaceKey from the scope file' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'complete') -Spaces "  - key: ENG`n    owner: a@b.c`n  - key: OPS`n    owner: a@b.c`n"
        $line = "Get-SyncScope -ScopePath '$path' -SpaceKey O"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('OPS')
    }
}

Describe 'Hostile scope files through the module' {
    BeforeAll {
        Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
        $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 3 -Seed 5
        $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG -SeedPages 0
        $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
        $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

        # A scope for the emulators whose line 16 is the owner, with @@ where the hostile bytes go.
        function script:Write-HostileScope([string] $Name, [byte[]] $Bytes, [string] $Owner = "eng@@@example.com") {
            $folder = Join-Path $TestDrive $Name
            $path = New-TestScopeFile -Folder $folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
                -Spaces "  - key: ENG`n    owner: $Owner`nstate:`n  path: state/spacesync.db`nusers:`n  map: users.csv`n"
            $text = [IO.File]::ReadAllText($path)
            $at = $text.IndexOf('@@')
            if ($at -ge 0) {
                $utf8 = [Text.UTF8Encoding]::new($false)
                [IO.File]::WriteAllBytes($path, [byte[]]($utf8.GetBytes($text.Substring(0, $at)) + $Bytes + $utf8.GetBytes($text.Substring($at + 2))))
            }
            return $path
        }
    }

    AfterAll {
        $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
        Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
    }

    It 'refuses <Name> with <Code> at line <Line>, column <Column>, and touches neither site' -ForEach @(
        @{ Name = 'invalid-utf8'; Bytes = [byte[]](0xFF); Code = 'ScopeInvalidEncoding'; Line = 16; Column = 15; Why = 'byte 0xFF at offset' }
        @{ Name = 'nul'; Bytes = [byte[]](0x00); Code = 'ScopeControlCharacter'; Line = 16; Column = 15; Why = 'U\+0000 \(NUL\)' }
        @{ Name = 'binary-tag'; Owner = '!!binary ZW5nQGV4YW1wbGUuY29t'; Code = 'ScopeTagNotAllowed'; Line = 16; Column = 12; Why = "tag 'tag:yaml.org,2002:binary' is not allowed" }
        @{ Name = 'custom-tag'; Owner = '!owner eng@example.com'; Code = 'ScopeTagNotAllowed'; Line = 16; Column = 12; Why = "'!owner' is not allowed" }
        @{ Name = 'huge-value'; Owner = ('a' * 20000); Code = 'ScopeValueTooLong'; Line = 16; Column = 12; Why = 'at most 8192' }
        @{ Name = 'two-megabytes'; Owner = ('a' * 2MB); Code = 'ScopeFileTooLarge'; Line = 1; Column = 1; Why = 'over the limit of 1 MiB' }
    ) {
        $path = Write-HostileScope -Name $Name -Bytes $Bytes -Owner ($Owner ?? 'eng@@@example.com')
        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud

        $findings = @(Test-SyncScope -ScopePath $path)
        $findings.Count | Should -Be 1
        $findings[0].Severity | Should -Be 'Error'
        $findings[0].Code | Should -Be $Code
        "$($findings[0].Location)" | Should -Be "${path}:${Line}:${Column}"
        $findings[0].Message | Should -Match $Why
        Test-SyncScope -ScopePath $path -Quiet | Should -BeFalse

        $err = $null
        try { Invoke-SpaceSync -ScopePath $path -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'SpaceSync.ScopeFileInvalid,SpaceSync.PowerShell.Cmdlets.InvokeSpaceSyncCommand'
        $err.Exception.Message | Should -Match ([regex]::Escape("${path}:${Line}:${Column}"))
        $err.Exception.Message.Length | Should -BeLessThan 1000        # no huge value quoted back

        (Get-ConfluenceEmulatorStats $script:Dc).total | Should -Be 0
        (Get-ConfluenceEmulatorStats $script:Cloud).total | Should -Be 0
        Test-Path (Join-Path (Split-Path $path) 'state') | Should -BeFalse
    }

    It 'reads users.csv offline and reports each bad row at its line and column' {
        $path = Write-HostileScope -Name 'users' -Owner 'eng@example.com'
        $users = Join-Path (Split-Path $path) 'users.csv'
        [IO.File]::WriteAllBytes($users, [Text.Encoding]::UTF8.GetBytes("dataCenterUserKey,cloudAccountId`nk1,a1`nk2,ann@example.com`nk1,a3`n"))

        $errors = @(Test-SyncScope -ScopePath $path | Where-Object Severity -eq 'Error')
        $errors.Code | Should -Be @('ScopeUserMapInvalid', 'ScopeUserMapInvalid')
        $errors.Location | ForEach-Object { "$_" } | Should -Be @("${users}:3:4", "${users}:4:1")
        $errors[0].Message | Should -Match 'e-mail address'

        [IO.File]::WriteAllBytes($users, [byte[]]([Text.Encoding]::UTF8.GetBytes("dataCenterUserKey,cloudAccountId`nk1,a") + [byte[]](0xC3, 0x28) + [Text.Encoding]::UTF8.GetBytes("`n")))
        $finding = Test-SyncScope -ScopePath $path | Where-Object Severity -eq 'Error'
        "$($finding.Location)" | Should -Be "${users}:2:5"
        $finding.Message | Should -Match 'not valid UTF-8'
    }

    It 'reads the id map given with -IdMapPath' {
        $path = Write-HostileScope -Name 'idmap' -Owner 'eng@example.com'
        [IO.File]::WriteAllText((Join-Path (Split-Path $path) 'users.csv'), "dataCenterUserKey,cloudAccountId`n")
        $map = Join-Path (Split-Path $path) 'map.csv'
        [IO.File]::WriteAllText($map, "dataCenterId,cloudId`n1,2`n3,x`n")
        $finding = Test-SyncScope -ScopePath $path -IdMapPath $map | Where-Object Severity -eq 'Error'
        $finding.Code | Should -Be 'ScopeIdMapInvalid'
        "$($finding.Location)" | Should -Be "${map}:3:1"
        [IO.File]::WriteAllText($map, "dataCenterId,cloudId`n1,2`n")
        Test-SyncScope -ScopePath $path -IdMapPath $map -Quiet | Should -BeTrue
    }
}
