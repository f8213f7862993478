# Attachments through the built module (issue 4 item 2), over HTTP, against both emulators run as separate processes:
# a seeded Data Center space copied to Cloud as CCMA would (pages and their files), a baseline, then files added on
# either side, and a file above the Cloud site's attachment size limit. The Cloud emulator serves files as real Cloud
# does (issue 12 item 1): its servlet refuses API tokens, its REST download redirects to a media host on another port.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    function script:Add-File($Emulator, [string] $PageId, [string] $Name, [int] $Length, [int] $Seed) {
        # Uploads $Length pseudo-random bytes as a new attachment; returns their SHA-256.
        $bytes = [byte[]]::new($Length)
        [Random]::new($Seed).NextBytes($bytes)
        $path = Join-Path $TestDrive $Name
        [IO.File]::WriteAllBytes($path, $bytes)
        Add-EmulatorAttachment $Emulator $PageId $path
    }

    # The page's current files with the SHA-256 of what the site serves (Cloud: REST download, 302, media host).
    function script:Get-Files($Emulator, [string] $PageId) { Get-EmulatorAttachment $Emulator $PageId }

    function script:Get-WriteCount($Pair) { (Get-ConfluenceEmulatorWriteCount $Pair.Dc) + (Get-ConfluenceEmulatorWriteCount $Pair.Cloud) }

    function script:Get-CloudDownloadCounts($Cloud) {
        # How the Cloud emulator was asked for bytes: REST download (302), media host, the refused servlet.
        $byRoute = (Get-ConfluenceEmulatorStats $Cloud).byRoute
        [pscustomobject]@{
            Redirects = [int] $byRoute.'GET /wiki/rest/api/content/{id}/child/attachment/{attachmentId}/download'
            Media     = [int] $byRoute.'GET /file/{fileId}/binary'
            Servlet   = [int] $byRoute.'GET /wiki/download/attachments/{pageId}/{fileName}'
        }
    }
}

