# The build script's own helpers (build/BuildTools.psm1). A fault here once hid itself: the native-call helper
# passed nothing when given one argument, so `sh tools/Install-Chromium.sh` ran `sh` reading an empty stdin, exited 0,
# and Chromium was never installed on a fresh machine.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'build/BuildTools.psm1') -Force
}

Describe 'Invoke-Native' {
    It 'passes a single argument through' {
        $marker = Join-Path $TestDrive 'ran-alone'
        $script = Join-Path $TestDrive 'alone.sh'
        Set-Content -Path $script -Value "touch '$marker'"
        Invoke-Native sh $script
        Test-Path $marker | Should -BeTrue -Because 'sh must have been given the script'
    }

    It 'passes several arguments through, each as one argument' {
        $out = Join-Path $TestDrive 'args.txt'
        Invoke-Native sh -c 'printf "%s|" "$@" > "$0"' $out 'two words' second '' last
        Get-Content -Raw $out | Should -Be 'two words|second||last|'
    }

    It 'runs a command given no argument at all' {
        { Invoke-Native true } | Should -Not -Throw
    }

    It 'stops the build when the command fails, naming it and its exit code' {
        { Invoke-Native sh -c 'exit 3' } | Should -Throw "*'sh -c exit 3' failed with exit code 3*"
    }

    It 'stops the build when a lone-argument command fails' {
        $script = Join-Path $TestDrive 'fails.sh'
        Set-Content -Path $script -Value 'exit 4'
        { Invoke-Native sh $script } | Should -Throw '*exit code 4*'
    }
}

Describe 'Get-ChangelogSection' {
    BeforeAll {
        $script:Changelog = Join-Path $TestDrive 'CHANGELOG.md'
        Set-Content -Path $script:Changelog -Value @'
# Changelog

## [Unreleased]

## [1.2.0] - 2026-12-01
### Added
- Two things.

## [1.1.0] - 2026-11-01
### Fixed
- One thing.

[1.2.0]: https://example.invalid/compare/v1.1.0...v1.2.0
'@
    }

    It 'returns the section of the version, without its heading or the next one' {
        Get-ChangelogSection -Path $script:Changelog -Version '1.2.0' | Should -Be "### Added`n- Two things."
    }

    It 'stops at the link references at the end' {
        Get-ChangelogSection -Path $script:Changelog -Version '1.1.0' | Should -Be "### Fixed`n- One thing."
    }

    It 'refuses a version the changelog does not mention' {
        { Get-ChangelogSection -Path $script:Changelog -Version '2.0.0' } | Should -Throw "*no section '## ``[2.0.0``]'*"
    }

    It 'refuses an empty section' {
        { Get-ChangelogSection -Path $script:Changelog -Version 'Unreleased' } | Should -Throw '*empty section*'
    }

    It 'finds the section of the version the build stamps' {
        $root = Get-RepositoryRoot
        [xml] $props = Get-Content -Raw (Join-Path $root 'Directory.Build.props')
        $version = ($props.Project.PropertyGroup | Where-Object { $_['VersionPrefix'] } | Select-Object -First 1).VersionPrefix
        Get-ChangelogSection -Path (Join-Path $root 'CHANGELOG.md') -Version $version | Should -Not -BeNullOrEmpty
    }
}

Describe 'Set-ManifestMetadata' {
    BeforeAll {
        $script:Template = Get-Content -Raw (Join-Path (Get-RepositoryRoot) 'SpaceSync.psd1')
    }

    It 'stamps version and release notes, quoting what needs quoting' {
        $text = Set-ManifestMetadata -Text $script:Template -Version '9.8.7' -ReleaseNotes "### Added`n- Bob's 'quoted' fix"
        $path = Join-Path $TestDrive 'stamped.psd1'
        Set-Content -Path $path -Value $text
        $data = Import-PowerShellDataFile $path
        $data.ModuleVersion | Should -Be '9.8.7'
        $data.PrivateData.PSData.ReleaseNotes | Should -Be "### Added`n- Bob's 'quoted' fix"
    }

    It 'leaves out a URL that is not known rather than writing an empty one' {
        $path = Join-Path $TestDrive 'no-urls.psd1'
        Set-Content -Path $path -Value (Set-ManifestMetadata -Text $script:Template -Version '1.0.0' -ReleaseNotes 'x')
        $psData = (Import-PowerShellDataFile $path).PrivateData.PSData
        $psData.Keys | Should -Not -Contain 'ProjectUri'
        $psData.Keys | Should -Not -Contain 'LicenseUri'
    }

    It 'writes the URLs it is given' {
        $path = Join-Path $TestDrive 'urls.psd1'
        Set-Content -Path $path -Value (Set-ManifestMetadata -Text $script:Template -Version '1.0.0' -ReleaseNotes 'x' `
                -ProjectUri 'https://example.invalid/spacesync' -LicenseUri 'https://example.invalid/spacesync/LICENSE')
        $psData = (Import-PowerShellDataFile $path).PrivateData.PSData
        $psData.ProjectUri | Should -Be 'https://example.invalid/spacesync'
        $psData.LicenseUri | Should -Be 'https://example.invalid/spacesync/LICENSE'
    }

    It 'refuses a manifest without the line to stamp' {
        { Set-ManifestMetadata -Text "@{`n    ModuleVersion = '1.0'`n}`n" -Version '1.0.0' -ReleaseNotes 'x' } |
            Should -Throw "*no line `"ReleaseNotes = '...'`"*"
    }
}

Describe 'Online help links' {
    It 'point each cmdlet at its page below the help address when one is set' {
        $maml = Join-Path $TestDrive 'help.xml'
        $root = Get-RepositoryRoot
        Push-Location $root   # dotnet pwsh works only inside the tree with the tool manifest
        try {
            $output = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'build/Build-Help.ps1') `
                -ModulePath (Get-TestModuleManifest) -SourcePath (Join-Path $root 'docs/help') -OutputPath $maml `
                -OnlineHelpBaseUri 'https://docs.example.invalid/help/' 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        }
        finally { Pop-Location }

        [xml] $xml = Get-Content -Raw $maml
        $ns = @{ command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; maml = 'http://schemas.microsoft.com/maml/2004/10' }
        $commands = Select-Xml -Xml $xml -XPath '//command:command' -Namespace $ns
        $commands.Count | Should -BeGreaterThan 10
        foreach ($command in $commands) {
            $name = (Select-Xml -Xml $command.Node -XPath 'command:details/command:name' -Namespace $ns).Node.InnerText
            $first = Select-Xml -Xml $command.Node -XPath 'command:relatedLinks/maml:navigationLink[1]' -Namespace $ns
            $first.Node.linkText | Should -Be 'Online Version:'
            $first.Node.uri | Should -Be "https://docs.example.invalid/help/$name.md"
        }
    }
}
