# Starts and stops the Confluence emulator (tests/SpaceSync.Emulator) as a separate process, for the
# demo and the Pester suite: the module under test talks to it over real HTTP on loopback.

function Start-ConfluenceEmulator {
    # -IndexLagSeconds: how long a write takes to reach the emulator's search index (CQL, Cloud's modified-date
    # listings). The emulator's own default is the real behaviour, a few seconds; here it is 0 unless asked for, because
    # the scenarios and the demo run a sync right after their edits, standing for a scheduled run that finds them
    # indexed. IndexLag.Tests.ps1 passes a lag and waits it out.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet('cloud', 'datacenter')] [string] $Flavor,
        [string] $ContextPath,
        [string] $SeedSpace,
        [int] $SeedPages,
        [int] $Seed = 1,
        [ValidateRange(0, 86400)] [double] $IndexLagSeconds = 0,
        [string[]] $ExtraArguments = @(),
        # One more token the admin signs in with (--admin-token). Default: the Pester suite's canary for the flavour
        # ($env:SPACESYNC_TEST_CANARY_CLOUD / _DC, set by tests/Invoke-PesterSuite.ps1), none outside the suite.
        [string] $AdminToken = $(if ($Flavor -eq 'cloud') { $env:SPACESYNC_TEST_CANARY_CLOUD } else { $env:SPACESYNC_TEST_CANARY_DC }),
        # Error bodies quote the request's Authorization header (--echo-authorization), as a misbehaving proxy would.
        # Default: on inside the Pester suite ($env:SPACESYNC_TEST_ECHO_AUTHORIZATION = 1), off elsewhere.
        [switch] $EchoAuthorization = ($env:SPACESYNC_TEST_ECHO_AUTHORIZATION -eq '1'),
        [string] $Configuration = 'Release',
        [int] $TimeoutSeconds = 60
    )
    $root = Split-Path $PSScriptRoot
    $dll = Join-Path $root "tests/SpaceSync.Emulator/bin/$Configuration/net10.0/SpaceSync.Emulator.dll"
    if (-not (Test-Path $dll)) { throw "The emulator is not built: $dll is missing. Run 'dotnet pwsh ./build.ps1 -Task Build' first." }

    $arguments = @($dll, '--flavor', $Flavor, '--urls', 'http://127.0.0.1:0')
    if ($ContextPath) { $arguments += '--context-path', $ContextPath }
    if ($SeedSpace) { $arguments += '--seed-space', $SeedSpace, '--seed-pages', $SeedPages, '--seed', $Seed }
    $arguments += '--index-lag-seconds', $IndexLagSeconds.ToString([Globalization.CultureInfo]::InvariantCulture)
    if ($AdminToken) { $arguments += '--admin-token', $AdminToken }
    if ($EchoAuthorization) { $arguments += '--echo-authorization' }
    $arguments += $ExtraArguments

    $log = Join-Path ([IO.Path]::GetTempPath()) ("spacesync-emulator-{0}-{1}.log" -f $Flavor, [guid]::NewGuid().ToString('n').Substring(0, 8))
    $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -PassThru -NoNewWindow `
        -RedirectStandardOutput $log -RedirectStandardError "$log.err"

    # The emulator prints one line "Listening on <site url>" when it is ready.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) {
            $err = Get-Content -Raw "$log.err" -ErrorAction SilentlyContinue
            throw "The $Flavor emulator exited with code $($process.ExitCode) before it was ready. $err"
        }
        $line = Select-String -Path $log -Pattern '^Listening on (\S+)' -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($line) {
            return [pscustomobject]@{
                PSTypeName = 'SpaceSync.Test.Emulator'
                Flavor     = $Flavor
                Url        = $line.Matches[0].Groups[1].Value.TrimEnd('/')
                Process    = $process
                LogPath    = $log
            }
        }
        Start-Sleep -Milliseconds 100
    }
    Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
    throw "The $Flavor emulator did not report 'Listening on' within $TimeoutSeconds s (log: $log)."
}

function Stop-ConfluenceEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Emulator)
    process {
        if ($Emulator -and -not $Emulator.Process.HasExited) {
            $Emulator.Process.Kill($true)
            $null = $Emulator.Process.WaitForExit(10000)
        }
        Remove-Item $Emulator.LogPath, "$($Emulator.LogPath).err" -ErrorAction SilentlyContinue
    }
}

function Get-ConfluenceEmulatorStats {
    # Request counters of one emulator (control endpoint; not counted itself).
    param([Parameter(Mandatory)] $Emulator)
    $origin = ([uri]$Emulator.Url).GetLeftPart([UriPartial]::Authority)
    Invoke-RestMethod -Uri "$origin/__emulator/stats"
}

function Get-EmulatorOrigin([Parameter(Mandatory)] $Emulator) { ([uri]$Emulator.Url).GetLeftPart([UriPartial]::Authority) }

function Reset-ConfluenceEmulatorStats {
    <#
    .SYNOPSIS
        Zeroes an emulator's request counters (total, held, per route).
    .EXAMPLE
        Reset-ConfluenceEmulatorStats $dc, $cloud
    #>
    param([Parameter(Mandatory, ValueFromPipeline)] [object[]] $Emulator)
    process { foreach ($e in $Emulator) { $null = Invoke-RestMethod -Method Post -Uri "$(Get-EmulatorOrigin $e)/__emulator/stats/reset" } }
}

function Get-ConfluenceEmulatorWriteCount {
    <#
    .SYNOPSIS
        The number of API requests an emulator served that were not GET (its writes), from its request counters.
    #>
    param([Parameter(Mandatory)] $Emulator)
    $stats = Get-ConfluenceEmulatorStats $Emulator
    $writes = 0
    foreach ($route in $stats.byRoute.PSObject.Properties) { if ($route.Name -notlike 'GET *') { $writes += $route.Value } }
    return $writes
}

function Set-ConfluenceEmulatorFault {
    <#
    .SYNOPSIS
        Replaces all fault knobs of a running emulator (PUT /__emulator/faults); knobs not given are off.
    .DESCRIPTION
        -HoldMethod, -HoldPathPrefix and -HoldMs together hold the answer of matching requests after their work is
        done (the path as the client sends it, e.g. /wiki/api/v2/pages or /confluence/rest/api/content).
        -HoldMode silent makes matching requests a stuck site (accepted, no work, never answered; -HoldMethod * matches
        every method, -HoldMs is not needed); -HoldMode stallBody sends the headers and half the body, then nothing.
        -RateLimit N allows N requests per -RateLimitWindowSeconds; -RateLimitSignal says what a refusal carries
        (retryAfter, resetOnly: X-RateLimit-Reset only, none: a bare 429), -RateLimitRetryAfterSeconds asks for a long
        wait and refuses everything meanwhile, -NearLimitPercent sends X-RateLimit-NearLimit (Cloud) under that share of
        the window. -FailRetryAfterSeconds is the Retry-After of the -FailPercent 503s (0 = none).
        Called without knobs it switches every fault off.
    .EXAMPLE
        Set-ConfluenceEmulatorFault $cloud -HoldMethod POST -HoldPathPrefix /wiki/api/v2/pages -HoldMs 60000
    .EXAMPLE
        Set-ConfluenceEmulatorFault $cloud   # all faults off
    #>
    param(
        [Parameter(Mandatory)] $Emulator,
        [int] $LatencyMs,
        [double] $FailPercent,
        [double] $DropPercent,
        [double] $DropAfterPercent,
        [int] $RateLimit,
        [int] $RateLimitWindowSeconds = 1,
        [ValidateSet('retryAfter', 'resetOnly', 'none')] [string] $RateLimitSignal = 'retryAfter',
        [int] $RateLimitRetryAfterSeconds,
        [double] $NearLimitPercent = 20,
        [int] $FailRetryAfterSeconds = 1,
        [string] $HoldMethod,
        [string] $HoldPathPrefix,
        [int] $HoldMs,
        [ValidateSet('answer', 'silent', 'stallBody')] [string] $HoldMode = 'answer'
    )
    $settings = [ordered]@{
        latencyMs = $LatencyMs; failPercent = $FailPercent; failRetryAfterSeconds = $FailRetryAfterSeconds
        dropPercent = $DropPercent; dropAfterPercent = $DropAfterPercent
    }
    if ($RateLimit -gt 0) {
        $settings.rateLimit = @{
            limit = $RateLimit; windowSeconds = $RateLimitWindowSeconds; signal = $RateLimitSignal
            retryAfterSeconds = $RateLimitRetryAfterSeconds; nearLimitPercent = $NearLimitPercent
        }
    }
    if ($HoldMethod) { $settings.hold = @{ method = $HoldMethod; pathPrefix = $HoldPathPrefix; ms = $HoldMs; mode = $HoldMode } }
    Invoke-RestMethod -Method Put -Uri "$(Get-EmulatorOrigin $Emulator)/__emulator/faults" -ContentType 'application/json' `
        -Body ($settings | ConvertTo-Json -Depth 4 -Compress)
}