AfterAll {
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Attachments cross with the pages, byte-identical, and a file too large for the target fails alone' {
    BeforeAll {
        $dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 31
        $cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0 -ExtraArguments '--max-attachment-bytes', '100000'
        $folder = Join-Path $TestDrive 'att'
        $script:P = [pscustomobject]@{ Dc = $dc; Cloud = $cloud; Scope = $null; Map = $null; Logs = (Join-Path $folder 'logs') }
        Clear-SeededRestrictions $dc   # restricted pages are Restrictions.Tests.ps1's subject
        $script:P.Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $dc -Cloud $cloud -SpaceKey ENG -CloudKey ENG2
        # content.attachments is on by default; said here so the test reads on its own.
        $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    content:`n      attachments: true`n" +
            "state:`n  path: state/spacesync.db`nlogging:`n  path: logs/spacesync-.json`n  level: Verbose`n"
        $script:P.Scope = New-TestScopeFile -Folder $folder -CloudUrl $cloud.Url -DataCenterUrl $dc.Url -Spaces $spaces
        $null = Start-SpaceBaseline -ScopePath $script:P.Scope -SpaceKey ENG
        $script:Pages = @($script:P.Map.Keys | Sort-Object { [long]$_ })
    }

    AfterAll {
        if ($script:P) { $script:P.Dc, $script:P.Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator }
    }

    It 'pairs the files the migration copied at the baseline, so the first run uploads none of them' {
        $files = 0
        foreach ($id in $script:Pages) {
            $onDc = @(Get-Files $script:P.Dc $id | Sort-Object Name)
            $onCloud = @(Get-Files $script:P.Cloud $script:P.Map[$id] | Sort-Object Name)
            ($onCloud | ForEach-Object { "$($_.Name) $($_.Sha256)" }) -join ',' | Should -Be (($onDc | ForEach-Object { "$($_.Name) $($_.Sha256)" }) -join ',')
            $files += $onDc.Count
        }
        $files | Should -BeGreaterThan 0 -Because 'the seeder gives pages files and the migration copies them'
        Get-SyncDrift -ScopePath $script:P.Scope | Should -BeNullOrEmpty

        Reset-ConfluenceEmulatorStats $script:P.Dc, $script:P.Cloud
        $run = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
        $run.Errors | Should -BeNullOrEmpty
        $run.Count('UploadAttachment') | Should -Be 0
        Get-WriteCount $script:P | Should -Be 0
    }

    It 'copies a file added on Data Center to Cloud, byte-identical, and Get-SyncDrift shows it first' {
        $page = $script:Pages[0]
        $hash = Add-File $script:P.Dc $page 'from-dc.bin' 40000 6
        $drift = @(Get-SyncDrift -ScopePath $script:P.Scope)
        $drift.Count | Should -Be 1
        "$($drift[0].DataCenterChanges)" | Should -Match 'Attachments'
        $drift[0].Action | Should -Be 'copy attachments to Cloud'

        Reset-ConfluenceEmulatorStats $script:P.Cloud
        $run = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
        $run.Errors | Should -BeNullOrEmpty
        $run.Count('UploadAttachment') | Should -Be 1
        # The upload is checked by reading it back from Cloud: one redirect, one media host request, no servlet.
        $counts = Get-CloudDownloadCounts $script:P.Cloud
        "$($counts.Redirects) $($counts.Media) $($counts.Servlet)" | Should -Be '1 1 0'
        (Get-Files $script:P.Cloud $script:P.Map[$page] | Where-Object Name -EQ 'from-dc.bin').Sha256 | Should -Be $hash
    }

    It 'copies a file added on Cloud to Data Center, reading it through the REST download and the media host' {
        $page = $script:Pages[1]
        $hash = Add-File $script:P.Cloud $script:P.Map[$page] 'from-cloud.bin' 30000 7
        # At its default the Cloud emulator refuses the servlet to the very credentials the sync uses.
        $servlet = Invoke-WebRequest -Uri "$($script:P.Cloud.Url)/download/attachments/$($script:P.Map[$page])/from-cloud.bin?version=1" `
            -Headers (Get-EmulatorAuthHeader $script:P.Cloud) -SkipHttpErrorCheck
        $servlet.StatusCode | Should -Be 401

        Reset-ConfluenceEmulatorStats $script:P.Cloud
        $run = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
        $run.Errors | Should -BeNullOrEmpty
        $run.Count('UploadAttachment') | Should -Be 1
        $counts = Get-CloudDownloadCounts $script:P.Cloud
        "$($counts.Redirects) $($counts.Media) $($counts.Servlet)" | Should -Be '1 1 0'
        (Get-Files $script:P.Dc $page | Where-Object Name -EQ 'from-cloud.bin').Sha256 | Should -Be $hash
    }

    It 'never writes a media link or its token to the log' {
        $log = Get-ChildItem -Path $script:P.Logs -Filter '*.json' -Recurse | Get-Content -Raw
        $log | Should -Not -BeNullOrEmpty
        $log | Should -Match 'from-cloud\.bin'   # the runs above are in it
        $log | Should -Not -Match 'token='
        $log | Should -Not -Match 'eyJ'          # the start of any JWT
    }

    It 'reports a file above the Cloud limit by name, size and limit, and carries everything else' {
        $page = $script:Pages[2]
        $null = Add-File $script:P.Dc $page 'huge.iso' 250000 8
        $small = Add-File $script:P.Dc $page 'small.txt' 900 9
        $run = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable problems
        $run.Count('UploadAttachment') | Should -Be 1
        $run.Count('Failed') | Should -Be 1
        $failed = @($run.Outcomes | Where-Object Outcome -EQ 'Failed')
        $failed[0].Message | Should -Match "'huge\.iso' \(250,000 bytes\)"
        $failed[0].Message | Should -Match '100000 bytes'
        (Get-Files $script:P.Cloud $script:P.Map[$page]).Name | Should -Not -Contain 'huge.iso'
        (Get-Files $script:P.Cloud $script:P.Map[$page] | Where-Object Name -EQ 'small.txt').Sha256 | Should -Be $small
    }

    It 'writes nothing on a run with nothing new' {
        # The refused file is taken away (it would be tried again, and refused again, on every run that lists it).
        $page = $script:Pages[2]
        $huge = @((Invoke-EmulatorApi $script:P.Dc "/rest/api/content/$page/child/attachment?filename=huge.iso").results)[0]
        $null = Invoke-EmulatorApi $script:P.Dc "/rest/api/content/$page/child/attachment/$($huge.id)" -Method Delete
        Reset-ConfluenceEmulatorStats $script:P.Dc, $script:P.Cloud
        $run = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
        $run.Count('UploadAttachment') | Should -Be 0
        Get-WriteCount $script:P | Should -Be 0
    }
}
