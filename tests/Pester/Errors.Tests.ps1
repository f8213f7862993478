# Error records of the common failures (issue 15 item 7), through the built module: a stable ErrorId of the module
# (SpaceSync.<Code>), a category that says what kind of failure it is, the thing it is about as target, and the
# engine's own message without PowerShell's wrapper text.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
}

Describe 'A secret the scope names that is not there' {
    BeforeAll {
        # A variable no other test sets; the sites are never reached, since the secret is read first.
        $script:Missing = 'SPACESYNC_ERRORS_TEST_MISSING_TOKEN'
        Remove-Item "Env:$script:Missing" -ErrorAction SilentlyContinue
        $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'missing') `
            -DataCenterAuth "type: bearer`n      token: env:$script:Missing" `
            -Spaces "  - key: ENG`n    owner: eng@example.com`nstate:`n  path: state/spacesync.db`n"
    }

    It '<Command> fails with SpaceSync.SecretNotFound, AuthenticationError, the reference as target' -ForEach @(
        @{ Command = 'Invoke-SpaceSync' }
        @{ Command = 'Start-SpaceBaseline' }
    ) {
        $caught = $null
        try { & $Command -ScopePath $script:Scope -ErrorAction Stop | Out-Null }
        catch { $caught = $_ }

        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike "SpaceSync.SecretNotFound,*"
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $caught.TargetObject | Should -Be "env:$script:Missing"
        "$caught" | Should -Match $script:Missing
        "$caught" -match 'preference variable' | Should -BeFalse
        $caught.Exception.Message -match 'preference variable' | Should -BeFalse
    }
}

Describe 'A prompt under -NonInteractive' {
    It 'fails before printing anything, with SpaceSync.SecretNotFound and the prompt as target' {
        $scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'prompt') -CloudToken 'prompt' `
            -DataCenterAuth "type: bearer`n      token: prompt" `
            -Spaces "  - key: ENG`n    owner: eng@example.com`nstate:`n  path: state/spacesync.db`n"
        $script = "Import-Module '$(Get-TestModuleManifest)'; try { Invoke-SpaceSync -ScopePath '$scope' -ErrorAction Stop } " +
            "catch { 'ID=' + `$_.FullyQualifiedErrorId; 'TARGET=' + `$_.TargetObject; 'CATEGORY=' + `$_.CategoryInfo.Category }"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        Push-Location (Get-RepositoryRoot)   # dotnet pwsh works only inside the tree with the tool manifest
        try { $output = (& dotnet pwsh -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1 | ForEach-Object { "$_" }) -join "`n" }
        finally { Pop-Location }

        # Before the fix the console host printed the caption, the message and "Password for user ...:" first.
        $output | Should -Not -Match 'credentials|Enter the|Password for'
        $output | Should -Match '(?m)^ID=SpaceSync\.SecretNotFound,'
        $output | Should -Match '(?m)^TARGET=prompt$'
        $output | Should -Match '(?m)^CATEGORY=AuthenticationError$'
    }
}

Describe 'A vault secret stored as a PSCredential' {
    BeforeAll {
        # A stand-in for SecretManagement's Get-Secret (not installed here): a vault that holds a PSCredential.
        function global:Get-Secret {
            param($Name, $Vault, [switch] $AsPlainText)
            [pscredential]::new('svc-sync', (ConvertTo-SecureString 'vault-token' -AsPlainText -Force))
        }
    }

    AfterAll { Remove-Item Function:\Get-Secret -ErrorAction SilentlyContinue }

    It 'is read (its password as the token): the run gets past the vault secret to the next, missing one' {
        $missing = 'SPACESYNC_ERRORS_TEST_MISSING_CLOUD'
        Remove-Item "Env:$missing" -ErrorAction SilentlyContinue
        $scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'vault') -CloudToken "env:$missing" `
            -DataCenterUrl 'http://127.0.0.1:9/confluence' -DataCenterAuth "type: bearer`n      token: secret:DcToken" `
            -Spaces "  - key: ENG`n    owner: eng@example.com`nstate:`n  path: state/spacesync.db`n"
        $caught = $null
        try { Invoke-SpaceSync -ScopePath $scope -ErrorAction Stop | Out-Null }
        catch { $caught = $_ }

        # Before, the Data Center secret failed first: "the vault returned no text secret".
        "$caught" | Should -Not -Match 'no text secret'
        $caught.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SecretNotFound,*'
        $caught.TargetObject | Should -Be "env:$missing"
    }
}

