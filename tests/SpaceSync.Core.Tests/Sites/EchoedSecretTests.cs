using System.Net;
using System.Text;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// A server (or proxy) that quotes the request's Authorization header in its error bodies (the emulator's
/// EchoAuthorization): the SiteException made from that body never carries the credential in any form, and the quoted
/// server text is bounded.
/// </summary>
public sealed class EchoedSecretTests
{
    private const string CloudUser = "admin@example.com";
    private const string CloudCanary = "cloudCanary7Qx9Lr2WkVb";
    private const string DataCenterCanary = "dcCanary5Hm8Tz1PqNs";

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task<(RunningEmulator, IConfluenceSite)> StartAsync(EmulatorFlavor flavor, SiteCredential credential)
    {
        var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Flavor = flavor,
            EchoAuthorization = true,
            AdminToken = flavor == EmulatorFlavor.Cloud ? CloudCanary : DataCenterCanary,
        });
        var settings = new SiteSettings
        {
            Kind = flavor == EmulatorFlavor.Cloud ? SiteKind.Cloud : SiteKind.DataCenter,
            Url = emulator.BaseUrl,
        };
        return (emulator, SiteClientFactory.Create(settings, credential, new SiteClientOptions { MaxAttempts = 1 }));
    }

    private static void AssertClean(SiteException e, params string[] forms)
    {
        foreach (var text in new[] { e.Message, e.ToString(), e.ServerMessage ?? "" })
        {
            foreach (var form in forms) Assert.DoesNotContain(form, text);
        }

        Assert.Contains(SecretRedactor.Mask, e.ServerMessage);
    }

    [Fact]
    public async Task A_refused_Cloud_token_echoed_in_the_401_body_is_masked_raw_and_as_Base64()
    {
        const string wrong = "wrongCloudCanary3Zy8Kd";
        var (emulator, site) = await StartAsync(EmulatorFlavor.Cloud, SiteCredential.Basic(CloudUser, wrong));
        await using var _ = emulator;
        using var __ = site;

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.Unauthorized, e.Kind);
        AssertClean(e, wrong, Base64(CloudUser + ":" + wrong).TrimEnd('='));
        Assert.Contains("request headers: Authorization: Basic ***", e.Message);   // the echo arrived, masked
    }

    [Fact]
    public async Task An_accepted_Data_Center_token_echoed_in_a_404_body_is_masked()
    {
        var (emulator, site) = await StartAsync(EmulatorFlavor.DataCenter, SiteCredential.Bearer(DataCenterCanary));
        await using var _ = emulator;
        using var __ = site;
        Assert.NotNull(await site.GetCurrentUserAsync(CancellationToken.None));   // the canary signs in

        var e = await Assert.ThrowsAsync<SiteException>(() => site.UpdatePageAsync("999999", 2, "t", "<p/>", CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        AssertClean(e, DataCenterCanary, Base64(DataCenterCanary).TrimEnd('='));
        Assert.Contains("Authorization: Bearer ***", e.Message);
    }

    [Fact]
    public async Task Server_text_quoted_in_a_message_is_bounded_after_masking()
    {
        using var kit = new SiteTestKit();
        // A long echo whose token sits across the bound: masked first, so no half of it survives the cut.
        var echoed = new string('x', SecretRedactor.MaxQuotedLength - 20) + " Bearer " + SiteTestKit.DataCenterPat + " " + new string('y', 3000);
        kit.Server.On("GET", "/confluence/rest/api/user/current", Reply.Json(500, "{\"message\":\"" + echoed + "\"}"));
        using var site = kit.DataCenter(kit.Options(maxAttempts: 1));

        var e = await Assert.ThrowsAsync<SiteException>(() => site.GetCurrentUserAsync(CancellationToken.None));

        Assert.NotNull(e.ServerMessage);
        Assert.StartsWith(new string('x', SecretRedactor.MaxQuotedLength - 20) + " Bearer ***", e.ServerMessage);
        Assert.Matches(@"… \(\d+ more characters cut\)$", e.ServerMessage);
        Assert.True(e.Message.Length < 700, e.Message);
        Assert.DoesNotContain(SiteTestKit.DataCenterPat.Substring(0, 4), e.ToString());
    }
}
