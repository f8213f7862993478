# The module as an admin gets it: the NuGet package installed from a feed, the zip Azure Automation imports, and
# what both carry (metadata, licences, SQLite's native library for every Windows architecture).
# build.ps1 -Task Test packs the built module before Pester runs (the same step as -Task Package).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'build/BuildTools.psm1') -Force
    $script:ModuleFolder = Split-Path (Get-TestModuleManifest)
    $script:Out = Split-Path $script:ModuleFolder
    $script:Version = (Import-PowerShellDataFile (Get-TestModuleManifest)).ModuleVersion
    $script:Nupkg = Join-Path $script:Out "SpaceSync.$($script:Version).nupkg"
    $script:Zip = Join-Path $script:Out 'SpaceSync.zip'
    $script:Example = Join-Path (Get-RepositoryRoot) 'examples/spacesync.yaml'
    foreach ($file in $script:Nupkg, $script:Zip) {
        if (-not (Test-Path $file)) { throw "$file is missing: run build.ps1 -Task Package (the Test task packs before Pester)." }
    }

    function Invoke-Isolated([string] $Script) {
        # PSResourceGet keeps its repositories below XDG_DATA_HOME and installs CurrentUser modules below HOME:
        # pointing both at the test drive keeps the tests off the user's own configuration and modules. dotnet still
        # finds the PowerShell tool through NUGET_PACKAGES, and keeps its own state in the real home.
        $names = 'HOME', 'XDG_DATA_HOME', 'NUGET_PACKAGES', 'DOTNET_CLI_HOME'
        $saved = @{}
        foreach ($name in $names) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        $isolatedHome = Join-Path $TestDrive 'home'
        # The folder must exist: .NET answers an absent one with an empty path, and PSResourceGet would then keep
        # its repositories in the current folder.
        New-Item -ItemType Directory -Force -Path (Join-Path $isolatedHome '.local/share') | Out-Null
        if (-not $env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME = $saved['HOME'] }
        $env:NUGET_PACKAGES = $env:SPACESYNC_TEST_PACKAGES
        $env:HOME = $isolatedHome
        $env:XDG_DATA_HOME = Join-Path $isolatedHome '.local/share'
        try { Invoke-FreshPwsh $Script }
        finally { foreach ($name in $names) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
    }

    function Read-ZipEntryText([string] $Path, [string] $Entry) {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $reader = [IO.StreamReader]::new($archive.GetEntry($Entry).Open())
            try { $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $archive.Dispose() }
    }
}

