# Module manifest for SpaceSync. build.ps1 copies it into out/SpaceSync/ and stamps ModuleVersion and the URLs
# from Directory.Build.props and ReleaseNotes from CHANGELOG.md (an empty URL removes its key); import the built
# copy, not this one.
@{
    RootModule           = 'SpaceSync.PowerShell.dll'
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = '5b0e7f4c-8a57-4f0e-9d3b-2c6a1e9f4d21'
    Author               = 'SpaceSync'
    CompanyName          = 'SpaceSync'
    Copyright            = '(c) 2026 SpaceSync contributors. Released under the MIT License (LICENSE).'
    Description          = 'Keeps Confluence spaces aligned in both directions between Confluence Data Center and Confluence Cloud during a phased migration.'
    PowerShellVersion    = '5.1'
    # Windows PowerShell 5.1 loads the netstandard2.0 build; netstandard2.0 needs .NET Framework 4.7.2 or later
    # (earlier ones lack the facades). PowerShell 7 ignores both keys. See docs/windows-powershell.md.
    DotNetFrameworkVersion = '4.7.2'
    CLRVersion           = '4.0'
    FormatsToProcess     = @('SpaceSync.Format.ps1xml')
    CmdletsToExport      = @(
        'New-SyncScope'
        'Test-SyncScope'
        'Get-SyncScope'
        'Start-SpaceBaseline'
        'Get-SyncDrift'
        'Invoke-SpaceSync'
        'Get-SyncedSpace'
        'Get-SyncHistory'
        'Get-SyncConflict'
        'Resolve-SyncConflict'
        'Export-SyncReport'
        'Add-SyncedSpace'
        'Set-SyncedSpace'
        'Remove-SyncedSpace'
        'Copy-SyncState'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    # No HelpInfoURI: the help ships inside the module (en-US/) and there is no Update-Help server. Each cmdlet's
    # online help link comes from Directory.Build.props' ModuleHelpUri once the docs have a public address.
    PrivateData          = @{
        PSData = @{
            Tags         = @('Confluence', 'Migration', 'Sync', 'Atlassian', 'DataCenter', 'Cloud', 'Wiki',
                             'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ReleaseNotes = ''
            ProjectUri   = ''
            LicenseUri   = ''
        }
    }
}
