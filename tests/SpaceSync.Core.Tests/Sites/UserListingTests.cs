using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using SpaceSync.Tests.Shared;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>The site clients' user directory calls against the emulator of each flavour.</summary>
public sealed class UserListingTests
{
    private static readonly string[] SeededEmails =
        { "admin@example.com", "alice@example.com", "bob@example.com", "chen@example.com", "dana@example.com" };

    [Theory]
    [InlineData(EmulatorFlavor.DataCenter)]
    [InlineData(EmulatorFlavor.Cloud)]
    public async Task Every_user_is_listed_once_with_the_sites_id_and_the_email_the_site_shows_across_listing_pages(EmulatorFlavor flavor)
    {
        // Data Center: the admin caller sees every address under expand=details.personal. Cloud: Dana's profile hides hers
        // (seeded so) and the e-mail API is refused to an API-token caller, so hers is withheld.
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 2);
        for (var i = 0; i < 120; i++) site.State.AddUser($"Person {i:000}", $"person{i:000}@example.com");

        var reader = site.Client.ListUsers();
        var users = await reader.ReadAllAsync(CancellationToken.None);

        Assert.Equal(125, users.Count);
        Assert.True(reader.ListingPagesRead >= 2, "125 users take more than one listing page of 100");
        Assert.Equal(users.Count, users.Select(u => u.Id).Distinct().Count());
        foreach (var stored in site.State.GetUsers())
        {
            var listed = Assert.Single(users, u => u.Id == (flavor == EmulatorFlavor.Cloud ? stored.AccountId : stored.UserKey));
            var hidden = flavor == EmulatorFlavor.Cloud && stored.EmailHidden;
            Assert.Equal(hidden ? null : stored.Email, listed.Email);
            Assert.Equal(stored.DisplayName, listed.DisplayName);
            Assert.Equal(flavor == EmulatorFlavor.Cloud ? null : stored.Username, listed.Username);
            Assert.Equal(hidden, listed.EmailWithheld);
        }