function Add-ConfluenceEmulatorConcurrentEdit {
    <#
    .SYNOPSIS
        Arms another user's edit of a page that lands just before the next write request to that page
        (POST /__emulator/concurrent-edits): that write then meets a version it did not plan against (409).
    .PARAMETER User
        Email, account id, user key or username of the editor; default the emulator's first user who is not the admin.
    .EXAMPLE
        Add-ConfluenceEmulatorConcurrentEdit $dc -PageId 42 -Body '<p>Bob was faster.</p>' -User bob@example.com
    #>
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $PageId,
        [Parameter(Mandatory)] [string] $Body,
        [string] $Title,
        [string] $User,
        [string] $Message
    )
    $request = @{ pageId = $PageId; body = $Body }
    if ($Title) { $request.title = $Title }
    if ($User) { $request.user = $User }
    if ($Message) { $request.message = $Message }
    Invoke-RestMethod -Method Post -Uri "$(Get-EmulatorOrigin $Emulator)/__emulator/concurrent-edits" -ContentType 'application/json' `
        -Body ($request | ConvertTo-Json -Compress)
}

function Get-ConfluenceEmulatorConcurrentEdit {
    <#
    .SYNOPSIS
        The concurrent edits still armed and those that landed: {pending: [...], applied: [{pageId, version, error}]}.
    #>
    param([Parameter(Mandatory)] $Emulator)
    Invoke-RestMethod -Uri "$(Get-EmulatorOrigin $Emulator)/__emulator/concurrent-edits"
}

function Set-ConfluenceEmulatorPageArchived {
    <#
    .SYNOPSIS
        Archives a Cloud page, or with -Restore brings it back from the archive (POST /__emulator/pages/{id}/archive|unarchive).
    .EXAMPLE
        Set-ConfluenceEmulatorPageArchived $cloud -PageId 2654215
    #>
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $PageId, [switch] $Restore)
    $verb = if ($Restore) { 'unarchive' } else { 'archive' }
    Invoke-RestMethod -Method Post -Uri "$(Get-EmulatorOrigin $Emulator)/__emulator/pages/$PageId/$verb"
}

function Set-ConfluenceEmulatorSpaceAdmin {
    <#
    .SYNOPSIS
        Gives or takes the sync account's space-admin permission (PUT /__emulator/space-admin); without it purges are refused.
        Returns {spaceAdmin}. Called without -SpaceAdmin it only reads the setting.
    #>
    param([Parameter(Mandatory)] $Emulator, [Nullable[bool]] $SpaceAdmin)
    $uri = "$(Get-EmulatorOrigin $Emulator)/__emulator/space-admin"
    if ($null -eq $SpaceAdmin) { return Invoke-RestMethod -Uri $uri }
    Invoke-RestMethod -Method Put -Uri $uri -ContentType 'application/json' -Body (@{ spaceAdmin = [bool]$SpaceAdmin } | ConvertTo-Json -Compress)
}

function Set-ConfluenceEmulatorIndexLag {
    <#
    .SYNOPSIS
        Sets how long a write takes to reach an emulator's search index (PUT /__emulator/index-lag): CQL and Cloud's
        modified-date listings show it that much later. 0 also indexes everything queued at once. Returns {seconds, queued};
        called without -Seconds it only reads them.
    .EXAMPLE
        Set-ConfluenceEmulatorIndexLag $dc -Seconds 0; Set-ConfluenceEmulatorIndexLag $dc -Seconds 8   # the lag elapses now
    #>
    param([Parameter(Mandatory)] $Emulator, [Nullable[double]] $Seconds)
    $uri = "$(Get-EmulatorOrigin $Emulator)/__emulator/index-lag"
    if ($null -eq $Seconds) { return Invoke-RestMethod -Uri $uri }
    Invoke-RestMethod -Method Put -Uri $uri -ContentType 'application/json' -Body (@{ seconds = [double]$Seconds } | ConvertTo-Json -Compress)
}

function Invoke-EmulatorApi {
    # One REST call to an emulator with its default credentials (Cloud Basic, Data Center Bearer).
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Path, [string] $Method = 'Get', $Body)
    $headers = if ($Emulator.Flavor -eq 'cloud') {
        @{ Authorization = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('admin@example.com:emulator-token')) }
    } else { @{ Authorization = 'Bearer emulator-pat' } }
    $uri = if ($Path -match '^https?://') { $Path } else { $Emulator.Url + $Path }
    $arguments = @{ Uri = $uri; Method = $Method; Headers = $headers }
    if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 10 -Compress); $arguments.ContentType = 'application/json' }
    Invoke-RestMethod @arguments
}

function Copy-ConfluenceSpaceLikeCcma {
    # Copies a Data Center space's page tree into an existing Cloud space through the REST APIs, as CCMA leaves
    # it: same titles, tree, bodies and labels, new ids. The Cloud space's homepage takes the Data Center homepage's
    # title and body. Returns the map of Data Center page id to Cloud page id.
    param([Parameter(Mandatory)] $DataCenter, [Parameter(Mandatory)] $Cloud, [Parameter(Mandatory)] [string] $SpaceKey, [Parameter(Mandatory)] [string] $CloudKey)
    $dcSpace = Invoke-EmulatorApi $DataCenter "/rest/api/space/${SpaceKey}?expand=homepage"
    $pages = [Collections.Generic.List[object]]::new()
    $next = "/rest/api/content?spaceKey=$SpaceKey&type=page&expand=body.storage,ancestors,version,metadata.labels&limit=50"
    while ($next) {
        $answer = Invoke-EmulatorApi $DataCenter $next
        $answer.results | ForEach-Object { $pages.Add($_) }
        $next = if ($answer._links.next) { $answer._links.base + $answer._links.next } else { $null }
    }
    $cloudSpace = (Invoke-EmulatorApi $Cloud "/api/v2/spaces?keys=$CloudKey").results[0]
    $map = @{}
    function Copy-PageLabels($DcPage, $CloudId) {
        # CCMA migrates page labels; Cloud's label writes are v1 (/wiki/rest/api).
        $labels = @($DcPage.metadata.labels.results | ForEach-Object { @{ prefix = $_.prefix; name = $_.name } })
        if ($labels.Count -gt 0) { $null = Invoke-EmulatorApi $Cloud "/rest/api/content/$CloudId/label" -Method Post -Body $labels }
    }
    foreach ($page in $pages | Sort-Object { @($_.ancestors).Count }, id) {
        $body = @{ representation = 'storage'; value = $page.body.storage.value }
        if ($page.id -eq $dcSpace.homepage.id) {
            $home = Invoke-EmulatorApi $Cloud "/api/v2/pages/$($cloudSpace.homepageId)"
            $null = Invoke-EmulatorApi $Cloud "/api/v2/pages/$($home.id)" -Method Put -Body @{
                id = $home.id; status = 'current'; title = $page.title; body = $body; version = @{ number = $home.version.number + 1 } }
            $map[$page.id] = [string]$home.id
            Copy-PageLabels $page $home.id
            continue
        }
        $parent = @($page.ancestors) | Select-Object -Last 1
        $request = @{ spaceId = $cloudSpace.id; status = 'current'; title = $page.title; body = $body }
        $path = '/api/v2/pages'
        if ($parent) { $request.parentId = $map[$parent.id] } else { $path += '?root-level=true' }
        $created = Invoke-EmulatorApi $Cloud $path -Method Post -Body $request
        $map[$page.id] = [string]$created.id
        Copy-PageLabels $page $created.id
    }
    # CCMA moves each page's files with it (same names and bytes, new ids): copied here through the REST APIs.
    foreach ($page in $pages) { Copy-EmulatorAttachments -DataCenter $DataCenter -Cloud $Cloud -DataCenterPageId $page.id -CloudPageId $map[$page.id] }
    return $map
}

function Get-EmulatorAuthHeader([Parameter(Mandatory)] $Emulator) {
    # The emulator's default credentials: Cloud Basic (e-mail and API token), Data Center Bearer (personal access token).
    if ($Emulator.Flavor -eq 'cloud') {
        @{ Authorization = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('admin@example.com:emulator-token')) }
    } else { @{ Authorization = 'Bearer emulator-pat' } }
}

function Add-EmulatorAttachment {
    # Uploads a file as a new attachment of a page (v1 multipart, both products) and returns its SHA-256.
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $PageId, [Parameter(Mandatory)] [string] $Path)
    $headers = (Get-EmulatorAuthHeader $Emulator) + @{ 'X-Atlassian-Token' = 'no-check' }
    $null = Invoke-RestMethod -Uri "$($Emulator.Url)/rest/api/content/$PageId/child/attachment" -Method Post -Headers $headers `
        -Form @{ file = Get-Item -LiteralPath $Path }
    (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash.ToLowerInvariant()
}