Describe 'A vault that refuses the secret' {
    BeforeAll {
        # A stand-in for SecretManagement's Get-Secret whose vault does not hold the name: it writes an error, which
        # the module's call (-ErrorAction Stop) turns into PowerShell's "preference variable" exception.
        function global:Get-Secret {
            [CmdletBinding()]
            param($Name, $Vault, [switch] $AsPlainText)
            Write-Error "The secret $Name was not found in the vault $Vault."
        }
    }

    AfterAll { Remove-Item Function:\Get-Secret -ErrorAction SilentlyContinue }

    It 'fails with the vault''s own message, not PowerShell''s wrapper around it' {
        $scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'vault-missing') -DataCenterAuth "type: bearer`n      token: secret:Corp/DcToken" `
            -Spaces "  - key: ENG`n    owner: eng@example.com`nstate:`n  path: state/spacesync.db`n"
        $caught = $null
        try { Invoke-SpaceSync -ScopePath $scope -ErrorAction Stop | Out-Null }
        catch { $caught = $_ }

        $caught.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SecretNotFound,*'
        "$caught" | Should -Match 'The secret DcToken was not found in the vault Corp'
        "$caught" -match 'preference variable' | Should -BeFalse
    }
}

Describe 'Records of the module outside a run' {
    BeforeAll {
        $script:Folder = Join-Path $TestDrive 'records'
        $script:Scope = New-TestScopeFile -Folder $script:Folder -Spaces "  - key: ENG`n    owner: eng@example.com`nstate:`n  path: state/spacesync.db`n"
        New-Item -ItemType Directory -Path (Join-Path $script:Folder 'state') | Out-Null
        $script:State = Join-Path $script:Folder 'state/spacesync.db'
    }

    It '<Case>: <Id>, <Category>, target <Target>' -ForEach @(
        @{ Case = 'a space the scope file does not name'; Id = 'SpaceSync.SpaceNotInScope'; Category = 'ObjectNotFound'; Target = 'NOPE'
            Run = { Get-SyncConflict -ScopePath $script:Scope -SpaceKey NOPE -ErrorAction Stop } }
        @{ Case = 'a scope file that exists already'; Id = 'SpaceSync.ScopeFileExists'; Category = 'ResourceExists'; Target = 'scope'
            Run = { New-SyncScope -Path $script:Scope -CloudUrl https://acme.atlassian.net/wiki -DataCenterUrl https://wiki.acme.internal -SpaceKey ENG -Owner a@example.com -ErrorAction Stop } }
        @{ Case = 'a text file where the state should be, read by Get-SyncHistory'; Id = 'SpaceSync.StateStoreNotADatabase'; Category = 'InvalidData'; Target = 'state'
            Run = { Set-Content $script:State 'not a database'; Get-SyncHistory -ScopePath $script:Scope -ErrorAction Stop } }
        @{ Case = 'a text file where the state should be, read by Get-SyncConflict'; Id = 'SpaceSync.StateStoreNotADatabase'; Category = 'InvalidData'; Target = 'state'
            Run = { Set-Content $script:State 'not a database'; Get-SyncConflict -ScopePath $script:Scope -ErrorAction Stop } }
    ) {
        $caught = $null
        try { & $Run | Out-Null } catch { $caught = $_ }

        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $caught.CategoryInfo.Category | Should -Be $Category
        $expected = switch ($Target) { 'scope' { $script:Scope } 'state' { $script:State } default { $Target } }
        $caught.TargetObject | Should -Be $expected
    }

    It 'a bad scope file: SpaceSync.ScopeFileInvalid, InvalidData, the file as target and path:line:column in the message' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'badscope') -Spaces "  - key: ENG`n    ownr: x`n"
        $caught = $null
        try { Invoke-SpaceSync -ScopePath $path -ErrorAction Stop } catch { $caught = $_ }

        $caught.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.ScopeFileInvalid,*'
        $caught.CategoryInfo.Category | Should -Be 'InvalidData'
        $caught.TargetObject | Should -Be $path
        "$caught" | Should -Match ([regex]::Escape("${path}:16:5"))
    }

    It 'a runbook host (a PowerShell instance the runbook runs in) sees the module''s message and record under <How>, not the preference wrapper' -ForEach @(
        @{ How = '-ErrorAction Stop'; Line = "Get-SyncConflict -ScopePath '{0}' -SpaceKey NOPE -ErrorAction Stop" }
        @{ How = 'ErrorActionPreference Stop'; Line = "`$ErrorActionPreference = 'Stop'; Get-SyncConflict -ScopePath '{0}' -SpaceKey NOPE" }
    ) {
        # Azure Automation and other hosts run the runbook in a [powershell] instance and log what it throws or what its
        # error stream holds.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Get-TestModuleManifest)'; " + ($Line -f $script:Scope))
            $thrown = $null
            try { $null = $ps.Invoke() } catch { $thrown = $_.Exception.InnerException }
            $record = if ($thrown) { $thrown.ErrorRecord } else { $ps.Streams.Error | Select-Object -First 1 }
        }
        finally { $ps.Dispose() }

        $record | Should -Not -BeNullOrEmpty
        $message = if ($thrown) { $thrown.Message } else { $record.Exception.Message }
        $message | Should -Match "Space 'NOPE' is not in the scope file"
        $message -match 'preference variable' | Should -BeFalse
        $record.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SpaceNotInScope,*'
    }
}