        var expected = flavor == EmulatorFlavor.Cloud ? SeededEmails.Where(e => e != "dana@example.com") : SeededEmails;
        Assert.Subset(users.Where(u => u.Email != null).Select(u => u.Email!).ToHashSet(), expected.ToHashSet());
        if (flavor == EmulatorFlavor.Cloud)
        {
            Assert.Equal("Dana Díaz", Assert.Single(users, u => u.EmailWithheld).DisplayName);
            Assert.Contains("users.map", reader.EmailNotice);
        }
        else
        {
            Assert.Null(reader.EmailNotice);
        }
    }

    [Fact]
    public async Task A_data_center_sync_account_that_is_not_an_administrator_gets_no_one_elses_email_and_the_notice_says_why()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.DataCenter, pageCount: 2);
        var bot = site.State.AddUser("Sync Bot", "sync-bot@example.com", "sync-bot", personalAccessToken: "bot-pat");
        using var asBot = EmulatedPair.DataCenterClient(site.Emulator.BaseUrl, new SiteClientOptions { MaxAttempts = 1 }, "bot-pat");

        var reader = asBot.ListUsers();
        var users = await reader.ReadAllAsync(CancellationToken.None);

        Assert.Equal(site.State.GetUsers().Count, users.Count);
        Assert.Equal("sync-bot@example.com", Assert.Single(users, u => u.Email != null).Email); // only their own
        Assert.All(users, u => Assert.False(u.EmailWithheld));
        Assert.Contains("only visible to site administrators", reader.EmailNotice);
        Assert.Contains("users.map", reader.EmailNotice);
        var chen = site.State.FindUserByEmail("chen@example.com")!;
        Assert.Null((await asBot.GetUserAsync(chen.UserKey, CancellationToken.None))!.Email);
        Assert.Equal(bot.UserKey, (await asBot.FindUserByUsernameAsync("sync-bot", CancellationToken.None))!.Id);
    }

    [Theory]
    [InlineData(EmulatorFlavor.DataCenter)]
    [InlineData(EmulatorFlavor.Cloud)]
    public async Task One_user_is_found_by_the_sites_id_and_a_missing_one_is_null(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 2);
        var chen = site.State.FindUserByEmail("chen@example.com")!;
        var id = flavor == EmulatorFlavor.Cloud ? chen.AccountId : chen.UserKey;

        var found = await site.Client.GetUserAsync(id, CancellationToken.None);

        Assert.Equal(new DirectoryUser(id, flavor == EmulatorFlavor.Cloud ? null : chen.Username, "Chen Chao", "chen@example.com", false), found);
        Assert.Null(await site.Client.GetUserAsync("0123456789abcdef0123456789abcdef", CancellationToken.None));
    }

    [Fact]
    public async Task Data_Center_finds_a_user_by_username_and_Cloud_which_has_none_sends_nothing()
    {
        await using var dc = await EmulatedSite.StartAsync(EmulatorFlavor.DataCenter, pageCount: 2);
        await using var cloud = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 2);
        var dana = dc.State.FindUserByEmail("dana@example.com")!;

        Assert.Equal(dana.UserKey, (await dc.Client.FindUserByUsernameAsync(dana.Username, CancellationToken.None))?.Id);
        Assert.Null(await dc.Client.FindUserByUsernameAsync("nobody-here", CancellationToken.None));

        var before = cloud.Client.Counters.RequestsSent;
        Assert.Null(await cloud.Client.FindUserByUsernameAsync(dana.Username, CancellationToken.None));
        Assert.Equal(before, cloud.Client.Counters.RequestsSent);
    }

    [Fact]
    public async Task Cloud_emails_hidden_by_profiles_come_from_the_email_api_in_batches()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 2);
        site.State.EmailApiApproved = true; // an app Atlassian approved: the path this test is about
        var hidden = Enumerable.Range(0, 60).Select(i => site.State.AddUser($"Quiet {i:00}", $"quiet{i:00}@example.com")).ToList();
        foreach (var user in hidden) site.State.HideEmail(user);
        site.State.Stats.Reset();

        var reader = site.Client.ListUsers();
        var users = await reader.ReadAllAsync(CancellationToken.None);

        Assert.Null(reader.EmailNotice);
        Assert.All(hidden, h => Assert.Equal(h.Email, Assert.Single(users, u => u.Id == h.AccountId).Email));
        Assert.DoesNotContain(users, u => u.EmailWithheld);
        // 61 hidden addresses (seeded Dana too) on one listing page: two requests of at most 50 ids.
        Assert.Equal(2, site.State.Stats.ByRoute.Where(r => r.Key.StartsWith("GET ", StringComparison.Ordinal) && r.Key.EndsWith("/user/email/bulk", StringComparison.Ordinal)).Sum(r => r.Value));
    }

    [Fact]
    public async Task When_Cloud_refuses_the_email_api_hidden_users_are_withheld_and_the_notice_says_why()
    {
        // Refused is the default: the sync account signs in with an API token, not as an approved app.
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 2);
        var bob = site.State.FindUserByEmail("bob@example.com")!;
        site.State.HideEmail(bob);

        var reader = site.Client.ListUsers();
        var users = await reader.ReadAllAsync(CancellationToken.None);

        var listedBob = Assert.Single(users, u => u.Id == bob.AccountId);
        Assert.Null(listedBob.Email);
        Assert.True(listedBob.EmailWithheld);
        Assert.Equal("alice@example.com", Assert.Single(users, u => u.DisplayName == "Alice Anders").Email);
        Assert.Equal(new[] { "Bob Brandt", "Dana Díaz" }, users.Where(u => u.EmailWithheld).Select(u => u.DisplayName).Order());
        Assert.Contains("/wiki/rest/api/user/email/bulk was refused (400", reader.EmailNotice);
        Assert.Contains("approved apps", reader.EmailNotice);
        Assert.Contains("users.map", reader.EmailNotice);

        var single = await site.Client.GetUserAsync(bob.AccountId, CancellationToken.None);
        Assert.Equal(new DirectoryUser(bob.AccountId, null, "Bob Brandt", null, EmailWithheld: true), single);
    }

    [Fact]
    public async Task A_hidden_email_the_api_tells_is_filled_in_on_a_single_lookup()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 2);
        site.State.EmailApiApproved = true; // an approved app, the only caller the e-mail API answers
        var alice = site.State.FindUserByEmail("alice@example.com")!;
        site.State.HideEmail(alice);

        var found = await site.Client.GetUserAsync(alice.AccountId, CancellationToken.None);

        Assert.Equal("alice@example.com", found?.Email);
        Assert.False(found?.EmailWithheld);
    }
}