function Get-EmulatorAttachment {
    <#
    .SYNOPSIS
        A page's current files: name, version, size and the SHA-256 of the bytes the site serves, fetched the way each
        product documents: Data Center's download servlet; Cloud's REST download, whose 302 leads to the media host on
        another origin, asked without any credentials.
    #>
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $PageId)
    $auth = Get-EmulatorAuthHeader $Emulator
    $answer = Invoke-EmulatorApi $Emulator "/rest/api/content/$PageId/child/attachment?expand=version&limit=200"
    # Invoke-WebRequest cannot stop at a redirect without failing; this client shows Cloud's 302 as it comes.
    $client = [Net.Http.HttpClient]::new([Net.Http.SocketsHttpHandler]@{ AllowAutoRedirect = $false })
    try {
        foreach ($file in @($answer.results)) {
            $out = Join-Path ([IO.Path]::GetTempPath()) ('spacesync-file-' + [guid]::NewGuid().ToString('n'))
            try {
                if ($Emulator.Flavor -eq 'cloud') {
                    $request = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::Get,
                        "$($Emulator.Url)/rest/api/content/$PageId/child/attachment/$($file.id)/download?version=$($file.version.number)")
                    $null = $request.Headers.TryAddWithoutValidation('Authorization', $auth.Authorization)
                    $redirect = $client.SendAsync($request).GetAwaiter().GetResult()
                    if ([int] $redirect.StatusCode -ne 302) { throw "Cloud's download of '$($file.title)' answered $([int] $redirect.StatusCode), not 302." }
                    Invoke-WebRequest -Uri $redirect.Headers.Location -OutFile $out
                }
                else {
                    $uri = "$($Emulator.Url)/download/attachments/$PageId/$([uri]::EscapeDataString($file.title))?version=$($file.version.number)"
                    Invoke-WebRequest -Uri $uri -Headers $auth -OutFile $out
                }
                [pscustomobject]@{ Name = $file.title; Version = $file.version.number; Size = (Get-Item $out).Length
                    Sha256 = (Get-FileHash -Algorithm SHA256 $out).Hash.ToLowerInvariant() }
            }
            finally { Remove-Item $out -ErrorAction SilentlyContinue }
        }
    }
    finally { $client.Dispose() }
}