Describe 'The NuGet package' {
    BeforeAll {
        $script:Feed = Join-Path $TestDrive 'feed'
        New-Item -ItemType Directory -Path $script:Feed | Out-Null
        Copy-Item $script:Nupkg $script:Feed
    }

    It 'installs from a file-system feed with Install-PSResource and imports by name in a fresh pwsh' {
        $installed = Invoke-Isolated @"
Register-PSResourceRepository -Name SpaceSyncTest -Uri '$script:Feed' -Trusted
Install-PSResource -Name SpaceSync -Repository SpaceSyncTest -Scope CurrentUser -TrustRepository -PassThru |
    Select-Object Name, @{ n = 'Version'; e = { `$_.Version.ToString() } }, InstalledLocation
"@
        $installed.Name | Should -Be 'SpaceSync'
        $installed.Version | Should -Be $script:Version

        $used = Invoke-Isolated @"
Import-Module SpaceSync
`$checks = Test-SyncScope -ScopePath '$script:Example'
[pscustomobject]@{
    Base = (Get-Module SpaceSync).ModuleBase
    Version = (Get-Module SpaceSync).Version.ToString()
    Cmdlets = (Get-Command -Module SpaceSync).Count
    Valid = @(`$checks | Where-Object { `$_.Message -like 'The scope file is valid*' }).Count
    Errors = @(`$checks | Where-Object { "`$(`$_.Severity)" -eq 'Error' }).Count
}
"@
        $used.Base | Should -BeLike "$(Join-Path $TestDrive 'home')*" -Because 'the installed copy is imported, not the build output'
        $used.Version | Should -Be $script:Version
        $used.Cmdlets | Should -Be @((Import-PowerShellDataFile (Get-TestModuleManifest)).CmdletsToExport).Count -Because 'every cmdlet the manifest exports, and only those, comes with the installed copy'
        $used.Valid | Should -Be 1
        $used.Errors | Should -Be 0
    }

    It 'saves into a folder with Save-PSResource, and that folder imports and checks a scope file' {
        $target = Join-Path $TestDrive 'saved'
        New-Item -ItemType Directory -Path $target | Out-Null
        $null = Invoke-Isolated @"
Register-PSResourceRepository -Name SpaceSyncSave -Uri '$script:Feed' -Trusted
Save-PSResource -Name SpaceSync -Repository SpaceSyncSave -Path '$target' -TrustRepository
"@
        $manifest = Join-Path $target "SpaceSync/$($script:Version)/SpaceSync.psd1"
        Test-Path $manifest | Should -BeTrue
        $valid = Invoke-FreshPwsh @"
Import-Module '$manifest'
@(Test-SyncScope -ScopePath '$script:Example' | Where-Object { `$_.Message -like 'The scope file is valid*' }).Count
"@
        $valid | Should -Be 1
    }

    It 'describes itself in its nuspec from the manifest and the changelog' {
        [xml] $nuspec = Read-ZipEntryText $script:Nupkg 'SpaceSync.nuspec'
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'SpaceSync'
        $meta.version | Should -Be $script:Version
        $meta.description | Should -Match 'Confluence'
        $meta.tags | Should -Match 'Confluence'
        $meta.tags | Should -Match 'PSModule'
        $meta.releaseNotes.Trim() | Should -Be (Get-ChangelogSection -Path (Join-Path (Get-RepositoryRoot) 'CHANGELOG.md') -Version $script:Version)
    }
}

Describe 'The Azure Automation zip' {
    It 'is named after the module and holds one folder of that name with the manifest of that name' {
        # Azure Automation: the zip's name, its folder and the manifest in it must share the module's name.
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [System.IO.Compression.ZipFile]::OpenRead($script:Zip)
        try { $names = @($archive.Entries.FullName) } finally { $archive.Dispose() }
        (Split-Path $script:Zip -LeafBase) | Should -Be 'SpaceSync'
        $names | Where-Object { $_ -notlike 'SpaceSync/*' } | Should -BeNullOrEmpty
        $names | Where-Object { $_ -like '*\*' } | Should -BeNullOrEmpty -Because 'entry names use forward slashes'
        $names | Should -Contain 'SpaceSync/SpaceSync.psd1'
        $names | Should -Contain 'SpaceSync/SpaceSync.PowerShell.dll'
        $names | Should -Contain 'SpaceSync/Dependencies/runtimes/win-x64/native/e_sqlite3.dll'
        $names | Should -Contain 'SpaceSync/en-US/SpaceSync.PowerShell.dll-Help.xml'
    }

    It 'imports from where it is unpacked and checks a scope file' {
        $target = Join-Path $TestDrive 'automation'
        Expand-Archive -Path $script:Zip -DestinationPath $target
        $valid = Invoke-FreshPwsh @"
Import-Module '$(Join-Path $target 'SpaceSync/SpaceSync.psd1')'
@(Test-SyncScope -ScopePath '$script:Example' | Where-Object { `$_.Message -like 'The scope file is valid*' }).Count
"@
        $valid | Should -Be 1
    }
}

Describe 'What the module carries' {
    It 'has SQLite for the <Runtime> process, built for that machine' -ForEach @(
        @{ Runtime = 'win-x64'; Machine = 0x8664 }
        @{ Runtime = 'win-x86'; Machine = 0x014C }
        @{ Runtime = 'win-arm64'; Machine = 0xAA64 }
    ) {
        # Windows PowerShell 5.1 loads this file by the process architecture (SqliteNativeLibrary); a file of another
        # machine type would load nowhere.
        $path = Join-Path $script:ModuleFolder "Dependencies/runtimes/$Runtime/native/e_sqlite3.dll"
        Test-Path $path | Should -BeTrue
        $bytes = [IO.File]::ReadAllBytes($path)
        $peOffset = [BitConverter]::ToInt32($bytes, 0x3C)
        [Text.Encoding]::ASCII.GetString($bytes, $peOffset, 4) | Should -Be "PE`0`0"
        [BitConverter]::ToUInt16($bytes, $peOffset + 4) | Should -Be $Machine
    }

    It 'has SQLite for Linux and macOS processes' {
        foreach ($relative in 'linux-x64/native/libe_sqlite3.so', 'linux-arm64/native/libe_sqlite3.so', 'osx-arm64/native/libe_sqlite3.dylib', 'osx-x64/native/libe_sqlite3.dylib') {
            Test-Path (Join-Path $script:ModuleFolder "Dependencies/runtimes/$relative") | Should -BeTrue -Because $relative
        }
    }

    It 'names every assembly it carries in its third-party notices' {
        $notices = Get-Content -Raw (Join-Path $script:ModuleFolder 'THIRD-PARTY-NOTICES.md')
        $assemblies = Get-ChildItem (Join-Path $script:ModuleFolder 'Dependencies') -Filter '*.dll' |
            Where-Object Name -notlike 'SpaceSync.*.dll'
        $assemblies.Count | Should -BeGreaterThan 10
        foreach ($assembly in $assemblies) { $notices | Should -Match ([regex]::Escape($assembly.Name)) }
        Test-Path (Join-Path $script:ModuleFolder 'LICENSE') | Should -BeTrue
    }

    It 'claims Windows PowerShell 5.1 with the .NET Framework a netstandard2.0 build needs' {
        $data = Import-PowerShellDataFile (Get-TestModuleManifest)
        $data.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $data.PowerShellVersion | Should -Be '5.1'
        $data.DotNetFrameworkVersion | Should -Be '4.7.2'
    }
}
