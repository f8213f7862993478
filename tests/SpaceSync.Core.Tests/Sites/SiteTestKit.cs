using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Builds real site clients against a scripted server, with retry waits recorded instead of slept.</summary>
public sealed class SiteTestKit : IDisposable
{
    public const string CloudEmail = "sync-bot@acme.com";
    public const string CloudToken = "cloud-token-Secr3t";
    public const string DataCenterPat = "dc-pat-Secr3t";

    public ScriptedServer Server { get; } = new();
    public RecordingDelayClock Clock { get; } = new();
    public List<SiteEvent> Events { get; } = new();

    public SiteClientOptions Options(int maxAttempts = 4, TimeSpan? attemptTimeout = null) => new()
    {
        MaxAttempts = maxAttempts,
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        OverallTimeout = TimeSpan.FromSeconds(60),
        RetryDelayClock = Clock,
        JitterSource = () => 0.5, // jitter factor exactly 1.0
        OnEvent = e => { lock (Events) Events.Add(e); },
    };

    public SiteSettings CloudSettings(string path = "/wiki") => new()
    {
        Kind = SiteKind.Cloud,
        Url = Server.Url(path),
        Auth = new AuthSettings { Type = AuthType.Basic, User = CloudEmail, Token = new SecretReference(SecretSource.Environment, "SPACESYNC_CLOUD_TOKEN", null) },
    };

    public SiteSettings DataCenterSettings(string contextPath = "/confluence") => new()
    {
        Kind = SiteKind.DataCenter,
        Url = Server.Url(contextPath),
        Auth = new AuthSettings { Type = AuthType.Bearer, Token = new SecretReference(SecretSource.Environment, "SPACESYNC_DC_TOKEN", null) },
    };

    public CloudSite Cloud(SiteClientOptions? options = null) =>
        (CloudSite)SiteClientFactory.Create(CloudSettings(), SiteCredential.Basic(CloudEmail, CloudToken), options ?? Options());

    public DataCenterSite DataCenter(SiteClientOptions? options = null, SiteCredential? credential = null) =>
        (DataCenterSite)SiteClientFactory.Create(DataCenterSettings(), credential ?? SiteCredential.Bearer(DataCenterPat), options ?? Options());

    public void Dispose() => Server.Dispose();
}

/// <summary>Realistic bodies, shaped like the products' documented answers.</summary>
public static class Bodies
{
    public const string CloudUser =
        """{"type":"known","accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian","email":"sync-bot@acme.com","publicName":"Sync Bot","displayName":"Sync Bot","timeZone":"Europe/Berlin","isExternalCollaborator":false,"_links":{"self":"https://acme.atlassian.net/wiki/rest/api/user?accountId=5b10ac8d82e05b22cc7d4ef5","base":"https://acme.atlassian.net/wiki","context":"/wiki"}}""";

    public const string DataCenterUser =
        """{"type":"known","username":"sync-bot","userKey":"8a7f808a7d6b1c3e017d6b1d2f3a0001","profilePicture":{"path":"/confluence/images/icons/profilepics/default.svg","width":48,"height":48,"isDefault":true},"displayName":"Sync Bot","_links":{"base":"http://wiki.acme.internal/confluence","context":"/confluence","self":"http://wiki.acme.internal/confluence/rest/api/user?key=8a7f808a7d6b1c3e017d6b1d2f3a0001"}}""";

    public static string CloudSpaces(string key, string id = "98305", string homepageId = "98306") =>
        $$$"""{"results":[{"id":"{{{id}}}","key":"{{{key}}}","name":"{{{key}}} docs","type":"global","status":"current","authorId":"5b10ac8d82e05b22cc7d4ef5","createdAt":"2024-02-01T10:00:00.000Z","homepageId":"{{{homepageId}}}","description":null,"icon":null,"_links":{"webui":"/spaces/{{{key}}}"}}],"_links":{"base":"https://acme.atlassian.net/wiki"}}""";

    public const string CloudNoSpaces = """{"results":[],"_links":{"base":"https://acme.atlassian.net/wiki"}}""";

    public static string CloudOperations(bool canCreatePage) =>
        "{\"operations\":[{\"operation\":\"read\",\"targetType\":\"space\"}" +
        (canCreatePage ? ",{\"operation\":\"create\",\"targetType\":\"page\"},{\"operation\":\"create\",\"targetType\":\"blogpost\"}" : "") +
        ",{\"operation\":\"create\",\"targetType\":\"comment\"}]}";

    public static string DataCenterSpace(string key) =>
        $$$"""{"id":1212417,"key":"{{{key}}}","name":"{{{key}}} docs","homepage":{"id":"1212418","type":"page","status":"current","title":"{{{key}}} Home","_links":{"webui":"/display/{{{key}}}/{{{key}}}+Home","self":"http://wiki.acme.internal/confluence/rest/api/content/1212418"}},"type":"global","status":"current","_expandable":{"metadata":"","icon":"","description":""},"_links":{"webui":"/display/{{{key}}}","self":"http://wiki.acme.internal/confluence/rest/api/space/{{{key}}}","base":"http://wiki.acme.internal/confluence","context":"/confluence"}}""";

    public const string DataCenterNotFound =
        """{"statusCode":404,"data":{"authorized":false,"valid":true,"errors":[],"successful":false},"message":"No space with key : NOPE","reason":"Not Found"}""";

    public static string DataCenterPermissions(string spaceKey, params string[] operations) =>
        "[" + string.Join(",", operations.Select(o =>
        {
            var parts = o.Split('/');
            return $$$"""{"operation":{"targetType":"{{{parts[1]}}}","operationKey":"{{{parts[0]}}}"},"subject":{"type":"user","displayName":"Sync Bot"},"spaceKey":"{{{spaceKey}}}","spaceId":1212417}""";
        })) + "]";

    public const string DataCenterForbidden =
        """{"statusCode":403,"data":{"authorized":false,"valid":true,"errors":[],"successful":false},"message":"User not permitted to view space permissions","reason":"Forbidden"}""";
}