Describe 'Records of a run against the sites' {
    BeforeAll {
        Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
        $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 3 -Seed 3
        $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
        $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
        $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
        $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
        $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'run') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
            -Spaces "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`nstate:`n  path: state/spacesync.db`n"
        $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -WarningAction SilentlyContinue
        $script:State = Join-Path (Split-Path $script:Scope) 'state/spacesync.db'
    }

    AfterAll {
        $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
        Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
    }

    It 'a site that refuses the credential (401): SpaceSync.SiteUnauthorized, AuthenticationError, the space as target' {
        $wrong = [pscredential]::new('admin@example.com', (ConvertTo-SecureString 'not-the-token' -AsPlainText -Force))
        $caught = $null
        try { Invoke-SpaceSync -ScopePath $script:Scope -CloudCredential $wrong -Confirm:$false -ErrorAction Stop | Out-Null }
        catch { $caught = $_ }

        $caught.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SiteUnauthorized,*'
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $caught.TargetObject | Should -Be 'ENG'
        "$caught" | Should -Match '401'
    }

    It 'a vault credential signs in as its user name where the scope names no user (<Case>)' -ForEach @(
        @{ Case = 'the sync account'; User = 'admin@example.com'; Fails = $null }
        @{ Case = 'another account, refused by Cloud'; User = 'nobody@example.com'; Fails = 'SpaceSync.SiteUnauthorized' }
    ) {
        # The stand-in vault holds the Cloud login as a PSCredential: user name and API token.
        $token = Get-TestToken cloud
        $credential = [pscredential]::new($User, (ConvertTo-SecureString $token -AsPlainText -Force))
        Set-Item Function:\global:Get-Secret -Value { param($Name, $Vault, [switch] $AsPlainText) $credential }.GetNewClosure()
        try {
            $path = New-TestScopeFile -Folder (Join-Path $TestDrive "vault-account-$($User.Split('@')[0])") -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
                -CloudToken 'secret:Corp/CloudLogin' -Spaces "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`nstate:`n  path: $($script:State)`n"
            # No auth.user for Cloud: before, the scope file was refused (basic auth without a user).
            [IO.File]::WriteAllText($path, ([IO.File]::ReadAllText($path) -replace "\n      user: admin@example.com", ''))
            $caught = $null
            try { $result = Invoke-SpaceSync -ScopePath $path -Confirm:$false -ErrorAction Stop -WarningAction SilentlyContinue }
            catch { $caught = $_ }
        }
        finally { Remove-Item Function:\Get-Secret -ErrorAction SilentlyContinue }

        if ($Fails) {
            $caught.FullyQualifiedErrorId | Should -BeLike "$Fails,*"
            "$caught" | Should -Not -Match ([regex]::Escape($token))
        }
        else {
            $caught | Should -BeNullOrEmpty
            $result | Should -Not -BeNullOrEmpty
        }
    }

    It 'a space whose lock another run holds: SpaceSync.SpaceLocked, ResourceUnavailable, the space as target' {
        # The engine's own store from the module's load context, to hold the lock as a run underway would.
        $type = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SpaceSync.Core' } |
            ForEach-Object { $_.GetType('SpaceSync.Core.State.StateStore') } | Select-Object -First 1
        $store = $type::Open($script:State)
        try {
            $store.TryAcquireLock('ENG', 'a-run-underway', [TimeSpan]::FromMinutes(5)).Acquired | Should -BeTrue
            $caught = $null
            try { Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorAction Stop | Out-Null }
            catch { $caught = $_ }
        }
        finally { $store.ReleaseLock('ENG', 'a-run-underway'); $store.Dispose() }

        $caught.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SpaceLocked,*'
        $caught.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $caught.TargetObject | Should -Be 'ENG'
    }
}
