using System.Text;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

public sealed class ScopeOnlineCheckTests : IDisposable
{
    private const string UserKey = "8a7f808a7d6b1c3e017d6b1d2f3a0001";
    private readonly SiteTestKit _kit = new();
    private readonly FakeSecrets _secrets = new()
    {
        ["SPACESYNC_CLOUD_TOKEN"] = SiteTestKit.CloudToken,
        ["SPACESYNC_DC_TOKEN"] = SiteTestKit.DataCenterPat,
    };

    private ScriptedServer Server => _kit.Server;

    public void Dispose() => _kit.Dispose();

    private ScopeDocument Scope(SiteSettings? dataCenter = null) => new()
    {
        Path = "/tmp/spacesync.yaml",
        Cloud = _kit.CloudSettings() with { Location = new SourceLocation("/tmp/spacesync.yaml", 3, 3) },
        DataCenter = dataCenter ?? _kit.DataCenterSettings() with { Location = new SourceLocation("/tmp/spacesync.yaml", 9, 3) },
        Spaces = new[]
        {
            new SpaceSettings { Key = "ENG", CloudKey = "ENG2", Owner = "eng-docs@acme.com", Location = new SourceLocation("/tmp/spacesync.yaml", 24, 5) },
        },
    };

    private ScopeOnlineCheck Check(ScopeOnlineCheckOptions? options = null)
    {
        options ??= new ScopeOnlineCheckOptions();
        options.ClientOptions ??= _kit.Options();
        return new ScopeOnlineCheck(_secrets, options);
    }

    private void ScriptHappyCloud()
    {
        Server.On("GET", "/wiki/rest/api/search/user", Reply.Ok(CloudUsers(("5b10ac8d82e05b22cc7d4ef5", "Sync Bot", "sync-bot@acme.com"))));
        Server.On("GET", "/wiki/rest/api/user/current", Reply.Ok(Bodies.CloudUser));
        Server.On("GET", "/wiki/api/v2/spaces?keys=ENG2", Reply.Ok(Bodies.CloudSpaces("ENG2")));
        Server.On("GET", "/wiki/api/v2/spaces/98305/operations", Reply.Ok(Bodies.CloudOperations(true)));
    }

