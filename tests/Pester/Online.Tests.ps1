# Test-SyncScope -Online through the built module, over real HTTP, against both emulators.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 5
    $script:DataCenter = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 5
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    function script:New-OnlineScope([string] $Name, [string] $Spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n", [string] $DataCenterUrl = $script:DataCenter.Url) {
        New-TestScopeFile -Folder (Join-Path $TestDrive $Name) -CloudUrl $script:Cloud.Url -DataCenterUrl $DataCenterUrl -Spaces $Spaces
    }
}

AfterAll {
    $script:Cloud, $script:DataCenter | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Test-SyncScope -Online' {
    It 'passes every check against healthy sites' {
        $findings = Test-SyncScope -ScopePath (New-OnlineScope 'healthy') -Online
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        foreach ($site in 'Cloud', 'DataCenter') {
            foreach ($check in 'Reachable', 'Authenticated', 'SpaceExists', 'CanWrite') {
                $findings | Where-Object { "$($_.Site)" -eq $site -and $_.Check -eq $check } |
                    Should -Not -BeNullOrEmpty -Because "$site $check should be reported"
            }
        }
        ($findings | Where-Object { "$($_.Site)" -eq 'Cloud' -and $_.Check -eq 'SpaceExists' }).Message | Should -Match 'ENG2'
        Test-SyncScope -ScopePath (New-OnlineScope 'quiet') -Online -Quiet | Should -BeTrue
    }

    It 'reports a refused credential without repeating it, and still checks the other site' {
        $wrong = [pscredential]::new('admin@example.com', (ConvertTo-SecureString 'wrong-secret-1234' -AsPlainText -Force))
        $findings = Test-SyncScope -ScopePath (New-OnlineScope 'wrongtoken') -Online -CloudCredential $wrong -Verbose 4>&1
        $text = $findings | Out-String -Width 500
        $text | Should -Not -Match 'wrong-secret-1234'
        $text | Should -Not -Match ([regex]::Escape((Get-TestToken datacenter)))
        $problem = $findings | Where-Object { $_.PSTypeNames -contains 'SpaceSync.Core.Scope.ScopeFinding' -and $_.Severity -eq 'Error' }
        $problem.Code | Should -Be 'SiteUnauthorized'
        "$($problem.Site)" | Should -Be 'Cloud'
        $findings | Where-Object { $_.PSTypeNames -contains 'SpaceSync.Core.Scope.ScopeFinding' -and "$($_.Site)" -eq 'DataCenter' -and $_.Check -eq 'CanWrite' } | Should -Not -BeNullOrEmpty
    }

    It 'reports a space that is missing on one side' {
        $findings = Test-SyncScope -ScopePath (New-OnlineScope 'missing' -Spaces "  - key: ENG`n    cloudKey: NOPE`n    owner: eng@example.com`n") -Online
        $missing = $findings | Where-Object Severity -eq 'Error'
        $missing.Code | Should -Be 'SpaceNotFound'
        "$($missing.Site)" | Should -Be 'Cloud'
        $missing.Message | Should -Match 'NOPE'
        $missing.Location.Line | Should -Be 15
    }

    It 'reports an environment variable that is not set' {
        Remove-Item Env:SPACESYNC_TEST_DC_TOKEN
        try {
            $findings = Test-SyncScope -ScopePath (New-OnlineScope 'noenv') -Online
        }
        finally { $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter) }
        $problem = $findings | Where-Object Severity -eq 'Error'
        $problem.Code | Should -Be 'SecretNotFound'
        $problem.Message | Should -Match 'SPACESYNC_TEST_DC_TOKEN'
    }

    It 'reports a Data Center URL without its context path' {
        $root = ([uri]$script:DataCenter.Url).GetLeftPart([UriPartial]::Authority)
        $findings = Test-SyncScope -ScopePath (New-OnlineScope 'nocontext' -DataCenterUrl $root) -Online
        $problem = $findings | Where-Object { $_.Severity -eq 'Error' -and "$($_.Site)" -eq 'DataCenter' }
        $problem.Code | Should -Be 'SiteApiNotFound'
        $problem.Message | Should -Match 'context path'
    }

    It 'checks only the spaces named with -SpaceKey' {
        $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: a@example.com`n  - key: GONE`n    owner: a@example.com`n"
        $findings = Test-SyncScope -ScopePath (New-OnlineScope 'subset' -Spaces $spaces) -Online -SpaceKey ENG
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        $findings | Where-Object SpaceKey -eq 'GONE' | Should -BeNullOrEmpty
    }

    It 'waits out a rate limit as the site asks (Retry-After) and still passes' {
        $origin = ([uri]$script:Cloud.Url).GetLeftPart([UriPartial]::Authority)
        # NearLimit off: its spacing would keep the check under the limit, and this is about the 429 (RateLimits.Tests.ps1 has both).
        Invoke-RestMethod -Method Put -Uri "$origin/__emulator/faults" -ContentType 'application/json' `
            -Body '{"rateLimit":{"limit":2,"windowSeconds":1,"nearLimitPercent":0}}' | Out-Null
        try {
            $all = Test-SyncScope -ScopePath (New-OnlineScope 'ratelimited') -Online -Verbose 4>&1
        }
        finally {
            Invoke-RestMethod -Method Put -Uri "$origin/__emulator/faults" -ContentType 'application/json' -Body '{}' | Out-Null
        }
        $verbose = $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $findings = $all | Where-Object { $_.PSTypeNames -contains 'SpaceSync.Core.Scope.ScopeFinding' }
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        ($verbose.Message -join "`n") | Should -Match '429'
    }

    It 'logs the check to the scope''s compact-JSON log without any token' {
        $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`nlogging:`n  path: logs/check-.json`n  level: Debug`n"
        $scope = New-OnlineScope 'logged' -Spaces $spaces
        $wrong = [pscredential]::new('admin@example.com', (ConvertTo-SecureString 'wrong-secret-5678' -AsPlainText -Force))
        Test-SyncScope -ScopePath $scope -Online -CloudCredential $wrong | Out-Null
        $file = Get-ChildItem (Join-Path (Split-Path $scope) 'logs') -Filter 'check-*.json' | Select-Object -First 1
        $file | Should -Not -BeNullOrEmpty
        $lines = Get-Content $file.FullName
        $events = $lines | ForEach-Object { $_ | ConvertFrom-Json }
        $events.'@mt' | Should -Contain 'Test-SyncScope -Online: {ScopePath}, {SpaceCount} spaces'
        ($events | Where-Object { $_.Code -eq 'SiteUnauthorized' }) | Should -Not -BeNullOrEmpty
        $text = $lines -join "`n"
        $text | Should -Not -Match 'wrong-secret-5678'
        $text | Should -Not -Match ([regex]::Escape((Get-TestToken datacenter)))
    }
}
