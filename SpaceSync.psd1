# Module manifest for SpaceSync. build.ps1 copies it into out/SpaceSync/ and stamps ModuleVersion
# from Directory.Build.props (the one version source); import the built copy, not this one.
@{
    RootModule           = 'SpaceSync.PowerShell.dll'
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = '5b0e7f4c-8a57-4f0e-9d3b-2c6a1e9f4d21'
    Author               = 'SpaceSync'
    CompanyName          = 'SpaceSync'
    Copyright            = '(c) SpaceSync. All rights reserved.'
    Description          = 'Keeps Confluence spaces aligned in both directions between Confluence Data Center and Confluence Cloud during a phased migration.'
    PowerShellVersion    = '5.1'
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
        'Remove-SyncedSpace'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Confluence', 'Migration', 'Sync', 'Atlassian', 'DataCenter', 'Cloud')
        }
    }
}