function Get-EmulatorTwinPage {
    # A Data Center leaf page at least two levels deep (the Skip-th) and its Cloud twin after Copy-ConfluenceSpaceLikeCcma,
    # found by title (CCMA keeps titles): a page a test may edit on either side without moving anything else.
    param([Parameter(Mandatory)] $DataCenter, [Parameter(Mandatory)] $Cloud, [string] $SpaceKey = 'ENG', [string] $CloudKey = 'ENG2',
        [int] $Skip = 0)
    $pages = (Invoke-EmulatorApi $DataCenter "/rest/api/content?spaceKey=$SpaceKey&type=page&limit=100&expand=ancestors,children.page").results
    $leaf = @($pages | Where-Object { $_.ancestors.Count -ge 2 -and $_.children.page.size -eq 0 })[$Skip]
    $cloudSpace = (Invoke-EmulatorApi $Cloud "/api/v2/spaces?keys=$CloudKey").results[0]
    $twin = (Invoke-EmulatorApi $Cloud "/api/v2/pages?space-id=$($cloudSpace.id)&title=$([uri]::EscapeDataString($leaf.title))").results[0]
    [pscustomobject]@{ Dc = $leaf; Cloud = $twin }
}

function Copy-EmulatorAttachments {
    # Copies the current files of one Data Center page to a Cloud page: download, then the v1 multipart upload.
    param([Parameter(Mandatory)] $DataCenter, [Parameter(Mandatory)] $Cloud, [Parameter(Mandatory)] [string] $DataCenterPageId,
        [Parameter(Mandatory)] [string] $CloudPageId)
    $dcAuth = @{ Authorization = 'Bearer emulator-pat' }
    $cloudAuth = @{ Authorization = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('admin@example.com:emulator-token'))
        'X-Atlassian-Token' = 'no-check' }
    $files = @((Invoke-EmulatorApi $DataCenter "/rest/api/content/$DataCenterPageId/child/attachment?expand=version&limit=200").results)
    if ($files.Count -eq 0) { return }
    $folder = Join-Path ([IO.Path]::GetTempPath()) ('spacesync-ccma-' + [guid]::NewGuid().ToString('n'))
    $null = New-Item -ItemType Directory -Path $folder
    try {
        foreach ($file in $files) {
            $path = Join-Path $folder $file.title
            $uri = "$($DataCenter.Url)/download/attachments/$DataCenterPageId/$([uri]::EscapeDataString($file.title))?version=$($file.version.number)"
            Invoke-WebRequest -Uri $uri -Headers $dcAuth -OutFile $path
            $null = Invoke-RestMethod -Uri "$($Cloud.Url)/rest/api/content/$CloudPageId/child/attachment" -Method Post -Headers $cloudAuth `
                -Form @{ file = Get-Item -LiteralPath $path }
        }
    }
    finally {
        Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function Start-ConfluenceEmulator, Stop-ConfluenceEmulator, Get-ConfluenceEmulatorStats, Invoke-EmulatorApi, Copy-ConfluenceSpaceLikeCcma,
    Reset-ConfluenceEmulatorStats, Get-ConfluenceEmulatorWriteCount, Set-ConfluenceEmulatorFault, Add-ConfluenceEmulatorConcurrentEdit,
    Get-ConfluenceEmulatorConcurrentEdit, Set-ConfluenceEmulatorPageArchived, Set-ConfluenceEmulatorSpaceAdmin,
    Get-EmulatorAuthHeader, Add-EmulatorAttachment, Get-EmulatorAttachment, Get-EmulatorTwinPage, Set-ConfluenceEmulatorIndexLag