    private void ScriptHappyDataCenter()
    {
        Server.On("GET", "/confluence/rest/api/user/list", Reply.Ok(DataCenterUsers((UserKey, "Sync Bot", "sync-bot@acme.com"))));
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Ok(Bodies.DataCenterUser));
        Server.On("GET", "/confluence/rest/api/space/ENG", Reply.Ok(Bodies.DataCenterSpace("ENG")));
        Server.On("GET", $"/confluence/rest/api/space/ENG/permissions/user/{UserKey}",
            Reply.Ok(Bodies.DataCenterPermissions("ENG", "read/space", "create/page", "create/blogpost")));
    }

    private static string Summary(ScopeFinding f) => $"{f.Site} {f.Check} {f.Severity} {f.Code}";

    /// <summary>A Data Center user list page (expand=details.personal): a null e-mail leaves it out, as the site does for callers it hides it from.</summary>
    private static string DataCenterUsers(params (string Key, string Name, string? Email)[] users) =>
        "{\"results\":[" + string.Join(",", users.Select(u =>
            $$$"""{"type":"known","username":"{{{u.Name.ToLowerInvariant().Replace(' ', '-')}}}","userKey":"{{{u.Key}}}","displayName":"{{{u.Name}}}","details":{"personal":{{{(u.Email is null ? "{}" : $"{{\"email\":\"{u.Email}\"}}")}}}}}""")) +
        $"],\"start\":0,\"limit\":100,\"size\":{users.Length},\"_links\":{{\"base\":\"http://wiki.acme.internal/confluence\",\"context\":\"/confluence\"}}}}";

    /// <summary>A Cloud user search page: an empty e-mail is a profile that hides it.</summary>
    private static string CloudUsers(params (string AccountId, string Name, string Email)[] users) =>
        "{\"results\":[" + string.Join(",", users.Select(u =>
            $$$"""{"user":{"type":"known","accountId":"{{{u.AccountId}}}","accountType":"atlassian","email":"{{{u.Email}}}","publicName":"{{{u.Name}}}","displayName":"{{{u.Name}}}"},"title":"{{{u.Name}}}","entityType":"user"}""")) +
        $"],\"start\":0,\"limit\":100,\"size\":{users.Length},\"_links\":{{\"base\":\"https://acme.atlassian.net/wiki\",\"context\":\"/wiki\"}}}}";

    [Fact]
    public async Task A_happy_scope_checks_every_site_and_space()
    {
        ScriptHappyCloud();
        ScriptHappyDataCenter();
        var streamed = new List<ScopeFinding>();

        var findings = await Check(new ScopeOnlineCheckOptions { OnFinding = streamed.Add }).RunAsync(Scope(), CancellationToken.None);

        Assert.Equal(new[]
        {
            "Cloud Reachable Information ", "Cloud Authenticated Information ", "Cloud SpaceExists Information ", "Cloud CanWrite Information ",
            "DataCenter Reachable Information ", "DataCenter Authenticated Information ", "DataCenter SpaceExists Information ", "DataCenter CanWrite Information ",
            " Users Information ",
        }, findings.Select(Summary));
        Assert.Equal("1 Data Center and 1 Cloud users: 1 pair by e-mail, 0 by users.map; 0 Data Center and 0 Cloud users have no counterpart " +
                     "(mentions of them cross as their names). Every user came with an e-mail address.", findings[8].Message);
        Assert.Contains("expand=details.personal", Server.RequestsTo("/confluence/rest/api/user/list").Single().Query);
        Assert.Equal(findings, streamed);
        Assert.Contains("Sync Bot (accountId 5b10ac8d82e05b22cc7d4ef5)", findings[1].Message);
        Assert.Contains("ENG2 (cloudKey of ENG)", findings[2].Message);
        Assert.All(findings.Where(f => f.Check is "SpaceExists" or "CanWrite"), f => Assert.Equal("ENG", f.SpaceKey));
        Assert.Contains("granted to the user", findings[7].Message);
        var cloudAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(SiteTestKit.CloudEmail + ":" + SiteTestKit.CloudToken));
        Assert.All(Server.Requests.Where(r => r.Path.StartsWith("/wiki/")), r => Assert.Equal(cloudAuth, r.Authorization));
        Assert.All(Server.Requests.Where(r => r.Path.StartsWith("/confluence/")), r => Assert.Equal("Bearer " + SiteTestKit.DataCenterPat, r.Authorization));
        Assert.DoesNotContain(findings, f => f.Message.Contains(SiteTestKit.CloudToken) || f.Message.Contains(SiteTestKit.DataCenterPat));
    }

    [Fact]
    public async Task Users_without_an_email_on_either_site_are_a_warning_per_site_that_counts_them_and_points_to_users_map()
    {
        ScriptHappyCloud();
        ScriptHappyDataCenter();
        const string BobKey = "8a7f808a7d6b1c3e017d6b1d2f3a0002", CarolKey = "8a7f808a7d6b1c3e017d6b1d2f3a0003";
        const string BobAccount = "5b10ac8d82e05b22cc7d4e02", CarolAccount = "5b10ac8d82e05b22cc7d4e03", DanAccount = "5b10ac8d82e05b22cc7d4e04";
        // Data Center shows the (non-administrator) sync account no one else's address; Cloud hides Dan's and refuses its e-mail API.
        Server.On("GET", "/confluence/rest/api/user/list", Reply.Ok(DataCenterUsers((UserKey, "Sync Bot", "sync-bot@acme.com"), (BobKey, "Bob Brandt", null), (CarolKey, "Carol Cruz", null))));
        Server.On("GET", "/wiki/rest/api/search/user", Reply.Ok(CloudUsers(("5b10ac8d82e05b22cc7d4ef5", "Sync Bot", "sync-bot@acme.com"),
            (BobAccount, "Bob Brandt", "bob@acme.com"), (CarolAccount, "Carol Cruz", "carol@acme.com"), (DanAccount, "Dan Dorn", ""))));
        Server.On("GET", "/wiki/rest/api/user/email/bulk", Reply.Json(400, """{"statusCode":400,"message":"This API is only available to apps approved by Atlassian to access email addresses."}"""));
        var folder = Directory.CreateTempSubdirectory("spacesync-online-users-").FullName;
        try
        {
            var map = Path.Combine(folder, "users.csv");
            File.WriteAllText(map, $"dataCenterUserKey,cloudAccountId\n{BobKey},{BobAccount}\n");
            var mapAt = new SourceLocation("/tmp/spacesync.yaml", 31, 8);
            var scope = Scope() with { Users = new UserSettings { MapPath = map, MapLocation = mapAt } };

            var findings = await Check().RunAsync(scope, CancellationToken.None);

            Assert.DoesNotContain(findings, f => f.Severity == FindingSeverity.Error);
            Assert.Equal(new[] { "DataCenter Users Warning UserEmailsMissing", "Cloud Users Warning UserEmailsMissing", " Users Information " },
                findings.Where(f => f.Check == "Users").Select(Summary));
            var dc = findings.Single(f => f.Check == "Users" && f.Site == SiteKind.DataCenter);
            Assert.StartsWith("2 of 3 Data Center users came without an e-mail address", dc.Message);
            Assert.Contains($"users.map is the way to pair them: rows in the CSV that the scope key users.map names ({map}, set at /tmp/spacesync.yaml:31:8)", dc.Message);
            Assert.Contains("1 of them are paired there; 1 are not (Carol Cruz (" + CarolKey + "))", dc.Message);
            Assert.Contains("only visible to site administrators", dc.Message);
            Assert.Equal(mapAt, dc.Location);
            var cloud = findings.Single(f => f.Check == "Users" && f.Site == SiteKind.Cloud);
            Assert.StartsWith("1 of 4 Cloud users came without an e-mail address", cloud.Message);
            Assert.Contains("(Dan Dorn (" + DanAccount + "))", cloud.Message);
            Assert.Contains("refused (400", cloud.Message);
            Assert.Contains("1 pair by e-mail, 1 by users.map; 1 Data Center and 2 Cloud users have no counterpart", findings.Last().Message);

            // Once users.map pairs everybody without an address on a site, that site's finding is information.
            File.WriteAllText(map, $"dataCenterUserKey,cloudAccountId\n{BobKey},{BobAccount}\n{CarolKey},{CarolAccount}\n");
            var mapped = await Check().RunAsync(scope, CancellationToken.None);
            var allPaired = mapped.Single(f => f.Check == "Users" && f.Site == SiteKind.DataCenter);
            Assert.Equal((FindingSeverity.Information, "UserEmailsMissing"), (allPaired.Severity, allPaired.Code));
            Assert.Contains("2 of 3 Data Center users came without an e-mail address", allPaired.Message);
            Assert.Contains("users.map pairs all of them.", allPaired.Message);
            Assert.Equal(FindingSeverity.Warning, mapped.Single(f => f.Check == "Users" && f.Site == SiteKind.Cloud).Severity); // Dan

            // Without users.map the warning says where the key goes.
            var bare = await Check().RunAsync(Scope(), CancellationToken.None);
            var hint = bare.Single(f => f.Check == "Users" && f.Site == SiteKind.DataCenter);
            Assert.Contains("a CSV named by the scope key users.map (under 'users:' in /tmp/spacesync.yaml; columns dataCenterUserKey,cloudAccountId)", hint.Message);
            Assert.Contains("0 of them are paired there; 2 are not", hint.Message);
            Assert.Null(hint.Location);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_users_map_that_cannot_be_read_is_an_error_at_its_key()
    {
        ScriptHappyCloud();
        ScriptHappyDataCenter();
        var folder = Directory.CreateTempSubdirectory("spacesync-online-users-").FullName;
        try
        {
            var map = Path.Combine(folder, "users.csv");
            File.WriteAllText(map, "dataCenterUserKey,cloudAccountId\nk1,a1\nk1,a2\n");
            var mapAt = new SourceLocation("/tmp/spacesync.yaml", 31, 8);

            var findings = await Check().RunAsync(Scope() with { Users = new UserSettings { MapPath = map, MapLocation = mapAt } }, CancellationToken.None);

            var error = Assert.Single(findings, f => f.Severity == FindingSeverity.Error);
            Assert.Equal(("Users", "UserMapInvalid", mapAt), (error.Check, error.Code, error.Location));
            Assert.Contains(map + ":3:1", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_space_missing_on_Cloud_is_SpaceNotFound_and_its_write_check_is_skipped()
    {
        Server.On("GET", "/wiki/rest/api/user/current", Reply.Ok(Bodies.CloudUser));
        Server.On("GET", "/wiki/api/v2/spaces?keys=ENG2", Reply.Ok(Bodies.CloudNoSpaces));
        ScriptHappyDataCenter();

        var findings = await Check().RunAsync(Scope(), CancellationToken.None);

        var missing = Assert.Single(findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal("SpaceNotFound", missing.Code);
        Assert.Equal(SiteKind.Cloud, missing.Site);
        Assert.Equal("ENG", missing.SpaceKey);
        Assert.Equal(24, missing.Location!.Line);
        Assert.Contains("ENG2", missing.Message);
        Assert.DoesNotContain(findings, f => f.Site == SiteKind.Cloud && f.Check == "CanWrite");
        Assert.Empty(Server.RequestsTo("/wiki/api/v2/spaces/98305/operations"));
        Assert.Contains(findings, f => f.Site == SiteKind.DataCenter && f.Check == "CanWrite" && f.Severity == FindingSeverity.Information);
    }

    [Fact]
    public async Task A_space_missing_on_DataCenter_is_SpaceNotFound()
    {
        ScriptHappyCloud();
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Ok(Bodies.DataCenterUser));
        Server.On("GET", "/confluence/rest/api/space/ENG", Reply.Json(404, Bodies.DataCenterNotFound));

        var findings = await Check().RunAsync(Scope(), CancellationToken.None);

        var missing = Assert.Single(findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal("SpaceNotFound", missing.Code);
        Assert.Equal(SiteKind.DataCenter, missing.Site);
    }

    [Fact]
    public async Task A_403_on_the_DataCenter_permission_read_is_a_warning_not_an_error()
    {
        ScriptHappyCloud();
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Ok(Bodies.DataCenterUser));
        Server.On("GET", "/confluence/rest/api/space/ENG", Reply.Ok(Bodies.DataCenterSpace("ENG")));
        Server.On("GET", $"/confluence/rest/api/space/ENG/permissions/user/{UserKey}", Reply.Json(403, Bodies.DataCenterForbidden));
        Server.On("GET", "/confluence/rest/api/user/list", Reply.Ok(DataCenterUsers((UserKey, "Sync Bot", "sync-bot@acme.com"))));

        var findings = await Check().RunAsync(Scope(), CancellationToken.None);

        Assert.DoesNotContain(findings, f => f.Severity == FindingSeverity.Error);
        var warning = Assert.Single(findings, f => f.Severity == FindingSeverity.Warning);
        Assert.Equal("CanWrite", warning.Check);
        Assert.Equal("WriteAccessUnverified", warning.Code);
        Assert.Equal(SiteKind.DataCenter, warning.Site);
        Assert.Contains("space administrators", warning.Message);
    }

    [Fact]
    public async Task DataCenter_write_access_through_a_group_counts()
    {
        ScriptHappyCloud();
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Ok(Bodies.DataCenterUser));
        Server.On("GET", "/confluence/rest/api/space/ENG", Reply.Ok(Bodies.DataCenterSpace("ENG")));
        Server.On("GET", $"/confluence/rest/api/space/ENG/permissions/user/{UserKey}", Reply.Ok(Bodies.DataCenterPermissions("ENG", "read/space")));
        Server.On("GET", "/confluence/rest/api/user/memberof", Reply.Ok(
            """{"results":[{"type":"group","name":"confluence-users"},{"type":"group","name":"eng writers"}],"start":0,"limit":200,"size":2,"_links":{"base":"http://wiki.acme.internal/confluence","context":"/confluence"}}"""));
        Server.On("GET", "/confluence/rest/api/space/ENG/permissions/group/confluence-users", Reply.Ok(Bodies.DataCenterPermissions("ENG", "read/space", "create/comment")));
        Server.On("GET", "/confluence/rest/api/space/ENG/permissions/group/eng%20writers", Reply.Ok(Bodies.DataCenterPermissions("ENG", "read/space", "create/page")));

        var findings = await Check().RunAsync(Scope(), CancellationToken.None);

        var canWrite = Assert.Single(findings, f => f.Site == SiteKind.DataCenter && f.Check == "CanWrite");
        Assert.Equal(FindingSeverity.Information, canWrite.Severity);
        Assert.Contains("through group eng writers", canWrite.Message);
        Assert.Equal($"?key={UserKey}", Server.RequestsTo("/confluence/rest/api/user/memberof").Single().Query);
    }

    [Fact]
    public async Task No_create_page_permission_anywhere_is_SpaceNotWritable()
    {
        Server.On("GET", "/wiki/rest/api/user/current", Reply.Ok(Bodies.CloudUser));
        Server.On("GET", "/wiki/api/v2/spaces?keys=ENG2", Reply.Ok(Bodies.CloudSpaces("ENG2")));
        Server.On("GET", "/wiki/api/v2/spaces/98305/operations", Reply.Ok(Bodies.CloudOperations(false)));
        Server.On("GET", "/confluence/rest/api/user/current", Reply.Ok(Bodies.DataCenterUser));
        Server.On("GET", "/confluence/rest/api/space/ENG", Reply.Ok(Bodies.DataCenterSpace("ENG")));
        Server.On("GET", $"/confluence/rest/api/space/ENG/permissions/user/{UserKey}", Reply.Ok("[]"));
        Server.On("GET", "/confluence/rest/api/user/memberof", Reply.Ok(
            """{"results":[{"type":"group","name":"confluence-users"}],"start":0,"limit":200,"size":1,"_links":{"base":"http://x/confluence","context":"/confluence"}}"""));
        Server.On("GET", "/confluence/rest/api/space/ENG/permissions/group/confluence-users", Reply.Ok(Bodies.DataCenterPermissions("ENG", "read/space")));

        var findings = await Check().RunAsync(Scope(), CancellationToken.None);

        var errors = findings.Where(f => f.Severity == FindingSeverity.Error).ToList();
        Assert.Equal(new[] { "Cloud CanWrite Error SpaceNotWritable", "DataCenter CanWrite Error SpaceNotWritable" }, errors.Select(Summary));
        Assert.All(errors, e => Assert.Equal("ENG", e.SpaceKey));
    }

    [Fact]
    public async Task Refused_credentials_are_SiteUnauthorized_after_a_Reachable_site()
    {
        Server.On("GET", "/wiki/rest/api/user/current", Reply.Json(401, """{"code":401,"message":"Unauthorized"}"""));
        ScriptHappyDataCenter();

        var findings = await Check().RunAsync(Scope(), CancellationToken.None);

        Assert.Equal(new[] { "Cloud Reachable Information ", "Cloud Authenticated Error SiteUnauthorized" },
            findings.Where(f => f.Site == SiteKind.Cloud).Select(Summary));
        Assert.Equal(4, findings.Count(f => f.Site == SiteKind.DataCenter && f.Severity == FindingSeverity.Information));
        Assert.Single(Server.RequestsTo("/wiki/rest/api/user/current"));
    }

    [Fact]
    public async Task An_unreachable_site_is_SiteUnreachable_and_the_other_site_is_still_checked()
    {
        ScriptHappyCloud();
        var closed = _kit.DataCenterSettings() with { Url = new Uri($"http://127.0.0.1:{UnusedPort()}/confluence") };

        var findings = await Check().RunAsync(Scope(closed), CancellationToken.None);

        var unreachable = Assert.Single(findings, f => f.Site == SiteKind.DataCenter);
        Assert.Equal("DataCenter Reachable Error SiteUnreachable", Summary(unreachable));
        Assert.Contains("could not be reached", unreachable.Message);
        Assert.Equal(4, findings.Count(f => f.Site == SiteKind.Cloud && f.Severity == FindingSeverity.Information));
    }

    [Fact]
    public async Task A_wrong_context_path_says_so()
    {
        ScriptHappyCloud();
        var noContext = _kit.DataCenterSettings("");

        var findings = await Check().RunAsync(Scope(noContext), CancellationToken.None);

        var wrong = Assert.Single(findings, f => f.Site == SiteKind.DataCenter);
        Assert.Equal("SiteApiNotFound", wrong.Code);
        Assert.Contains("context path", wrong.Message);
    }

    [Fact]
    public async Task A_secret_that_cannot_be_read_is_SecretNotFound_and_nothing_is_sent_to_that_site()
    {
        _secrets.Remove("SPACESYNC_CLOUD_TOKEN");
        ScriptHappyDataCenter();

        var findings = await Check().RunAsync(Scope(), CancellationToken.None);

        var secret = Assert.Single(findings, f => f.Site == SiteKind.Cloud);
        Assert.Equal("Cloud Authenticated Error SecretNotFound", Summary(secret));
        Assert.Contains("env:SPACESYNC_CLOUD_TOKEN", secret.Message);
        Assert.Equal(3, secret.Location!.Line);
        Assert.DoesNotContain(Server.Requests, r => r.Path.StartsWith("/wiki/"));
        Assert.Equal(4, findings.Count(f => f.Site == SiteKind.DataCenter));
    }

    [Fact]
    public async Task An_empty_secret_is_SecretNotFound()
    {
        _secrets["SPACESYNC_DC_TOKEN"] = "";
        ScriptHappyCloud();

        var findings = await Check().RunAsync(Scope(), CancellationToken.None);

        var secret = Assert.Single(findings, f => f.Site == SiteKind.DataCenter);
        Assert.Equal("SecretNotFound", secret.Code);
        Assert.Contains("empty", secret.Message);
    }

    [Fact]
    public async Task A_credential_given_on_the_command_line_overrides_the_scope()
    {
        _secrets.Clear(); // the resolver must not be asked
        ScriptHappyCloud();
        ScriptHappyDataCenter();
        var options = new ScopeOnlineCheckOptions
        {
            CloudCredential = SiteCredential.FromOverride(_kit.CloudSettings().Auth, "other@acme.com", "override-token"),
            DataCenterCredential = SiteCredential.FromOverride(_kit.DataCenterSettings().Auth, "ignored", "override-pat"),
        };

        var findings = await Check(options).RunAsync(Scope(), CancellationToken.None);

        Assert.All(findings, f => Assert.Equal(FindingSeverity.Information, f.Severity));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("other@acme.com:override-token")),
            Server.RequestsTo("/wiki/rest/api/user/current").Single().Authorization);
        Assert.Equal("Bearer override-pat", Server.RequestsTo("/confluence/rest/api/user/current").Single().Authorization);
        Assert.Equal(0, _secrets.Calls);
    }

    [Fact]
    public async Task Cancellation_ends_the_check()
    {
        Server.On("GET", "/wiki/rest/api/user/current", new Reply { Delay = TimeSpan.FromSeconds(30), Body = Bodies.CloudUser });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Check().RunAsync(Scope(), cancel.Token));

        Assert.DoesNotContain(Server.Requests, r => r.Path.StartsWith("/confluence/"));
    }

    [Fact]
    public async Task Counters_count_every_request_of_a_check_with_its_retries()
    {
        Server.On("GET", "/wiki/rest/api/user/current", Reply.Json(429, "{}", ("Retry-After", "1")), Reply.Ok(Bodies.CloudUser));
        Server.On("GET", "/wiki/api/v2/spaces?keys=ENG2", Reply.WithStatus(500), Reply.Ok(Bodies.CloudSpaces("ENG2")));
        Server.On("GET", "/wiki/api/v2/spaces/98305/operations", Reply.Ok(Bodies.CloudOperations(true)));
        using var site = _kit.Cloud();

        var user = await site.GetCurrentUserAsync(CancellationToken.None);
        var space = await site.FindSpaceAsync("ENG2", CancellationToken.None);
        await site.CheckWriteAccessAsync(space!, user, CancellationToken.None);

        Assert.Equal(5, site.Counters.RequestsSent);
        Assert.Equal(2, site.Counters.Retries);
        Assert.Equal(1, site.Counters.RateLimitedResponses);
        Assert.Equal("5 requests (2 retries, 1 rate-limited)", site.Counters.ToString());
    }

    private static int UnusedPort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Secrets by env-variable name; a missing one fails like the host's resolver would.</summary>
    private sealed class FakeSecrets : Dictionary<string, string>, ISecretResolver
    {
        public int Calls { get; private set; }

        public Task<ResolvedSecret> ResolveAsync(SecretReference reference, SiteKind site, CancellationToken cancellationToken)
        {
            Calls++;
            return TryGetValue(reference.Name!, out var value)
                ? Task.FromResult(new ResolvedSecret(value))
                : Task.FromException<ResolvedSecret>(new InvalidOperationException($"Environment variable {reference.Name} is not set."));
        }
    }
}
