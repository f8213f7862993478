# A throwaway PostgreSQL cluster for the tests that run the state store on a real server (issue 16): initdb into a
# temporary folder, the server on a free loopback port, stopped and removed by Stop-TestPostgres. Used by the Test
# task (build.ps1), which hands the admin connection string to xunit and Pester in $env:SPACESYNC_TEST_POSTGRES.
# Trust authentication on 127.0.0.1 only, a socket folder of its own: nothing outside this machine can reach it and it
# never touches a system cluster.

function Find-PostgresBin {
    # Debian puts the server binaries in /usr/lib/postgresql/<major>/bin, not on PATH; take the newest major there.
    $onPath = Get-Command initdb -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($onPath) { return Split-Path ((Resolve-Path $onPath.Source).Path) }
    $debian = Get-ChildItem '/usr/lib/postgresql/*/bin/initdb' -ErrorAction SilentlyContinue |
        Sort-Object { [int](Split-Path (Split-Path (Split-Path $_.FullName)) -Leaf) } -Descending | Select-Object -First 1
    if ($debian) { return Split-Path $debian.FullName }
    throw "PostgreSQL's initdb was not found (neither on PATH nor in /usr/lib/postgresql/*/bin). Run 'dotnet pwsh ./build.ps1 -Task Test', which installs it (tools/Install-PostgreSQL.sh)."
}

function Get-FreeLoopbackPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Invoke-AsServerUser([string] $RunAs, [string] $Program, [string[]] $Arguments, [string] $What) {
    # initdb and postgres refuse to run as root: as root, they run as the unprivileged account Debian's package made.
    if ($RunAs) { $output = & runuser -u $RunAs -- $Program @Arguments 2>&1 }
    else { $output = & $Program @Arguments 2>&1 }
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE): $($output -join [Environment]::NewLine)" }
}

function Start-TestPostgres {
    [CmdletBinding()]
    param([int] $TimeoutSeconds = 60)

    $bin = Find-PostgresBin
    $runAs = $null
    if ($IsLinux -and (& id -u) -eq '0') {
        if (-not (Get-Command runuser -ErrorAction SilentlyContinue)) { throw 'Running as root needs runuser (util-linux) to start PostgreSQL as an unprivileged user.' }
        $runAs = 'postgres'
        & id -u $runAs *> $null
        if ($LASTEXITCODE -ne 0) { throw "Running as root, PostgreSQL must run as an unprivileged user, and the user '$runAs' (made by Debian's postgresql package) does not exist." }
    }

    $folder = Join-Path ([IO.Path]::GetTempPath()) ('spacesync-pg-' + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $data = Join-Path $folder 'data'
    $socket = Join-Path $folder 'socket'
    New-Item -ItemType Directory -Force -Path $data, $socket | Out-Null
    if ($runAs) { & chown -R "${runAs}:" $folder; if ($LASTEXITCODE -ne 0) { throw "chown of $folder to $runAs failed." } }

    try {
        Invoke-AsServerUser $runAs (Join-Path $bin 'initdb') @('-D', $data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale') 'initdb'
        # fsync off: a test cluster is thrown away, and it makes the store tests several times faster on this disk.
        $port = Get-FreeLoopbackPort
        $options = "-p $port -k $socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        Invoke-AsServerUser $runAs (Join-Path $bin 'pg_ctl') @('-D', $data, '-o', $options, '-l', (Join-Path $folder 'server.log'), '-w', '-t', $TimeoutSeconds, 'start') 'pg_ctl start'
    }
    catch {
        $log = Join-Path $folder 'server.log'
        $tail = if (Test-Path $log) { (Get-Content $log -Tail 20) -join [Environment]::NewLine } else { '' }
        Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
        throw "Starting a throwaway PostgreSQL cluster failed: $($_.Exception.Message) $tail"
    }

    [pscustomobject]@{
        ConnectionString = "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
        Port             = $port
        Folder           = $folder
        BinFolder        = $bin
        RunAs            = $runAs
    }
}

function Stop-TestPostgres {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Cluster)
    process {
        $data = Join-Path $Cluster.Folder 'data'
        if (Test-Path (Join-Path $data 'postmaster.pid')) {
            # immediate: the cluster is thrown away, nothing in it needs a clean shutdown.
            try { Invoke-AsServerUser $Cluster.RunAs (Join-Path $Cluster.BinFolder 'pg_ctl') @('-D', $data, '-m', 'immediate', '-w', 'stop') 'pg_ctl stop' }
            catch { Write-Warning $_.Exception.Message }
        }
        Remove-Item -Recurse -Force $Cluster.Folder -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function Start-TestPostgres, Stop-TestPostgres, Find-PostgresBin
