# Rate limits through the built module (issue 12 item 9), over HTTP, against both emulators run as separate
# processes: a sync that Cloud throttles (429 with Retry-After) waits as asked, completes, and its result and log say
# how long it waited per site; NearLimit slows the run down without adding requests; a Retry-After of an hour is not
# slept: the run ends at once with an error naming the site and the wait asked for.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 8 -Seed 9
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc   # restricted pages are Restrictions.Tests.ps1's subject
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n" +
        "state:`n  path: state/spacesync.db`nlogging:`n  path: logs/sync-.json`n  level: Information`n"
    $script:Folder = Join-Path $TestDrive 'ratelimits'
    $script:Scope = New-TestScopeFile -Folder $script:Folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false   # the first, structural run: marks set
    $script:PageIds = @($script:Map.Keys | Sort-Object { [long]$_ })

    function script:Edit-DcPage([string] $Id, [string] $Text) {
        $page = Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version"
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $page.body.storage.value + "<p>$Text</p>"; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }

    function script:Get-CloudBody([string] $DcId) {
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($script:Map[$DcId])?body-format=storage").body.storage.value
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A sync against sites that rate-limit it' {
    AfterEach {
        Set-ConfluenceEmulatorFault $script:Cloud | Out-Null   # every knob off again
    }

    It 'waits out Cloud''s 429s as Retry-After asks, carries every change, and says per site how long it waited' {
        $edited = $script:PageIds[1..3]
        foreach ($id in $edited) { Edit-DcPage $id "Edited while Cloud throttles ($id)." }
        # Three requests per two seconds; no NearLimit spacing, so that the waits are the 429s' alone.
        Set-ConfluenceEmulatorFault $script:Cloud -RateLimit 3 -RateLimitWindowSeconds 2 -NearLimitPercent 0 | Out-Null
        Reset-ConfluenceEmulatorStats $script:Cloud

        # With the Debug stream on: one line per attempt, each retry saying what the attempt before it got (issue 15 item 1).
        $out = & { $DebugPreference = 'Continue'; Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false } 5>&1
        Set-ConfluenceEmulatorFault $script:Cloud | Out-Null   # the checks below read Cloud unthrottled
        $result = @($out | Where-Object { $_ -isnot [System.Management.Automation.DebugRecord] })[0]
        $requests = @($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -like 'HTTP *' } | ForEach-Object Message)
        $requests.Count | Should -Be $result.Requests
        $requests | Where-Object { $_ -match '^HTTP \S+: Cloud \S+ \S+: 429 in \d+ ms' } | Should -Not -BeNullOrEmpty
        $requests | Where-Object { $_ -match '^HTTP \S+: Cloud \S+ \S+: 200 in \d+ ms \(retry \d+ after 429\)$' } | Should -Not -BeNullOrEmpty

        $result.Errors | Should -BeNullOrEmpty
        $result.Count('Update') | Should -Be 3
        foreach ($id in $edited) { Get-CloudBody $id | Should -Match ([regex]::Escape("Edited while Cloud throttles ($id).")) }
        $result.RateLimitWait.Cloud.TotalSeconds | Should -BeGreaterThan 0 -Because 'Cloud answered 429 and the run waited'
        $result.RateLimitWait.DataCenter | Should -Be ([TimeSpan]::Zero)
        $result.RateLimitWait.Total | Should -Be $result.RateLimitWait.Cloud
        ($result | Format-List | Out-String) | Should -Match 'RateLimitWait\s*:\s*[\d.]+ s \(Data Center 0 s, Cloud [\d.]+ s\)'

        $log = Get-ChildItem (Join-Path $script:Folder 'logs') -Filter 'sync-*.json' | Select-Object -First 1
        $events = Get-Content $log.FullName | ForEach-Object { $_ | ConvertFrom-Json }
        $waited = @($events | Where-Object { $_.'@mt' -like '*for rate limits*' }) | Select-Object -Last 1
        $waited | Should -Not -BeNullOrEmpty
        $waited.Space | Should -Be 'ENG'
        $waited.CloudSeconds | Should -BeGreaterThan 0
        $waited.DataCenterSeconds | Should -Be 0
    }

    It 'slows down while Cloud says NearLimit, without a request more' {
        $id = $script:PageIds[5]
        Edit-DcPage $id 'First edit, Cloud at ease.'
        $atEase = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        $atEase.RateLimitWait.Total | Should -Be ([TimeSpan]::Zero)

        # A limit the run cannot reach, with every answer saying NearLimit.
        Set-ConfluenceEmulatorFault $script:Cloud -RateLimit 1000 -RateLimitWindowSeconds 60 -NearLimitPercent 100 | Out-Null
        Edit-DcPage $id 'Second edit, Cloud near its limit.'
        $near = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        Set-ConfluenceEmulatorFault $script:Cloud | Out-Null

        $near.Errors | Should -BeNullOrEmpty
        $near.Count('Update') | Should -Be 1
        Get-CloudBody $id | Should -Match 'Second edit, Cloud near its limit\.'
        $near.RateLimitWait.Cloud.TotalSeconds | Should -BeGreaterThan 0 -Because 'requests after a NearLimit answer start a second apart'
        $near.RateLimitWait.DataCenter | Should -Be ([TimeSpan]::Zero)
        $near.Requests | Should -Be $atEase.Requests -Because 'slowing down adds no request'
    }

    It 'does not sleep through a Retry-After of an hour: the run ends at once naming the site and the wait' {
        Edit-DcPage $script:PageIds[4] 'Edited when the hourly quota is spent.'
        Set-ConfluenceEmulatorFault $script:Cloud -RateLimit 1 -RateLimitWindowSeconds 3600 -RateLimitRetryAfterSeconds 3600 | Out-Null
        Reset-ConfluenceEmulatorStats $script:Cloud
        $watch = [Diagnostics.Stopwatch]::StartNew()

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 60 -Because 'the hour asked for is not slept'
        $result | Should -BeNullOrEmpty -Because 'the run could not read Cloud'
        $failure = @($failures) | Select-Object -First 1
        $failure.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SiteRateLimited,*'
        $failure.ErrorDetails.Message | Should -Match 'Cloud site at http://127\.0\.0\.1:\d+'
        # The emulator counts the hour from the first request; the refused one may come a second or two later.
        $failure.ErrorDetails.Message -match 'asks to wait (\d+) s \(Retry-After: \1\)' | Should -BeTrue
        [int]$Matches[1] | Should -BeGreaterThan 3500 -Because 'the wait named is the hour the site asked for'
        (Get-ConfluenceEmulatorStats $script:Cloud).byRoute.PSObject.Properties.Value | Measure-Object -Sum |
            Select-Object -ExpandProperty Sum | Should -Be 2 -Because 'one request passed, one was refused, and nothing was tried again'
    }
}
