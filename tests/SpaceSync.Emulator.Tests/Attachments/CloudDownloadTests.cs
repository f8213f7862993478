using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Web;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Attachments;

/// <summary>
/// How Cloud hands out attachment bytes (docs/confluence-behaviours.md, section 1): the servlet refuses API tokens, the
/// REST download answers 302 to the media host on another origin, and the media host serves the bytes to a valid,
/// unexpired token only, never to a request carrying Confluence credentials.
/// </summary>
public sealed class CloudDownloadTests : SiteTest, IDisposable
{
    private const string Api = "/rest/api";

    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    /// <summary>Plays the part of a client at the media host: no credentials, redirects not followed.</summary>
    private readonly HttpClient media = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    public void Dispose() => media.Dispose();

    private long PageId()
    {
        Seeder.Seed(Emulator.State, "DL", pageCount: 3, seed: 2);
        return Emulator.State.GetPages("DL").First(p => !p.IsBlogPost && p.Status == "current" && p.Restrictions.Count == 0).Id;
    }

    private async Task<JsonNode> UploadAsync(string path, string fileName, byte[] bytes)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        var request = new HttpRequestMessage(HttpMethod.Post, Client.Url(path)) { Content = form };
        request.Headers.Add("X-Atlassian-Token", "no-check");
        var answer = (await Client.SendAsync(request)).Expect(200).Json;
        return answer["results"] is JsonArray results ? results[0]! : answer;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The REST download's answer, checked against the v1 document (which declares 302, 400, 401, 404).</summary>
    private async Task<Uri> RedirectAsync(long pageId, string attachmentId, string query = "")
    {
        var answer = (await Client.GetAsync($"{Api}/content/{pageId}/child/attachment/{attachmentId}/download{query}")).Expect(302);
        Assert.Empty(answer.Bytes);
        return answer.Headers.Location ?? throw new Xunit.Sdk.XunitException("The 302 has no Location.");
    }

    private async Task<(int Status, byte[] Bytes, string Body)> FetchAsync(Uri url, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = authorization;
        using var response = await media.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return ((int)response.StatusCode, bytes, System.Text.Encoding.UTF8.GetString(bytes));
    }

    private static Uri WithToken(Uri url, string? token)
    {
        var query = HttpUtility.ParseQueryString(url.Query);
        if (token is null) query.Remove("token");
        else query["token"] = token;
        return new UriBuilder(url) { Query = query.ToString() }.Uri;
    }

