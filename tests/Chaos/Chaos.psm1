# The chaos driver (issue 13, "Also build"): per seed, a Data Center and a Cloud emulator as processes, a space copied
# like CCMA, then Start-SpaceBaseline and Invoke-SpaceSync run by the built module in a child pwsh that is SIGKILLed
# at a point the seed chooses (after a time, at a request count, or while a write's answer is held by the emulator),
# rerun until done, and the outcome checked from outside: the two sites agree pair by pair, nothing is duplicated, no
# edit is lost, the state file passes PRAGMA integrity_check, and a run that found a dead run's lock took it over and
# said so. Used by tests/Pester/Chaos.Tests.ps1 (a few fixed seeds) and build.ps1 -Task Chaos (many). The state file is
# read with plain Microsoft.Data.Sqlite (tests/SpaceSync.StateQuery), never through the module under test.

$root = Split-Path (Split-Path $PSScriptRoot)
Import-Module (Join-Path $root 'tools/EmulatorProcess.psm1')
Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1')

# Write routes a held answer is chosen from, per phase (the path as the module sends it): those the phase's edits need.
$script:HoldRoutes = @{
    baseline = @(@{ Emulator = 'Cloud'; Method = 'PUT'; Prefix = '/wiki/api/v2/pages/' })
    sync     = @(
        @{ Emulator = 'Cloud'; Method = 'PUT'; Prefix = '/wiki/api/v2/pages/' },
        @{ Emulator = 'Cloud'; Method = 'POST'; Prefix = '/wiki/api/v2/pages' },
        @{ Emulator = 'Dc'; Method = 'PUT'; Prefix = '/confluence/rest/api/content/' },
        @{ Emulator = 'Dc'; Method = 'POST'; Prefix = '/confluence/rest/api/content' },
        @{ Emulator = 'Cloud'; Method = 'DELETE'; Prefix = '/wiki/api/v2/pages/' })
}

function Get-PwshLauncher {
    # The pwsh this driver runs in, started directly: killing that process kills the engine, not a launcher in front of it
    # (`dotnet pwsh` starts pwsh as a child of the dotnet tool runner).
    $process = [Environment]::ProcessPath
    $first = [Environment]::GetCommandLineArgs()[0]
    if ((Split-Path -Leaf $process) -like 'dotnet*' -and $first -like '*.dll') { return @{ File = $process; Prefix = @($first) } }
    return @{ File = $process; Prefix = @() }
}

function Invoke-StateQuery {
    # One read-only query on the state file through tests/SpaceSync.StateQuery (plain Microsoft.Data.Sqlite, never the module
    # under test; a fresh machine has no sqlite3 shell), lines of tab-separated values out.
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Sql)
    $tool = Join-Path $root 'tests/SpaceSync.StateQuery/bin/Release/net10.0/SpaceSync.StateQuery.dll'
    if (-not (Test-Path -LiteralPath $tool)) { throw "The chaos checks read the state file with '$tool'; build the solution first (build.ps1 -Task Build)." }
    $out = & dotnet $tool $Path $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Reading '$Path' failed ($Sql): $out" }
    @($out | ForEach-Object { "$_" })
}

