using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Tests.Sites;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Store;
using SpaceSync.Tests.Shared;
using Xunit;

namespace SpaceSync.Core.Tests.Content.Translation;

/// <summary>Building the user map from both emulated sites and a users.map file.</summary>
public sealed class UserDirectoryTests : IAsyncLifetime
{
    private readonly List<(EngineLogLevel Level, string Text)> _log = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "spacesync-userdir-" + Guid.NewGuid().ToString("N"));
    private EmulatedSite? _dc;
    private EmulatedSite? _cloud;

    private EmulatedSite Dc => _dc!;
    private EmulatedSite Cloud => _cloud!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _dc = await EmulatedSite.StartAsync(EmulatorFlavor.DataCenter, pageCount: 2);
        _cloud = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 2);
    }

    public async Task DisposeAsync()
    {
        if (_dc != null) await _dc.DisposeAsync();
        if (_cloud != null) await _cloud.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private EngineLog Log() => EngineLog.Create(null, (level, text) => { lock (_log) _log.Add((level, text)); });

    private string UsersCsv(params string[] rows)
    {
        var path = Path.Combine(_folder, "users.csv");
        File.WriteAllText(path, "dataCenterUserKey,cloudAccountId\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    private Task<UserDirectory> BuildAsync(string? usersCsv) =>
        UserDirectory.BuildAsync(Dc.Client, Cloud.Client, usersCsv, Log(), CancellationToken.None);

    private static User Add(EmulatedSite site, string name, string email, string? username = null, bool sharedEmail = false) =>
        site.State.AddUser(name, email, username, sharedEmail: sharedEmail);

    [Fact]
    public async Task Twenty_users_pair_by_email_and_overrides_and_the_report_names_clashes_withheld_and_unpaired_users()
    {
        // Seeded on both: admin, Alice, Bob, Chen, Dana (whose Cloud profile hides her e-mail). Eight more people on both
        // sites with the same e-mail.
        var common = Enumerable.Range(1, 8).Select(i => (Dc: Add(Dc, $"User {i:00}", $"user{i:00}@example.com"),
            Cloud: Add(Cloud, $"User {i:00}", $"USER{i:00}@Example.com"))).ToList();
        // Erin changed her e-mail when moving to Cloud: users.map pairs her.
        var erinDc = Add(Dc, "Erin Ebert", "erin@old.example.com", "erin");
        var erinCloud = Add(Cloud, "Erin Ebert", "erin@example.com");
        // Frank and Gina hide their e-mail on Cloud, and the account may not read it (the e-mail API is for approved
        // apps): only Frank has a users.map row.
        var frankDc = Add(Dc, "Frank Fuchs", "frank@example.com");
        var frankCloud = Add(Cloud, "Frank Fuchs", "frank@example.com");
        var ginaDc = Add(Dc, "Gina Gold", "gina@example.com");
        var ginaCloud = Add(Cloud, "Gina Gold", "gina@example.com");
        Cloud.State.HideEmail(frankCloud);
        Cloud.State.HideEmail(ginaCloud);
        var danaDc = Dc.State.FindUserByEmail("dana@example.com")!;
        var danaCloud = Cloud.State.FindUserByEmail("dana@example.com")!;
        // Two Data Center accounts share ops@: the one Cloud account with that address pairs with neither.
        var opsDc = Add(Dc, "Pat Ops", "ops@example.com", "pat");
        var opsServiceDc = Add(Dc, "Ops Service", "ops@example.com", "ops-service", sharedEmail: true);
        var opsCloud = Add(Cloud, "Pat Ops", "ops@example.com");
        // One person on each side only; Ida's row names a Cloud account that does not exist.
        var harryDc = Add(Dc, "Harry Hill", "harry@example.com");
        var ivyCloud = Add(Cloud, "Ivy Iver", "ivy@example.com");
        var idaDc = Add(Dc, "Ida Ince", "ida@example.com");
        const string GoneAccount = "5d0000000000000000000000";
        var csv = UsersCsv($"{erinDc.UserKey},{erinCloud.AccountId}", $"\"{frankDc.UserKey}\",{frankCloud.AccountId}", $"{idaDc.UserKey},{GoneAccount}");

        var directory = await BuildAsync(csv);
        var report = directory.Report;
        var map = directory.Map;

        Assert.Equal(20, report.DataCenterUsers);
        Assert.Equal(18, report.CloudUsers);
        Assert.Equal(12, report.PairedByEmail);
        Assert.Equal(3, report.PairedByOverride);
        foreach (var (dc, cloud) in common)
        {
            Assert.Equal(cloud.AccountId, map.ByDataCenterUserKey(dc.UserKey)?.CounterpartId);
            Assert.Equal(dc.UserKey, map.ByCloudAccountId(cloud.AccountId)?.CounterpartId);
        }

        var alice = (Dc.State.FindUserByEmail("alice@example.com")!, Cloud.State.FindUserByEmail("alice@example.com")!);
        Assert.Equal(alice.Item2.AccountId, map.ByDataCenterUsername(alice.Item1.Username)?.CounterpartId);
        Assert.Equal(erinCloud.AccountId, map.ByDataCenterUserKey(erinDc.UserKey)?.CounterpartId);
        Assert.Equal(frankDc.UserKey, map.ByCloudAccountId(frankCloud.AccountId)?.CounterpartId);
        Assert.Equal(GoneAccount, map.ByDataCenterUserKey(idaDc.UserKey)?.CounterpartId);

        var erinPair = Assert.Single(report.Pairs, p => p.DataCenter.Id == erinDc.UserKey);
        Assert.Equal((UserPairing.Override, csv + ":2", erinCloud.AccountId), (erinPair.PairedBy, erinPair.Location, erinPair.Cloud?.Id));
        Assert.Null(Assert.Single(report.Pairs, p => p.DataCenter.Id == idaDc.UserKey).Cloud);
        Assert.Equal(UserPairing.Email, Assert.Single(report.Pairs, p => p.DataCenter.Id == common[0].Dc.UserKey).PairedBy);

        Assert.Equal(new[] { danaDc.UserKey, ginaDc.UserKey, harryDc.UserKey, opsDc.UserKey, opsServiceDc.UserKey }.Order(),
            report.UnpairedDataCenter.Select(u => u.Id).Order());
        Assert.Equal(new[] { danaCloud.AccountId, ginaCloud.AccountId, ivyCloud.AccountId, opsCloud.AccountId }.Order(), report.UnpairedCloud.Select(u => u.Id).Order());
        Assert.Equal(new[] { danaCloud.AccountId, frankCloud.AccountId, ginaCloud.AccountId }.Order(), report.CloudEmailWithheld.Select(u => u.Id).Order());
        Assert.Null(report.DataCenterEmailNotice);
        Assert.Contains("approved apps", report.CloudEmailNotice);
        Assert.Empty(report.DataCenterWithoutEmail);
        Assert.Null(map.ByCloudAccountId(ginaCloud.AccountId)?.CounterpartId);
        Assert.Equal("Gina Gold", map.ByCloudAccountId(ginaCloud.AccountId)?.DisplayName); // known, mentions become her name

        var clash = Assert.Single(report.EmailClashes);
        Assert.Equal((SiteKind.DataCenter, "ops@example.com"), (clash.Site, clash.Email.ToLowerInvariant()));
        Assert.Equal(new[] { opsDc.UserKey, opsServiceDc.UserKey }.Order(), clash.Users.Select(u => u.Id).Order());

        Assert.Equal(3, report.Warnings.Count);
        Assert.Contains(report.Warnings, w => w.StartsWith("2 Data Center users share the e-mail address ops@example.com", StringComparison.Ordinal));
        var withheld = Assert.Single(report.Warnings, w => w.StartsWith("Cloud withheld the e-mail of 3 users; 2 of them stay unpaired", StringComparison.Ordinal));
        Assert.Contains("Gina Gold", withheld);
        Assert.Contains("Dana Díaz", withheld);
        Assert.DoesNotContain("Frank Fuchs", withheld);
        Assert.Contains("refused (400", withheld);
        Assert.Contains(report.Warnings, w => w == $"{csv}:4: the Cloud site has no account '{GoneAccount}'; the row is used as written.");
        Assert.Equal(report.Warnings, _log.Where(l => l.Level == EngineLogLevel.Warning).Select(l => l.Text));
        Assert.Contains(_log, l => l.Level == EngineLogLevel.Information && l.Text.Contains("12 paired by e-mail, 3 by users.map", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_users_map_only_people_with_visible_emails_pair_and_a_missing_file_is_a_warning()
    {
        var missing = Path.Combine(_folder, "not-written-yet.csv");
        var danaDc = Dc.State.FindUserByEmail("dana@example.com")!;
        var danaCloud = Cloud.State.FindUserByEmail("dana@example.com")!;

        var directory = await BuildAsync(missing);

        Assert.Equal(4, directory.Report.PairedByEmail); // admin, Alice, Bob, Chen; Dana hides her e-mail on Cloud
        Assert.Equal(0, directory.Report.PairedByOverride);
        Assert.Equal(2, directory.Report.Warnings.Count);
        Assert.Equal($"The user map '{missing}' does not exist; users pair by e-mail only.", directory.Report.Warnings[0]);
        Assert.StartsWith("Cloud withheld the e-mail of 1 user; 1 of them stays unpaired unless users.map names them (Dana Díaz", directory.Report.Warnings[1]);
        Assert.Equal(danaDc.UserKey, Assert.Single(directory.Report.UnpairedDataCenter).Id);
        Assert.Equal(danaCloud.AccountId, Assert.Single(directory.Report.UnpairedCloud).Id);
        Assert.Null(directory.Map.ByDataCenterUserKey(danaDc.UserKey)!.CounterpartId); // never a guess
        Assert.DoesNotContain((await BuildAsync(null)).Report.Warnings, w => w.Contains("does not exist", StringComparison.Ordinal));

        // One users.map row pairs her.
        var paired = await BuildAsync(UsersCsv($"{danaDc.UserKey},{danaCloud.AccountId}"));
        Assert.Equal(danaCloud.AccountId, paired.Map.ByDataCenterUserKey(danaDc.UserKey)?.CounterpartId);
        Assert.Equal(danaDc.UserKey, paired.Map.ByCloudAccountId(danaCloud.AccountId)?.CounterpartId);
        Assert.Empty(paired.Report.UnpairedDataCenter);
        Assert.Empty(paired.Report.Warnings);   // nothing left to act on
        Assert.Equal(danaCloud.AccountId, Assert.Single(paired.Report.CloudEmailWithheld).Id);
    }

    [Fact]
    public async Task A_data_center_listing_without_emails_pairs_only_through_users_map_and_the_warning_says_why()
    {
        // The sync account is no Confluence administrator: Data Center shows it nobody's e-mail (but its own).
        var bot = Dc.State.AddUser("Sync Bot", "sync-bot@example.com", "sync-bot", personalAccessToken: "bot-pat");
        Cloud.State.AddUser("Sync Bot", "sync-bot@example.com");
        using var dcAsBot = EmulatedPair.DataCenterClient(Dc.Emulator.BaseUrl, new SiteClientOptions { MaxAttempts = 1 }, "bot-pat");
        var alice = (Dc: Dc.State.FindUserByEmail("alice@example.com")!, Cloud: Cloud.State.FindUserByEmail("alice@example.com")!);
        var bob = (Dc: Dc.State.FindUserByEmail("bob@example.com")!, Cloud: Cloud.State.FindUserByEmail("bob@example.com")!);

        var directory = await UserDirectory.BuildAsync(dcAsBot, Cloud.Client, UsersCsv($"{alice.Dc.UserKey},{alice.Cloud.AccountId}"), Log(), CancellationToken.None);
        var report = directory.Report;

        Assert.Equal(1, report.PairedByEmail); // the bot itself
        Assert.Equal(alice.Cloud.AccountId, directory.Map.ByDataCenterUserKey(alice.Dc.UserKey)?.CounterpartId);
        Assert.Null(directory.Map.ByDataCenterUserKey(bob.Dc.UserKey)?.CounterpartId);
        Assert.Null(directory.Map.ByCloudAccountId(bob.Cloud.AccountId)?.CounterpartId);
        Assert.Equal(Dc.State.GetUsers().Count - 1, report.DataCenterWithoutEmail.Count);
        Assert.DoesNotContain(report.DataCenterWithoutEmail, u => u.Id == bot.UserKey);
        Assert.Contains("only visible to site administrators", report.DataCenterEmailNotice);
        var warning = Assert.Single(report.Warnings, w => w.StartsWith("The Data Center site gave no e-mail for 5 users; 4 of them stay unpaired", StringComparison.Ordinal));
        Assert.Contains("Bob Brandt", warning);
        Assert.DoesNotContain("Alice Anders", warning);
        Assert.Contains("Sign in with an administrator account, or pair those users through rows in users.map", warning);
    }

    [Fact]
    public async Task A_row_for_a_user_key_the_site_does_not_know_is_a_warning_and_still_takes_the_account()
    {
        var bobCloud = Cloud.State.FindUserByEmail("bob@example.com")!;
        var csv = UsersCsv($"0123456789abcdef0123456789abcdef,{bobCloud.AccountId}");

        var report = (await BuildAsync(csv)).Report;

        Assert.Contains($"{csv}:2: the Data Center site has no user with key '0123456789abcdef0123456789abcdef'; the row is used as written.",
            report.Warnings);
        // The row takes Bob's Cloud account: the Data Center Bob, who would pair by e-mail, is left without one.
        var bobDc = Dc.State.FindUserByEmail("bob@example.com")!;
        Assert.Contains(report.UnpairedDataCenter, u => u.Id == bobDc.UserKey);
        Assert.Equal(UserPairing.Override, Assert.Single(report.Pairs, p => p.CloudAccountId == bobCloud.AccountId).PairedBy);
    }

    [Fact]
    public async Task A_malformed_users_map_stops_the_build_with_its_location()
    {
        var path = Path.Combine(_folder, "users.csv");
        File.WriteAllText(path, "dataCenterUserKey,cloudAccountId\nk1,a1\nk1,a2\n");

        var e = await Assert.ThrowsAsync<UserMapFileException>(() => BuildAsync(path));

        Assert.Equal(path + ":3:1", e.Location);
    }

    [Fact]
    public async Task The_sites_must_be_given_in_order()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            UserDirectory.BuildAsync(Cloud.Client, Dc.Client, null, EngineLog.None, CancellationToken.None));
    }
}
