using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace SpaceSync.Emulator.Tests.Faults;

/// <summary>
/// --echo-authorization plays a misbehaving proxy: error bodies quote the request's Authorization header. Off by default
/// (real Confluence never does it). --admin-token gives the admin one more token to sign in with.
/// </summary>
public sealed class EchoAuthorizationTests
{
    private static async Task<(HttpStatusCode, string)> GetAsync(RunningEmulator emulator, string path, AuthenticationHeaderValue auth)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, emulator.SiteUrl + path);
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static AuthenticationHeaderValue Basic(string user, string token) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + token)));

    [Fact]
    public async Task With_the_flag_a_401_body_quotes_the_Authorization_header_and_the_extra_token_signs_in()
    {
        await using var emulator = await EmulatorHost.StartAsync(
            EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--echo-authorization", "--admin-token", "canaryToken123" }));

        var (ok, _) = await GetAsync(emulator, "/rest/api/user/current", Basic("admin@example.com", "canaryToken123"));
        var (refused, body) = await GetAsync(emulator, "/rest/api/user/current", Basic("admin@example.com", "wrong-token-42"));

        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        var message = JsonNode.Parse(body)!["message"]!.GetValue<string>();
        Assert.Contains("Authorization: " + Basic("admin@example.com", "wrong-token-42"), message);
    }

    [Fact]
    public async Task By_default_nothing_is_echoed_and_the_default_tokens_still_sign_in()
    {
        await using var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Parse(new[] { "--flavor", "datacenter", "--admin-token", "canaryPat12345" }));

        var (pat, _) = await GetAsync(emulator, "/rest/api/user/current", new AuthenticationHeaderValue("Bearer", "canaryPat12345"));
        var (fixedPat, _) = await GetAsync(emulator, "/rest/api/user/current", new AuthenticationHeaderValue("Bearer", "emulator-pat"));
        var (refused, body) = await GetAsync(emulator, "/rest/api/user/current", new AuthenticationHeaderValue("Bearer", "wrong-pat-42"));

        Assert.Equal(HttpStatusCode.OK, pat);
        Assert.Equal(HttpStatusCode.OK, fixedPat);
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.DoesNotContain("wrong-pat-42", body);
    }
}
