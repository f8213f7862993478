using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using Xunit;

namespace SpaceSync.Core.Tests.State;

/// <summary>The cache of a space's Cloud folders (StateSchema V6Folders): replaced by complete reads, added to by change queries.</summary>
public abstract class CloudFolderStateTests : IDisposable
{
    private readonly StateTarget _target;
    protected readonly StateStore _store;

    protected CloudFolderStateTests(StateTarget target)
    {
        _target = target;
        _store = _target.Open();
        _store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        _store.SaveSpace(new SpaceRecord("OPS", "OPS"));
    }

    public void Dispose()
    {
        _store.Dispose();
        _target.Dispose();
    }

    protected static SiteContainer Folder(string id, string title, string? parentId = "10", string? parentType = "page", string type = "folder") =>
        new() { Id = id, Type = type, Title = title, ParentId = parentId, ParentType = parentType, Version = 1, Status = SitePageStatus.Current };

    [Fact]
    public void A_complete_read_replaces_the_folders_and_a_change_query_adds_and_updates_them()
    {
        _store.SaveCloudFolders("ENG", new[] { Folder("1", "Team"), Folder("2", "Drafts", "1", "folder") }, replaceAll: true);
        _store.SaveCloudFolders("OPS", new[] { Folder("9", "Elsewhere") }, replaceAll: true);
        Assert.Equal(new[] { Folder("1", "Team"), Folder("2", "Drafts", "1", "folder") }, _store.ListCloudFolders("ENG"));

        _store.SaveCloudFolders("ENG", new[] { Folder("2", "Drafts (old)", "1", "folder"), Folder("3", "Board", null, null, "whiteboard") }, replaceAll: false);
        Assert.Equal(new[] { "Team", "Drafts (old)", "Board" }, _store.ListCloudFolders("ENG").Select(f => f.Title));
        Assert.Null(_store.ListCloudFolders("ENG").Single(f => f.Id == "3").ParentId);

        _store.SaveCloudFolders("ENG", new[] { Folder("3", "Board", null, null, "whiteboard") }, replaceAll: true);
        Assert.Equal(new[] { "3" }, _store.ListCloudFolders("ENG").Select(f => f.Id));
        Assert.Equal(new[] { "9" }, _store.ListCloudFolders("OPS").Select(f => f.Id)); // other spaces untouched
    }

    [Fact]
    public void A_space_without_a_row_refuses_folders()
    {
        var refused = Assert.Throws<StateStoreException>(() => _store.SaveCloudFolders("NOPE", new[] { Folder("1", "Team") }, replaceAll: true));
        Assert.Equal(StateErrorKind.WriteRejected, refused.Kind);
    }
}

public sealed class CloudFolderStateTestsOnSqlite() : CloudFolderStateTests(new SqliteTarget())
{
    // Archives are SQLite files (a PostgreSQL state refuses ArchiveSpace).
    [Fact]
    public void The_folders_go_with_their_space_into_its_archive()
    {
        _store.SaveCloudFolders("ENG", new[] { Folder("1", "Team") }, replaceAll: true);
        var archive = _store.ArchiveSpace("ENG")!;
        Assert.Empty(_store.ListCloudFolders("ENG"));
        using (var read = StateStore.Open(archive.Path))
            Assert.Equal(new[] { Folder("1", "Team") }, read.ListCloudFolders("ENG"));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class CloudFolderStateTestsOnPostgres(PostgresServer server) : CloudFolderStateTests(new PostgresTarget(server, typeof(CloudFolderStateTestsOnPostgres)));