    [Fact]
    public async Task The_download_servlet_refuses_an_API_token_with_401_and_points_to_the_REST_download()
    {
        var pageId = PageId();
        var uploaded = await UploadAsync($"{Api}/content/{pageId}/child/attachment", "report.bin", Bytes(100, 1));

        // Listings still name the servlet, as real Cloud's do; following that link with an API token is refused.
        var link = Str(uploaded["_links"], "download");
        Assert.StartsWith($"/download/attachments/{pageId}/report.bin?version=1", link, StringComparison.Ordinal);
        var refused = await Client.RawAsync(new HttpRequestMessage(HttpMethod.Get, Client.Url(link)));

        Assert.Equal(401, refused.Status);
        Assert.Equal("OAuth", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("/child/attachment/{attachmentId}/download", Str(refused.Json, "message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_servlet_knob_brings_the_old_servlet_back_for_tests_about_something_else()
    {
        await using var old = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.Cloud, CloudDownloadServlet = true });
        Seeder.Seed(old.State, "DL", pageCount: 3, seed: 2);
        var attachment = old.State.GetPages("DL").SelectMany(p => p.Attachments).First(a => a.Status == "current" && a.Page.Restrictions.Count == 0);
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, old.BaseUrl, recordExercised: false);

        var served = await client.RawAsync(new HttpRequestMessage(HttpMethod.Get,
            client.Url($"/download/attachments/{attachment.Page.Id}/{Uri.EscapeDataString(attachment.FileName)}?version={attachment.Current.Number}")));

        Assert.Equal(200, served.Status);
        Assert.Equal(await File.ReadAllBytesAsync(attachment.Current.FilePath), served.Bytes);
    }

    [Fact]
    public async Task The_REST_download_answers_302_to_the_media_host_on_another_port_and_it_serves_each_version()
    {
        var pageId = PageId();
        var first = Bytes(5000, 2);
        var second = Bytes(70_000, 3);
        var created = await UploadAsync($"{Api}/content/{pageId}/child/attachment", "plan.pdf", first);
        var id = Str(created, "id");
        await UploadAsync($"{Api}/content/{pageId}/child/attachment/{id}/data", "plan.pdf", second);

        var current = await RedirectAsync(pageId, id);

        Assert.True(current.IsAbsoluteUri);
        Assert.Equal("http", current.Scheme);
        Assert.Equal(Client.SiteBase.Host, current.Host);
        Assert.NotEqual(Client.SiteBase.Port, current.Port); // another origin
        Assert.Equal(Emulator.MediaUrl!.Port, current.Port);
        Assert.Matches("^/file/[0-9a-f-]{36}/binary$", current.AbsolutePath);
        var query = HttpUtility.ParseQueryString(current.Query);
        Assert.Equal(3, query["token"]!.Split('.').Length); // a JWT, as the real media links carry
        Assert.False(string.IsNullOrEmpty(query["client"]));
        Assert.Equal("plan.pdf", query["name"]);

        var bytes = await FetchAsync(current);
        Assert.Equal(200, bytes.Status);
        Assert.Equal(second, bytes.Bytes);
        Assert.Equal(first, (await FetchAsync(await RedirectAsync(pageId, id, "?version=1"))).Bytes);
        Assert.Equal(second, (await FetchAsync(await RedirectAsync(pageId, id, "?version=2"))).Bytes);

        // Both hops are counted where a test looks for them.
        Assert.Equal(3, Emulator.State.Stats.Count("GET", "/wiki/rest/api/content/{id}/child/attachment/{attachmentId}/download"));
        Assert.Equal(3, Emulator.State.Stats.Count("GET", "/file/{fileId}/binary"));
    }

    [Fact]
    public async Task The_REST_download_refuses_a_version_above_the_latest_an_unknown_attachment_and_a_caller_without_credentials()
    {
        var pageId = PageId();
        var id = Str(await UploadAsync($"{Api}/content/{pageId}/child/attachment", "a.txt", Bytes(10, 4)), "id");
        var path = $"{Api}/content/{pageId}/child/attachment/{id}/download";

        (await Client.GetAsync(path + "?version=2")).Expect(400);
        (await Client.GetAsync(path + "?version=zero")).Expect(400);
        (await Client.GetAsync($"{Api}/content/{pageId}/child/attachment/att999999/download")).Expect(404);
        (await Client.GetAsync($"{Api}/content/999999/child/attachment/{id}/download")).Expect(404);
        var anonymous = new HttpRequestMessage(HttpMethod.Get, Client.Url(path)) { Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin@example.com:wrong"u8.ToArray())) } };
        (await Client.SendAsync(anonymous)).Expect(401);

        Emulator.State.TrashAttachment(long.Parse(id[3..]));
        (await Client.GetAsync(path)).Expect(404); // status defaults to current
    }

    [Fact]
    public async Task The_media_host_refuses_no_token_an_edited_token_another_files_token_and_any_Authorization_header()
    {
        var pageId = PageId();
        var mine = Str(await UploadAsync($"{Api}/content/{pageId}/child/attachment", "mine.bin", Bytes(300, 5)), "id");
        var other = Str(await UploadAsync($"{Api}/content/{pageId}/child/attachment", "other.bin", Bytes(300, 6)), "id");
        var link = await RedirectAsync(pageId, mine);
        var token = HttpUtility.ParseQueryString(link.Query)["token"]!;
        var otherLink = await RedirectAsync(pageId, other);

        var none = await FetchAsync(WithToken(link, null));
        Assert.Equal(401, none.Status);
        Assert.Contains("token=", none.Body, StringComparison.Ordinal);

        var edited = await FetchAsync(WithToken(link, token[..^2] + (token[^2] == 'A' ? "BB" : "AA")));
        Assert.Equal(401, edited.Status);

        var borrowed = await FetchAsync(WithToken(otherLink, token));
        Assert.Equal(401, borrowed.Status);
        Assert.Contains("does not grant access", borrowed.Body, StringComparison.Ordinal);

        var withCredentials = await FetchAsync(link, Client.DefaultAuthorization);
        Assert.Equal(401, withCredentials.Status);
        Assert.Contains("Authorization", withCredentials.Body, StringComparison.Ordinal);

        Assert.Equal(200, (await FetchAsync(link)).Status); // the same link, as it should be fetched
    }

    [Fact]
    public async Task A_media_link_expires_after_the_token_lifetime()
    {
        var pageId = PageId();
        var id = Str(await UploadAsync($"{Api}/content/{pageId}/child/attachment", "soon.bin", Bytes(64, 7)), "id");
        var issued = new DateTimeOffset(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);
        Emulator.State.Clock = new FixedClock(issued);
        var link = await RedirectAsync(pageId, id);
        Assert.Equal(TimeSpan.FromMinutes(48), Emulator.Options.MediaTokenLifetime); // the default

        Emulator.State.Clock = new FixedClock(issued + Emulator.Options.MediaTokenLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await FetchAsync(link)).Status);

        Emulator.State.Clock = new FixedClock(issued + Emulator.Options.MediaTokenLifetime);
        var expired = await FetchAsync(link);
        Assert.Equal(401, expired.Status);
        Assert.Contains("expired", expired.Body, StringComparison.Ordinal);

        Assert.Equal(200, (await FetchAsync(await RedirectAsync(pageId, id))).Status); // a new link works again
    }

    [Fact]
    public async Task A_purged_file_is_gone_from_the_media_host_too()
    {
        var pageId = PageId();
        var id = Str(await UploadAsync($"{Api}/content/{pageId}/child/attachment", "gone.bin", Bytes(64, 8)), "id");
        var link = await RedirectAsync(pageId, id);
        Emulator.State.TrashAttachment(long.Parse(id[3..]));
        Emulator.State.PurgeAttachment(long.Parse(id[3..]));

        Assert.Equal(404, (await FetchAsync(link)).Status);
    }

    [Fact]
    public void The_knobs_are_flags_too()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--media-token-seconds", "90" }).MediaTokenLifetime);
        Assert.True(EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--cloud-download-servlet" }).CloudDownloadServlet);
        Assert.False(EmulatorOptions.Parse(new[] { "--flavor", "cloud" }).CloudDownloadServlet);
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--media-token-seconds", "0" }));
    }
}
