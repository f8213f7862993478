# Blog posts (content.blogposts) through the built module, against both emulators: the space's blog posts are baselined
# and synced as their own collection (ENG:blogposts) after its pages, and land on the other site as blog posts.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    # Ten seeded pages come with one blog post ("Weekly update 1").
    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 10 -Seed 5
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG -SeedPages 0
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG
    $script:CloudSpaceId = (Invoke-EmulatorApi $script:Cloud '/api/v2/spaces?keys=ENG').results[0].id
    # The migration assistant copies blog posts too.
    foreach ($post in (Invoke-EmulatorApi $script:Dc '/rest/api/content?spaceKey=ENG&type=blogpost&expand=body.storage').results) {
        $null = Invoke-EmulatorApi $script:Cloud '/api/v2/blogposts' -Method Post -Body @{
            spaceId = $script:CloudSpaceId; status = 'current'; title = $post.title
            body = @{ representation = 'storage'; value = $post.body.storage.value } }
    }

    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    owner: eng@example.com`n    phase: dual-write`n    content: { blogposts: true }`n" +
              "state:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'blogposts') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces

    function script:Get-CloudPosts { (Invoke-EmulatorApi $script:Cloud "/api/v2/spaces/$($script:CloudSpaceId)/blogposts?body-format=storage").results }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Blog posts' {
    It 'baselines the blog posts as a collection of their own after the pages' {
        $results = @(Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG)
        $results.SpaceKey | Should -Be @('ENG', 'ENG:blogposts')
        $results[1].PairsRecorded | Should -Be 1
        $results[1].Unpaired | Should -Be 0
    }

    It 'carries a blog post written on Data Center to Cloud as a blog post, and a second run writes nothing' {
        $null = Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
            type = 'blogpost'; title = 'Release 4.2 is out'; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = '<p>Upgrade notes inside.</p>'; representation = 'storage' } } }

        $drift = Get-SyncDrift -ScopePath $script:Scope | Where-Object SpaceKey -eq 'ENG:blogposts'
        $drift.Status | Should -Be 'OnlyOnDataCenter'
        $drift.Title | Should -Be 'Release 4.2 is out'

        $results = @(Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false)
        $results.SpaceKey | Should -Be @('ENG', 'ENG:blogposts')
        $results[0].Count('Create') | Should -Be 0
        $results[1].Count('Create') | Should -Be 1
        $results[1].Errors | Should -BeNullOrEmpty
        $posted = Get-CloudPosts | Where-Object title -eq 'Release 4.2 is out'
        $posted.body.storage.value | Remove-CloudLocalId | Should -Be '<p>Upgrade notes inside.</p>'
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages?title=Release%204.2%20is%20out").results | Should -BeNullOrEmpty

        $again = @(Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false)
        foreach ($result in $again) {
            foreach ($kind in 'Create', 'Update', 'Trash', 'Restore') { $result.Count($kind) | Should -Be 0 }
        }
    }

    It 'retires the blog posts with the space' {
        $retired = Remove-SyncedSpace -ScopePath $script:Scope -SpaceKey ENG -Confirm:$false -PassThru
        $retired.SpaceKey | Should -Be 'ENG'
        @(Get-ChildItem (Join-Path (Split-Path $script:Scope) 'state/archive') -Filter 'ENG-*.db').Count | Should -Be 1
        @(Get-ChildItem (Join-Path (Split-Path $script:Scope) 'state/archive') -Filter 'ENG.blogposts-*.db').Count | Should -Be 1
    }
}
