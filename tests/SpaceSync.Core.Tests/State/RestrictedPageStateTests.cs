using SpaceSync.Core.State;
using Xunit;

namespace SpaceSync.Core.Tests.State;

/// <summary>The restricted pages a space's runs found (StateSchema V9RestrictedPages): replaced by complete listings, kept up by change runs.</summary>
public abstract class RestrictedPageStateTests : IDisposable
{
    private readonly StateTarget _target;
    private readonly StateStore _store;

    protected RestrictedPageStateTests(StateTarget target)
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

    private static RestrictedPageRecord Page(string? dc, string? cloud, string title = "Payroll") => new(dc, cloud, title, $"\"{title}\" is left untouched.");

    [Fact]
    public void A_complete_listing_replaces_them_and_a_change_run_adds_and_frees_only_what_it_judged()
    {
        _store.SaveRestrictedPages("ENG", new[] { Page("1", "101"), Page("2", "102"), Page(null, "900", "Cloud only") }, Array.Empty<string>(), replaceAll: true);
        _store.SaveRestrictedPages("OPS", new[] { Page("7", "107") }, Array.Empty<string>(), replaceAll: true);
        Assert.Equal(new[] { "cloud:900", "dc:1", "dc:2" }, _store.ListRestrictedPages("ENG").Select(p => p.PageKey));

        // A change run: page 3 found restricted, page 2 judged free, page 1 not judged (kept), page 3's text as found.
        _store.SaveRestrictedPages("ENG", new[] { Page("3", "103", "Salaries") }, new[] { "dc:2" }, replaceAll: false);
        Assert.Equal(new[] { "cloud:900", "dc:1", "dc:3" }, _store.ListRestrictedPages("ENG").Select(p => p.PageKey));
        Assert.Equal(Page("3", "103", "Salaries"), _store.ListRestrictedPages("ENG").Single(p => p.PageKey == "dc:3"));

        _store.SaveRestrictedPages("ENG", Array.Empty<RestrictedPageRecord>(), Array.Empty<string>(), replaceAll: true);
        Assert.Empty(_store.ListRestrictedPages("ENG"));
        Assert.Equal(new[] { Page("7", "107") }, _store.ListRestrictedPages("OPS")); // other spaces untouched
    }

    [Fact]
    public void A_space_without_a_row_or_a_page_without_ids_writes_nothing()
    {
        var refused = Assert.Throws<StateStoreException>(() =>
            _store.SaveRestrictedPages("NOPE", new[] { Page("1", "101") }, Array.Empty<string>(), replaceAll: true));
        Assert.Equal(StateErrorKind.WriteRejected, refused.Kind);

        Assert.Throws<ArgumentException>(() => _store.SaveRestrictedPages("ENG", new[] { Page("1", "101"), Page(null, null) }, Array.Empty<string>(), replaceAll: true));
        Assert.Empty(_store.ListRestrictedPages("ENG"));
    }
}

public sealed class RestrictedPageStateTestsOnSqlite() : RestrictedPageStateTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class RestrictedPageStateTestsOnPostgres(PostgresServer server) : RestrictedPageStateTests(new PostgresTarget(server, typeof(RestrictedPageStateTestsOnPostgres)));