function Start-ChaosChild {
    # Starts one cmdlet run in a fresh pwsh; its output (one line per warning, error and result) goes to $Log.
    param([Parameter(Mandatory)] [string] $Command, [Parameter(Mandatory)] [string] $ModuleManifest, [Parameter(Mandatory)] [string] $Log)
    $script = @"
`$ErrorActionPreference = 'Continue'
Import-Module '$ModuleManifest'
[Console]::Out.WriteLine('CHAOS-STARTED')
try {
    & { $Command } 3>&1 2>&1 | ForEach-Object {
        if (`$_ -is [System.Management.Automation.WarningRecord]) { 'WARNING: ' + `$_.Message }
        elseif (`$_ -is [System.Management.Automation.ErrorRecord]) { 'ERROR: ' + `$_.FullyQualifiedErrorId + ': ' + `$_ }
        elseif (`$_.PSObject.Properties['Errors']) { 'RESULT: ' + `$_.GetType().Name + ' errors=' + @(`$_.Errors).Count + ' ' + (@(`$_.Errors) -join ' | ') }
    } | ForEach-Object { [Console]::Out.WriteLine(`$_) }
}
catch { [Console]::Out.WriteLine('ERROR: ' + `$_.FullyQualifiedErrorId + ': ' + `$_) }
[Console]::Out.WriteLine('CHAOS-ENDED')
"@
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
    $launcher = Get-PwshLauncher
    $arguments = $launcher.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)
    Start-Process -FilePath $launcher.File -ArgumentList $arguments -PassThru -NoNewWindow -RedirectStandardOutput $Log -RedirectStandardError "$Log.err"
}

function Set-ChaosFaults {
    # The fault knobs of one emulator: the storm while $World.Storm is on (5xx, drops before and after the work), plus a
    # held write answer when asked. Every PUT replaces all knobs, so both are given together.
    param($World, [ValidateSet('Dc', 'Cloud')] [string] $Side, [hashtable] $Hold)
    $knobs = @{}
    if ($World.Storm) { $knobs = @{ FailPercent = 15; FailRetryAfterSeconds = 0; DropPercent = 4; DropAfterPercent = 4 } }
    if ($Hold) { $knobs += @{ HoldMethod = $Hold.Method; HoldPathPrefix = $Hold.Prefix; HoldMs = 300000 } }
    $null = Set-ConfluenceEmulatorFault $World.$Side @knobs
}

function Get-ChildLog([string] $Log) { @(Get-Content -LiteralPath $Log -ErrorAction SilentlyContinue) + @(Get-Content -LiteralPath "$Log.err" -ErrorAction SilentlyContinue) }

function Get-EmulatorCounts($World) {
    $dc = Get-ConfluenceEmulatorStats $World.Dc; $cloud = Get-ConfluenceEmulatorStats $World.Cloud
    $writes = 0
    foreach ($s in $dc, $cloud) { foreach ($r in $s.byRoute.PSObject.Properties) { if ($r.Name -notlike 'GET *') { $writes += $r.Value } } }
    [pscustomobject]@{ Requests = [int]$dc.total + [int]$cloud.total; Writes = $writes; Held = [int]$dc.held + [int]$cloud.held }
}

function Invoke-KilledRun {
    <#
    .SYNOPSIS
        Starts a run and SIGKILLs it at the point $Rng picks; returns where the kill landed (or that the run ended first).
    #>
    param($World, [string] $Phase, [string] $Command, [Random] $Rng, [int] $Attempt)
    $modes = 'time', 'requests', 'held'
    $mode = $modes[$Rng.Next(0, $modes.Count)]
    $hold = $null
    Reset-ConfluenceEmulatorStats $World.Dc, $World.Cloud
    if ($mode -eq 'held') {
        $routes = $script:HoldRoutes[$Phase]
        $hold = $routes[$Rng.Next(0, $routes.Count)]
        Set-ChaosFaults $World $hold.Emulator -Hold $hold
    }
    $afterMs = $Rng.Next(0, 4000)                                # time: after the module is loaded
    $atRequests = $Rng.Next(1, $World.RequestSpan[$Phase] + 1)   # requests: both sites together
    $log = Join-Path $World.Folder ("{0}-kill{1}.log" -f $Phase, $Attempt)
    $process = Start-ChaosChild -Command $Command -ModuleManifest $World.Manifest -Log $log
    $started = $null
    $deadline = [DateTime]::UtcNow.AddSeconds(180)
    $counts = $null
    try {
        while (-not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            if (-not $started -and (Select-String -LiteralPath $log -Pattern 'CHAOS-STARTED' -Quiet -ErrorAction SilentlyContinue)) { $started = [DateTime]::UtcNow }
            $counts = Get-EmulatorCounts $World
            $due = switch ($mode) {
                'time' { $started -and ([DateTime]::UtcNow - $started).TotalMilliseconds -ge $afterMs }
                'requests' { $counts.Requests -ge $atRequests }
                'held' { $counts.Held -ge 1 }
            }
            if ($due) { break }
            Start-Sleep -Milliseconds 20
        }
        $ended = $process.HasExited
        if (-not $ended) {
            $counts = Get-EmulatorCounts $World   # what had happened when the kill went out
            $process.Kill()                       # SIGKILL on Unix: no finally blocks, no disposal, no lock release
            $null = $process.WaitForExit(15000)
        }
    }
    finally {
        if (-not $process.HasExited) { $process.Kill($true) }
        if ($hold) { Set-ChaosFaults $World $hold.Emulator }   # the hold ends; a storm, if any, goes on
    }
    $landed = if ($ended) { 'ended-first' } elseif ($counts.Held -gt 0) { 'held' } elseif ($counts.Writes -eq 0) { 'before-write' } else { 'mid-run' }
    $what = switch ($mode) { 'time' { "$afterMs ms" } 'requests' { "request $atRequests" } 'held' { "$($hold.Method) $($hold.Prefix) held" } }
    [pscustomobject]@{ Phase = $Phase; Mode = $mode; At = $what; Landed = $landed; Requests = $counts.Requests; Writes = $counts.Writes; Log = $log }
}

function Invoke-CompletedRun {
    # Runs to the end (no kill); returns its output lines. A run that does not end within the timeout is a violation.
    param($World, [string] $Phase, [string] $Command, [int] $Attempt)
    $log = Join-Path $World.Folder ("{0}-run{1}.log" -f $Phase, $Attempt)
    Reset-ConfluenceEmulatorStats $World.Dc, $World.Cloud
    $process = Start-ChaosChild -Command $Command -ModuleManifest $World.Manifest -Log $log
    if (-not $process.WaitForExit(300000)) { $process.Kill($true); throw "The $Phase rerun $Attempt did not end within 300 s (log: $log)." }
    $process.WaitForExit()
    $World.Completed.Add([pscustomobject]@{ Phase = $Phase; Requests = (Get-EmulatorCounts $World).Requests })
    Get-ChildLog $log
}

function New-ChaosWorld {
    param([int] $Seed, [int] $Pages, [string] $Folder, [string] $ModuleManifest, [switch] $Storm)
    $dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages $Pages -Seed $Seed
    $cloud = $null
    try {
        $cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0 -Seed $Seed
        Clear-SeededRestrictions $dc
        $map = Copy-ConfluenceSpaceLikeCcma -DataCenter $dc -Cloud $cloud -SpaceKey ENG -CloudKey ENG2
    }
    catch {
        $dc, $cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
        throw
    }
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    maxDeletePercent: 50`n" +
        "state:`n  path: state/spacesync.db`n"
    $scope = New-TestScopeFile -Folder $Folder -CloudUrl $cloud.Url -DataCenterUrl $dc.Url -Spaces $spaces
    [pscustomobject]@{
        Seed = $Seed; Dc = $dc; Cloud = $cloud; Folder = $Folder; Scope = $scope; Map = $map; Manifest = $ModuleManifest
        StormAsked = [bool]$Storm; Storm = $false; StormErrors = 0; LockCarried = $false
        StatePath = Join-Path $Folder 'state/spacesync.db'; Completed = [Collections.Generic.List[object]]::new()
        # The request counts a whole run of each phase takes at this size, roughly: request-count kills fall inside.
        RequestSpan = @{ baseline = 10 + $Pages; sync = 20 + 2 * $Pages }
    }
}

function Get-DcView($World) {
    # Current pages of the Data Center space: id, title, parent id, body, labels, files (name and size).
    $pages = @{}
    $next = '/rest/api/content?spaceKey=ENG&type=page&expand=body.storage,ancestors,metadata.labels,children.attachment&limit=100'
    while ($next) {
        $answer = Invoke-EmulatorApi $World.Dc $next
        foreach ($p in $answer.results) {
            $parent = @($p.ancestors) | Select-Object -Last 1
            $pages[[string]$p.id] = [pscustomobject]@{ Id = [string]$p.id; Title = $p.title; ParentId = if ($parent) { [string]$parent.id } else { $null }
                Body = $p.body.storage.value; Labels = (@($p.metadata.labels.results | ForEach-Object name | Sort-Object) -join ',')
                Files = Get-FileList $World.Dc ([string]$p.id) }
        }
        $next = if ($answer._links.next) { $answer._links.base + $answer._links.next } else { $null }
    }
    $pages
}

function Get-CloudView($World) {
    $space = (Invoke-EmulatorApi $World.Cloud '/api/v2/spaces?keys=ENG2').results[0]
    $origin = ([uri]$World.Cloud.Url).GetLeftPart([UriPartial]::Authority)
    $pages = @{}
    $next = "/api/v2/spaces/$($space.id)/pages?status=current&body-format=storage&limit=100"
    while ($next) {
        $answer = Invoke-EmulatorApi $World.Cloud $next
        foreach ($p in $answer.results) {
            $id = [string]$p.id
            $labels = (Invoke-EmulatorApi $World.Cloud "/rest/api/content/$id/label?limit=200").results
            $pages[$id] = [pscustomobject]@{ Id = $id; Title = $p.title; ParentId = if ($p.parentId) { [string]$p.parentId } else { $null }
                Body = $p.body.storage.value; Labels = (@($labels | ForEach-Object name | Sort-Object) -join ','); Files = Get-FileList $World.Cloud $id }
        }
        $next = if ($answer._links.next) { $origin + $answer._links.next } else { $null }
    }
    $pages
}

function Get-FileList($Emulator, [string] $PageId) {
    $files = (Invoke-EmulatorApi $Emulator "/rest/api/content/$PageId/child/attachment?limit=200&expand=extensions").results
    (@($files | ForEach-Object { "$($_.title):$($_.extensions.fileSize)" } | Sort-Object) -join ',')
}

function New-ChaosEdits {
    <#
    .SYNOPSIS
        Users' edits on both sides before a sync, on pages the seed picks; returns what each must look like afterwards.
    #>
    param($World, [Random] $Rng)
    $dcView = Get-DcView $World
    $pairs = Get-PairMap $World
    $homeId = @($dcView.Values | Where-Object { -not $_.ParentId })[0].Id
    $children = @{}; foreach ($p in $dcView.Values) { if ($p.ParentId) { $children[$p.ParentId] = $true } }
    $pool = [Collections.Generic.List[string]]::new()
    $dcView.Keys | Where-Object { $_ -ne $homeId -and $pairs.ContainsKey($_) } | Sort-Object { [long]$_ } | ForEach-Object { $pool.Add($_) }
    $take = {
        param([scriptblock] $Where)
        $fit = @($pool | Where-Object $Where)
        if ($fit.Count -eq 0) { return $null }
        $id = $fit[$Rng.Next(0, $fit.Count)]
        $null = $pool.Remove($id)
        $id
    }
    $tag = "chaos-$($World.Seed)"
    $expect = [Collections.Generic.List[object]]::new()

    # A leaf on Data Center goes to the trash.
    $gone = & $take { -not $children.ContainsKey($_) }
    if ($gone) {
        $null = Invoke-EmulatorApi $World.Dc "/rest/api/content/$gone" -Method Delete
        $expect.Add(@{ Kind = 'delete'; DcId = $gone; CloudId = $pairs[$gone]; Title = $dcView[$gone].Title })
    }
    # Body edits on either side.
    $id = & $take { $true }
    Set-ChaosPage $World Dc $id -Body "<p>$tag edited on Data Center.</p>"
    $expect.Add(@{ Kind = 'body'; DcId = $id; CloudId = $pairs[$id]; Marker = "$tag edited on Data Center." })
    $id = & $take { $true }
    Set-ChaosPage $World Cloud $pairs[$id] -Body "<p>$tag edited on Cloud.</p>"
    $expect.Add(@{ Kind = 'body'; DcId = $id; CloudId = $pairs[$id]; Marker = "$tag edited on Cloud." })
    # A rename on Data Center.
    $id = & $take { $true }
    $title = "$($dcView[$id].Title) ($tag renamed)"
    Set-ChaosPage $World Dc $id -Title $title
    $expect.Add(@{ Kind = 'title'; DcId = $id; CloudId = $pairs[$id]; Title = $title })
    # A move on Cloud, to the home page (a page already there moves below another page that is not its own descendant).
    $id = & $take { $true }
    if ($id) {
        $target = $homeId
        if ($dcView[$id].ParentId -eq $homeId) {
            $below = @(Get-Subtree $dcView $id)
            $options = @($dcView.Keys | Where-Object { $_ -ne $id -and $_ -ne $homeId -and $below -notcontains $_ -and $_ -ne $gone -and $pairs.ContainsKey($_) } | Sort-Object { [long]$_ })
            if ($options.Count -gt 0) { $target = $options[$Rng.Next(0, $options.Count)] } else { $target = $null }
        }
        if ($target) {
            Set-ChaosPage $World Cloud $pairs[$id] -ParentId $pairs[$target]
            $expect.Add(@{ Kind = 'parent'; DcId = $id; CloudId = $pairs[$id]; DcParentId = $target; CloudParentId = $pairs[$target] })
        }
    }
    # A label on Data Center, a file on Cloud.
    $id = & $take { $true }
    $null = Invoke-EmulatorApi $World.Dc "/rest/api/content/$id/label" -Method Post -Body @(@{ prefix = 'global'; name = $tag })
    $expect.Add(@{ Kind = 'label'; DcId = $id; CloudId = $pairs[$id]; Label = $tag })
    $id = & $take { $true }
    $bytes = [byte[]]::new(2048 + $Rng.Next(0, 4096)); $Rng.NextBytes($bytes)
    $file = Join-Path $World.Folder "$tag.bin"
    [IO.File]::WriteAllBytes($file, $bytes)
    $hash = Add-EmulatorAttachment $World.Cloud $pairs[$id] $file
    $expect.Add(@{ Kind = 'file'; DcId = $id; CloudId = $pairs[$id]; Name = "$tag.bin"; Sha256 = $hash })
    # New pages on both sides, below a page the seed picks (not the trashed one).
    $parents = @($dcView.Keys | Where-Object { $_ -ne $gone -and $pairs.ContainsKey($_) } | Sort-Object { [long]$_ })
    $parent = $parents[$Rng.Next(0, $parents.Count)]
    $null = Invoke-EmulatorApi $World.Dc '/rest/api/content' -Method Post -Body @{ type = 'page'; title = "$tag new on Data Center"; space = @{ key = 'ENG' }
        ancestors = @(@{ id = $parent }); body = @{ storage = @{ value = "<p>$tag created on Data Center.</p>"; representation = 'storage' } } }
    $expect.Add(@{ Kind = 'new'; Title = "$tag new on Data Center"; Marker = "$tag created on Data Center."; DcParentId = $parent })
    $parent = $parents[$Rng.Next(0, $parents.Count)]
    $cloudSpace = (Invoke-EmulatorApi $World.Cloud '/api/v2/spaces?keys=ENG2').results[0]
    $null = Invoke-EmulatorApi $World.Cloud '/api/v2/pages' -Method Post -Body @{ spaceId = $cloudSpace.id; status = 'current'; title = "$tag new on Cloud"
        parentId = $pairs[$parent]; body = @{ representation = 'storage'; value = "<p>$tag created on Cloud.</p>" } }
    $expect.Add(@{ Kind = 'new'; Title = "$tag new on Cloud"; Marker = "$tag created on Cloud."; DcParentId = $parent })
    return $expect
}

function Get-Subtree($View, [string] $Id) {
    foreach ($p in $View.Values) { if ($p.ParentId -eq $Id) { $p.Id; Get-Subtree $View $p.Id } }
}

function Set-ChaosPage {
    # A user's edit through the site's own API (a new version): body, title or parent.
    param($World, [ValidateSet('Dc', 'Cloud')] [string] $Side, [string] $Id, [string] $Body, [string] $Title, [string] $ParentId)
    if ($Side -eq 'Dc') {
        $page = Invoke-EmulatorApi $World.Dc "/rest/api/content/${Id}?expand=body.storage,version"
        $request = @{ id = $Id; type = 'page'; title = $(if ($Title) { $Title } else { $page.title }); space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $(if ($Body) { $Body } else { $page.body.storage.value }); representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
        if ($ParentId) { $request.ancestors = @(@{ id = $ParentId }) }
        $null = Invoke-EmulatorApi $World.Dc "/rest/api/content/$Id" -Method Put -Body $request
    }
    else {
        $page = Invoke-EmulatorApi $World.Cloud "/api/v2/pages/${Id}?body-format=storage"
        $request = @{ id = $Id; status = 'current'; title = $(if ($Title) { $Title } else { $page.title })
            body = @{ representation = 'storage'; value = $(if ($Body) { $Body } else { $page.body.storage.value }) }
            version = @{ number = $page.version.number + 1 } }
        if ($ParentId) { $request.parentId = $ParentId }
        $null = Invoke-EmulatorApi $World.Cloud "/api/v2/pages/$Id" -Method Put -Body $request
    }
}

function Get-PairMap($World) {
    # Active pairs of the state file: Data Center page id -> Cloud page id.
    $map = @{}
    foreach ($line in Invoke-StateQuery $World.StatePath "SELECT dc_page_id, cloud_page_id FROM pairs WHERE space_key = 'ENG' AND lower(status) = 'active'") {
        $dc, $cloud = $line -split "`t"
        $map[$dc] = $cloud
    }
    $map
}

function Get-OpenConflictPages($World) {
    @(Invoke-StateQuery $World.StatePath ("SELECT p.dc_page_id FROM conflicts c JOIN pairs p ON p.pair_id = c.pair_id " +
            "WHERE c.resolved_at IS NULL AND p.space_key = 'ENG'"))
}

function Test-StateTable($World, [string] $Name) {
    # A run killed while it made the state file leaves one without tables (zero bytes and a hot journal, even).
    (Test-Path $World.StatePath) -and
        @(Invoke-StateQuery $World.StatePath "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '$Name'").Count -gt 0
}

function Get-LockOwner($World) {
    if (-not (Test-StateTable $World locks)) { return $null }
    @(Invoke-StateQuery $World.StatePath "SELECT owner_id FROM locks WHERE space_key = 'ENG'") | Select-Object -First 1
}

function Test-ChaosWorld {
    <#
    .SYNOPSIS
        The checks after a phase ran to the end; returns the violations found (none when all hold).
    #>
    param($World, [object[]] $Expect = @(), [switch] $LockMayRemain)
    $v = [Collections.Generic.List[string]]::new()
    $integrity = (Invoke-StateQuery $World.StatePath 'PRAGMA integrity_check') -join ' '
    if ($integrity -ne 'ok') { $v.Add("integrity_check: $integrity") }
    $lock = Get-LockOwner $World
    if ($lock -and -not $LockMayRemain) { $v.Add("a lock is left after the run ended: $lock") }
    $intents = @(Invoke-StateQuery $World.StatePath "SELECT source_side || ' ' || source_page_id FROM create_intents WHERE space_key = 'ENG'")
    if ($intents.Count -gt 0) { $v.Add("create intents left: $($intents -join ', ')") }
    $baseline = @(Invoke-StateQuery $World.StatePath "SELECT baseline_at FROM spaces WHERE space_key = 'ENG'") | Select-Object -First 1
    if (-not $baseline) { $v.Add('the baseline is not recorded as finished') }

    $dc = Get-DcView $World
    $cloud = Get-CloudView $World
    $pairs = Get-PairMap $World
    $conflicted = Get-OpenConflictPages $World
    # Duplicates: a title twice on one site, or a page of either site in no pair (a twin created twice is one of those).
    foreach ($side in @(@{ Name = 'Data Center'; View = $dc }, @{ Name = 'Cloud'; View = $cloud })) {
        $side.View.Values | Group-Object Title | Where-Object Count -GT 1 | ForEach-Object { $v.Add("duplicate on $($side.Name): '$($_.Name)' x$($_.Count)") }
    }
    $pairedCloud = @{}; foreach ($k in $pairs.Keys) { $pairedCloud[$pairs[$k]] = $k }
    foreach ($p in $dc.Values) { if (-not $pairs.ContainsKey($p.Id)) { $v.Add("Data Center page $($p.Id) '$($p.Title)' is in no pair") } }
    foreach ($p in $cloud.Values) { if (-not $pairedCloud.ContainsKey($p.Id)) { $v.Add("Cloud page $($p.Id) '$($p.Title)' is in no pair") } }
    # Convergence, pair by pair: both current, same title, same parent pair, same labels, same files.
    foreach ($dcId in $pairs.Keys) {
        $d = $dc[$dcId]; $c = $cloud[$pairs[$dcId]]
        if (-not $d -or -not $c) { $v.Add("pair $dcId/$($pairs[$dcId]) is active but a page is not current (DC: $([bool]$d), Cloud: $([bool]$c))"); continue }
        if ($conflicted -contains $dcId) { continue }
        if ($d.Title -cne $c.Title) { $v.Add("pair $dcId titles differ: '$($d.Title)' / '$($c.Title)'") }
        $expectedParent = if ($d.ParentId) { $pairs[$d.ParentId] } else { $null }
        if ("$expectedParent" -ne "$($c.ParentId)") { $v.Add("pair $dcId '$($d.Title)': parents differ (DC parent $($d.ParentId) -> Cloud $expectedParent, Cloud has $($c.ParentId))") }
        if ($d.Labels -ne $c.Labels) { $v.Add("pair $dcId '$($d.Title)': labels differ ($($d.Labels) / $($c.Labels))") }
        if ($d.Files -ne $c.Files) { $v.Add("pair $dcId '$($d.Title)': files differ ($($d.Files) / $($c.Files))") }
    }
    # No lost edit: each is on both sides, or its page has an open conflict.
    foreach ($e in $Expect) {
        if ($e.DcId -and $conflicted -contains $e.DcId) { continue }
        $d = if ($e.DcId) { $dc[$e.DcId] } else { $null }
        $c = if ($e.CloudId) { $cloud[$e.CloudId] } else { $null }
        switch ($e.Kind) {
            'delete' { if ($d -or $c) { $v.Add("lost delete of '$($e.Title)': still current (DC: $([bool]$d), Cloud: $([bool]$c))") } }
            'body' {
                foreach ($page in @(@{ S = 'Data Center'; P = $d }, @{ S = 'Cloud'; P = $c })) {
                    if (-not $page.P -or $page.P.Body -notlike "*$($e.Marker)*") { $v.Add("lost edit '$($e.Marker)' on $($page.S) (page $($e.DcId))") }
                }
            }
            'title' { if (-not $d -or -not $c -or $d.Title -cne $e.Title -or $c.Title -cne $e.Title) { $v.Add("lost rename to '$($e.Title)'") } }
            'parent' {
                if (-not $d -or -not $c -or $d.ParentId -ne $e.DcParentId -or $c.ParentId -ne $e.CloudParentId) {
                    $v.Add("lost move of page $($e.DcId) below $($e.DcParentId) (DC parent $(if ($d) { $d.ParentId }), Cloud parent $(if ($c) { $c.ParentId }))")
                }
            }
            'label' { if (-not $d -or -not $c -or ",$($d.Labels)," -notlike "*,$($e.Label),*" -or ",$($c.Labels)," -notlike "*,$($e.Label),*") { $v.Add("lost label $($e.Label) of page $($e.DcId)") } }
            'file' {
                $onDc = @(Get-EmulatorAttachment $World.Dc $e.DcId | Where-Object Name -EQ $e.Name)
                if ($onDc.Count -ne 1 -or $onDc[0].Sha256 -ne $e.Sha256) { $v.Add("lost file $($e.Name): $($onDc.Count) on Data Center with the right bytes: $(@($onDc | Where-Object Sha256 -EQ $e.Sha256).Count)") }
            }
            'new' {
                $onDc = @($dc.Values | Where-Object Title -CEQ $e.Title)
                $onCloud = @($cloud.Values | Where-Object Title -CEQ $e.Title)
                if ($onDc.Count -ne 1 -or $onCloud.Count -ne 1) { $v.Add("new page '$($e.Title)': $($onDc.Count) on Data Center, $($onCloud.Count) on Cloud"); break }
                if ($conflicted -contains $onDc[0].Id) { break }
                if ($onDc[0].Body -notlike "*$($e.Marker)*" -or $onCloud[0].Body -notlike "*$($e.Marker)*") { $v.Add("new page '$($e.Title)': its body is not on both sides") }
                if ($onDc[0].ParentId -ne $e.DcParentId) { $v.Add("new page '$($e.Title)': Data Center parent $($onDc[0].ParentId), not $($e.DcParentId)") }
            }
        }
    }
    return $v
}

function Invoke-ChaosPhase {
    <#
    .SYNOPSIS
        One phase (baseline or sync): 1-2 killed runs, then reruns to the end until nothing is left to do.
    #>
    param($World, [string] $Phase, [string] $Command, [Random] $Rng, [Collections.Generic.List[object]] $Kills,
        [Collections.Generic.List[string]] $Violations, [hashtable] $Tally)
    $killCount = 1 + $Rng.Next(0, 2)
    if ($World.StormAsked) { $World.Storm = $true; Set-ChaosFaults $World Dc; Set-ChaosFaults $World Cloud }
    # A lock the last phase's killed run left is this phase's to take over.
    $lastLock = Get-LockOwner $World
    for ($k = 1; $k -le $killCount; $k++) {
        $kill = Invoke-KilledRun -World $World -Phase $Phase -Command $Command -Rng $Rng -Attempt $k
        $Kills.Add($kill)
        # A killed run may have taken the dead lock over before it died itself (or died before it got that far).
        if ($lastLock -and ((Get-ChildLog $kill.Log) -join "`n") -match "Took over the lock.*$([regex]::Escape($lastLock))") { $Tally.LocksLeft++; $Tally.TakenOver++ }
        $lastLock = Get-LockOwner $World
        if ($kill.Landed -eq 'ended-first') { break }
    }
    if ($kill.Landed -eq 'ended-first') {
        $lines = Get-ChildLog $kill.Log
        if (-not ($lines -match '^CHAOS-ENDED')) { $Violations.Add("$Phase run that ended before its kill did not finish cleanly: $($lines -join ' / ')") }
    }
    $reruns = 0
    $done = $false
    while (-not $done -and $reruns -lt $(if ($World.StormAsked) { 4 } else { 3 })) {
        if ($Phase -eq 'baseline' -and (Test-StateTable $World spaces) -and
            @(Invoke-StateQuery $World.StatePath "SELECT baseline_at FROM spaces WHERE space_key = 'ENG' AND baseline_at IS NOT NULL").Count -gt 0) {
            # The killed baseline had recorded its end: a rerun would be refused (BaselineExists), rightly. Killed before it
            # let go of its lock, it leaves that to the next run of any kind: the sync phase's first run.
            $World.LockCarried = [bool]$lastLock
            $done = $true; break
        }
        $reruns++
        $lines = Invoke-CompletedRun -World $World -Phase $Phase -Command $Command -Attempt $reruns
        $text = $lines -join "`n"
        if ($lastLock) {
            if ($text -match "Took over the lock.*$([regex]::Escape($lastLock))") { $Tally.LocksLeft++; $Tally.TakenOver++; $lastLock = $null }
            elseif ($World.Storm -and (Get-LockOwner $World) -eq $lastLock) { }   # the storm stopped it before its lock: the next run's turn
            else {
                $Tally.LocksLeft++
                $Violations.Add("$Phase rerun $reruns did not say it took over the lock of the killed run $lastLock")
                $lastLock = $null
            }
        }
        if ($text -match 'SpaceLocked') { $Violations.Add("$Phase rerun $reruns was refused by a lock: $(($lines -match 'SpaceLocked') -join ' ')") }
        if ($text -notmatch 'CHAOS-ENDED' -and -not $World.Storm) { $Violations.Add("$Phase rerun $reruns did not end cleanly: $text") }
        $errors = @($lines -match '^(ERROR:|RESULT: .* errors=[1-9])')
        if ($World.Storm) {
            # Under the storm a write may fail (and say so); what must hold is that the next run, in calm, finishes the job.
            $World.StormErrors += $errors.Count
            $World.Storm = $false; Set-ChaosFaults $World Dc; Set-ChaosFaults $World Cloud
            if ($text -notmatch 'CHAOS-ENDED') { $Violations.Add("$Phase rerun $reruns under the storm did not end cleanly: $text") }
            continue
        }
        if ($errors.Count -gt 0) { $Violations.Add("$Phase rerun ${reruns}: $($errors -join ' / ')"); break }
        # Done when a sync would do nothing more (the product's own view; the independent checks follow), every page
        # compared: label-only edits and moves without a version wait for the hourly structural listing otherwise.
        $drift = @(Get-SyncDrift -ScopePath $World.Scope -Full -ErrorAction Stop)
        $done = $drift.Count -eq 0
        if ($Phase -eq 'baseline') { $done = $true }
    }
    if (-not $done) { $Violations.Add("$Phase did not settle within $reruns reruns") }
    return $reruns
}

function Invoke-ChaosSeed {
    <#
    .SYNOPSIS
        One seed: a baseline and a sync, each killed 1-2 times and rerun; returns the figures and the violations.
    #>
    param([Parameter(Mandatory)] [int] $Seed, [Parameter(Mandatory)] [string] $ModuleManifest, [Parameter(Mandatory)] [string] $Folder,
        [int] $Pages = 10,
        # A fault storm on both sites (15% 503 without Retry-After, 4% connections dropped before the work, 4% after it)
        # through the killed runs and the first rerun of each phase; the reruns after it run in calm.
        [switch] $Storm)
    Import-Module $ModuleManifest   # Get-SyncDrift in this process: is anything left to do?
    $rng = [Random]::new($Seed)
    $started = [DateTime]::UtcNow
    $kills = [Collections.Generic.List[object]]::new()
    $violations = [Collections.Generic.List[string]]::new()
    $reruns = @{}
    $tally = @{ LocksLeft = 0; TakenOver = 0 }
    $env:SPACESYNC_TEST_CLOUD_TOKEN = 'emulator-token'
    $env:SPACESYNC_TEST_DC_TOKEN = 'emulator-pat'
    $env:NO_COLOR = '1'
    $world = New-ChaosWorld -Seed $Seed -Pages $Pages -Folder $Folder -ModuleManifest $ModuleManifest -Storm:$Storm
    try {
        # Data Center is the authority at the baseline: pages edited there since the migration are written over Cloud.
        $expect = [Collections.Generic.List[object]]::new()
        $dcPages = @((Invoke-EmulatorApi $world.Dc '/rest/api/content?spaceKey=ENG&type=page&limit=100&expand=ancestors').results |
                Where-Object { @($_.ancestors).Count -gt 0 } | Sort-Object { [long]$_.id })
        foreach ($n in 1..3) {
            $page = $dcPages[$rng.Next(0, $dcPages.Count)]
            $marker = "chaos-$Seed baseline edit $n."
            Set-ChaosPage $world Dc ([string]$page.id) -Body "<p>$marker</p>"
            $expect.Add(@{ Kind = 'body'; DcId = [string]$page.id; CloudId = $world.Map[[string]$page.id]; Marker = $marker })
        }
        $command = "Start-SpaceBaseline -ScopePath '$($world.Scope)' -SpaceKey ENG -Authority DataCenter -Confirm:`$false"
        $reruns.baseline = Invoke-ChaosPhase -World $world -Phase baseline -Command $command -Rng $rng -Kills $kills -Violations $violations -Tally $tally
        # A page edited twice before the baseline keeps its last edit only.
        $last = @{}; foreach ($e in $expect) { $last[$e.DcId] = $e }
        # A baseline killed after it recorded its end but before it let go of its lock leaves that lock to the next run.
        $test = Test-ChaosWorld -World $world -Expect @($last.Values) -LockMayRemain:$world.LockCarried
        foreach ($t in $test) { $violations.Add("after the baseline: $t") }

        if ($violations.Count -eq 0) {
            $expect = New-ChaosEdits -World $world -Rng $rng
            $command = "Invoke-SpaceSync -ScopePath '$($world.Scope)' -Confirm:`$false"
            $reruns.sync = Invoke-ChaosPhase -World $world -Phase sync -Command $command -Rng $rng -Kills $kills -Violations $violations -Tally $tally
            foreach ($t in Test-ChaosWorld -World $world -Expect $expect) { $violations.Add("after the sync: $t") }
        }
    }
    catch {
        $violations.Add("the driver failed: $($_.Exception.Message) at $($_.InvocationInfo.PositionMessage)")
    }
    finally {
        $world.Dc, $world.Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    }
    [pscustomobject]@{
        Seed = $Seed; Seconds = [int]([DateTime]::UtcNow - $started).TotalSeconds; Kills = @($kills); Reran = @($world.Completed)
        Reruns = [int]$reruns["baseline"] + [int]$reruns["sync"]
        Storm = [bool]$Storm; StormErrors = $world.StormErrors; LocksLeft = $tally.LocksLeft; LocksTakenOver = $tally.TakenOver; Violations = @($violations); Folder = $Folder
    }
}

function Format-ChaosSeed {
    # One line per seed: its kills (phase, mode, where it landed), reruns, violations.
    param([Parameter(Mandatory, ValueFromPipeline)] $Result)
    process {
        $kills = ($Result.Kills | ForEach-Object { "$($_.Phase)/$($_.Mode)@$($_.At)->$($_.Landed)(w$($_.Writes))" }) -join ' '
        "seed {0,-6}{8} {1,3}s kills: {2}; reruns {3}; locks taken over {4}/{5}; violations {6}{7}" -f $Result.Seed, $Result.Seconds, $kills,
            $Result.Reruns, $Result.LocksTakenOver, $Result.LocksLeft, $Result.Violations.Count, $(if ($Result.Violations.Count) { ': ' + ($Result.Violations -join ' | ') } else { '' }),
            $(if ($Result.Storm) { " storm (errors reported under it: $($Result.StormErrors))" } else { '' })
    }
}

function Format-ChaosSummary {
    param([Parameter(Mandatory)] [object[]] $Results)
    $kills = @($Results | ForEach-Object { $_.Kills })
    $landed = $kills | Group-Object Landed | ForEach-Object { "$($_.Name) $($_.Count)" }
    $byPhase = $kills | Where-Object Landed -NE 'ended-first' | Group-Object Phase | ForEach-Object { "$($_.Name) $($_.Count)" }
    $bad = @($Results | Where-Object { $_.Violations.Count -gt 0 })
    @(
        "seeds $($Results.Count); kills sent $(@($kills | Where-Object Landed -NE 'ended-first').Count) ($($byPhase -join ', ')); runs that ended before their kill point $(@($kills | Where-Object Landed -EQ 'ended-first').Count)"
        "where the kills landed: $($landed -join ', ')"
        "locks left by a killed run: $(($Results | Measure-Object LocksLeft -Sum).Sum), taken over by the next run with a warning naming it: $(($Results | Measure-Object LocksTakenOver -Sum).Sum)"
        "requests of a rerun to the end: $((@('baseline', 'sync') | ForEach-Object { $p = $_; $n = @($Results | ForEach-Object { $_.Reran } | Where-Object Phase -EQ $p | ForEach-Object Requests); if ($n) { "$p $(($n | Measure-Object -Minimum).Minimum)-$(($n | Measure-Object -Maximum).Maximum)" } }) -join ', ')"
        "reruns to settle: $(($Results | Measure-Object Reruns -Sum).Sum) in all, at most $(($Results | Measure-Object Reruns -Maximum).Maximum) per seed"
        "seeds with violations: $($bad.Count)$(if ($bad) { ' (' + (($bad | ForEach-Object Seed) -join ', ') + ')' })"
    )
}

Export-ModuleMember -Function Invoke-ChaosSeed, Format-ChaosSeed, Format-ChaosSummary
