# The built module as a whole: manifest, exports, help, and dependency isolation.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Manifest = Get-TestModuleManifest
    Import-Module $script:Manifest -Force
    $script:Commands = Get-Command -Module SpaceSync
}

Describe 'Module manifest' {
    It 'is a valid manifest' {
        { Test-ModuleManifest -Path $script:Manifest -ErrorAction Stop } | Should -Not -Throw
    }

    It 'carries the version of Directory.Build.props' {
        [xml] $props = Get-Content -Raw (Join-Path (Get-RepositoryRoot) 'Directory.Build.props')
        $expected = ($props.Project.PropertyGroup | Where-Object { $_['VersionPrefix'] } | Select-Object -First 1).VersionPrefix
        (Test-ModuleManifest -Path $script:Manifest).Version.ToString() | Should -Be $expected
    }

    It 'lists its cmdlets explicitly and exports exactly those' {
        $data = Import-PowerShellDataFile $script:Manifest
        $data.CmdletsToExport | Should -Not -Contain '*'
        ($script:Commands.Name | Sort-Object) | Should -Be ($data.CmdletsToExport | Sort-Object)
    }

    It 'lists no dependency assembly for PowerShell to load itself' {
        $data = Import-PowerShellDataFile $script:Manifest
        $data.Keys | Should -Not -Contain 'RequiredAssemblies'
        $data.Keys | Should -Not -Contain 'NestedModules'
    }

    It 'binds to no third-party assembly from the cmdlet layer' {
        # PowerShell resolves these in the default context, where only SpaceSync.Core is redirected to the module's
        # own load context: a Core signature naming a third-party type would fail at run time (it did, once).
        $references = (Get-Command Get-SyncScope).ImplementingType.Assembly.GetReferencedAssemblies().Name | Sort-Object
        $references | Should -Be @('netstandard', 'SpaceSync.Core', 'System.Management.Automation', 'System.Runtime.Loader')
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        $script:Commands | ForEach-Object { $approved | Should -Contain $_.Verb }
    }
}

BeforeDiscovery {
    # Every exported cmdlet, as the built manifest lists them.
    $script:ExportedCmdlets = (Import-PowerShellDataFile $env:SPACESYNC_TEST_MODULE).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
}

Describe 'Help for <Name>' -ForEach $script:ExportedCmdlets {
    BeforeAll {
        $script:Help = Get-Help $Name -Full
        $script:Command = Get-Command $Name
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $script:Own = $script:Command.Parameters.Keys | Where-Object { $common -notcontains $_ }
    }

    It 'has a synopsis and a description' {
        $script:Help.Synopsis | Should -Not -BeNullOrEmpty
        $script:Help.Synopsis | Should -Not -Match ([regex]::Escape($Name) + '\s*\[')   # not the auto-generated syntax
        ($script:Help.description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        foreach ($parameter in $script:Own) {
            $entry = $script:Help.parameters.parameter | Where-Object name -eq $parameter
            $entry | Should -Not -BeNullOrEmpty -Because "-$parameter must be documented"
            ($entry.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'has at least two examples with code' {
        @($script:Help.examples.example).Count | Should -BeGreaterOrEqual 2
        $script:Help.examples.example | ForEach-Object { $_.code | Should -Not -BeNullOrEmpty }
    }

    It 'declares its output type' {
        $script:Command.OutputType | Should -Not -BeNullOrEmpty
    }
}

Describe 'About topics' {
    It 'has <_>' -ForEach 'about_SpaceSync', 'about_SpaceSync_ScopeFile' {
        (Get-Help $_ | Out-String) | Should -Match 'SHORT DESCRIPTION'
    }
}

Describe 'Dependency isolation' {
    It 'keeps Core and its libraries out of the default load context' {
        $scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'contexts')
        $result = Invoke-FreshPwsh @"
Import-Module '$script:Manifest'
`$null = Get-SyncScope -ScopePath '$scope'
`$alc = [System.Runtime.Loader.AssemblyLoadContext]
[AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { `$_.GetName().Name -in 'SpaceSync.Core', 'YamlDotNet', 'SpaceSync.PowerShell' } |
    ForEach-Object { [pscustomobject]@{ Name = `$_.GetName().Name; Context = `$alc::GetLoadContext(`$_).GetType().Name } }
"@
        ($result | Where-Object Name -eq 'SpaceSync.Core').Context | Should -Be 'DependencyLoadContext'
        ($result | Where-Object Name -eq 'YamlDotNet').Context | Should -Be 'DependencyLoadContext'
        ($result | Where-Object Name -eq 'SpaceSync.PowerShell').Context | Should -Not -Be 'DependencyLoadContext'
    }

    It 'imports and works in a session that already loaded another YamlDotNet' {
        $foreign = Join-Path $env:SPACESYNC_TEST_PACKAGES 'yamldotnet/11.2.1/lib/netstandard2.1/YamlDotNet.dll'
        Test-Path $foreign | Should -BeTrue -Because 'tests/PesterRestore brings YamlDotNet 11.2.1'
        $folder = Join-Path $TestDrive 'isolation'
        $scope = New-TestScopeFile -Folder $folder
        $result = Invoke-FreshPwsh @"
Add-Type -Path '$foreign'
`$before = [YamlDotNet.Serialization.Deserializer].Assembly.GetName().Version.ToString()
Import-Module '$script:Manifest'
`$resolved = Get-SyncScope -ScopePath '$scope'
`$ours = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object { `$_.GetName().Version.ToString() }
[pscustomobject]@{ Foreign = `$before; Loaded = @(`$ours); Spaces = @(`$resolved.Spaces.Key) }
"@
        $result.Foreign | Should -Be '11.0.0.0'
        $result.Spaces | Should -Be @('ENG')
        @($result.Loaded).Count | Should -Be 2 -Because 'the foreign YamlDotNet and ours live side by side'
    }

    It 'finds SQLite''s native library through its own load context' {
        # No cmdlet opens the state store yet; this drives Core directly, as the sync cmdlets will.
        $scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'native')
        $db = Join-Path $TestDrive 'native/state.db'
        $result = Invoke-FreshPwsh @"
Import-Module '$script:Manifest'
`$null = Get-SyncScope -ScopePath '$scope'
`$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'SpaceSync.Core' }
`$storeType = `$core.GetType('SpaceSync.Core.State.StateStore', `$true)
`$store = `$storeType.GetMethod('Open', [type[]]@([string])).Invoke(`$null, @('$db'))
`$store.Dispose()
`$native = [System.Diagnostics.Process]::GetCurrentProcess().Modules | Where-Object ModuleName -like '*e_sqlite3*' | Select-Object -First 1
[pscustomobject]@{ Exists = (Test-Path '$db'); Native = `$native.FileName }
"@
        $result.Exists | Should -BeTrue
        $result.Native | Should -BeLike '*SpaceSync*Dependencies*runtimes*native*e_sqlite3*'
    }
}
