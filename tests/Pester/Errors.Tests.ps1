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
