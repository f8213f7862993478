using System.Text;
using SpaceSync.Core.Logging;
using Xunit;

namespace SpaceSync.Core.Tests.Logging;

/// <summary>Every form a secret takes on the wire is hidden; ordinary words after Basic/Bearer are not.</summary>
public sealed class SecretRedactorTests
{
    private const string User = "admin@example.com";
    private const string Token = "ATATT3xFfGF0canaryToken4711";

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static SecretRedactor Redactor()
    {
        var redactor = new SecretRedactor();
        redactor.Add(Token, User);
        return redactor;
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("base64 user:token")]
    [InlineData("base64 user:token unpadded")]
    [InlineData("base64 token")]
    [InlineData("url-encoded base64")]
    [InlineData("url-safe base64")]
    public void Hides_each_wire_form_of_a_registered_secret_even_without_a_scheme(string form)
    {
        var basic = Base64(User + ":" + Token);
        var value = form switch
        {
            "raw" => Token,
            "base64 user:token" => basic,
            "base64 user:token unpadded" => basic.TrimEnd('='),
            "base64 token" => Base64(Token),
            "url-encoded base64" => Uri.EscapeDataString(basic),
            _ => basic.TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        };

        var text = Redactor().Redact($"proxy said: header={value}; end");

        Assert.DoesNotContain(value, text);
        Assert.DoesNotContain(Token, text);
        Assert.Contains(SecretRedactor.Mask, text);
        Assert.EndsWith("; end", text);
    }

    [Fact]
    public void Hides_an_unknown_credential_after_Bearer_or_Basic_and_leaves_words_alone()
    {
        var redactor = new SecretRedactor();   // nothing registered: a credential we never held
        var basic = Base64("someone:unknown-secret");

        var text = redactor.Redact($"Authorization: Bearer abc.def-123456 then authorization: basic {basic} then Basic%20{Uri.EscapeDataString(basic)}");

        Assert.Equal("Authorization: Bearer *** then authorization: basic *** then Basic%20***", text);
        const string plain = "Basic authentication needs a user name; send Bearer personal access token or Basic username:password.";
        Assert.Equal(plain, redactor.Redact(plain));
    }

    [Fact]
    public void Bounds_quoted_text_and_says_how_much_was_cut()
    {
        var text = new string('x', 1000);

        var bounded = SecretRedactor.Bound(text);

        Assert.Equal(new string('x', SecretRedactor.MaxQuotedLength) + "… (700 more characters cut)", bounded);
        Assert.Equal("short", SecretRedactor.Bound("short"));
    }

    [Fact]
    public void The_engine_log_hides_the_Base64_of_user_and_token_as_a_Basic_header_carries_it()
    {
        var host = new List<string>();
        using (var log = EngineLog.Create(null, (_, t) => host.Add(t)))
        {
            log.RegisterSecret(Token, User);
            log.Warning("Server said {Text}", "bad header " + Base64(User + ":" + Token).TrimEnd('='));
        }

        var line = Assert.Single(host);
        Assert.DoesNotContain(Base64(User + ":" + Token).TrimEnd('='), line);
        Assert.Contains(SecretRedactor.Mask, line);
    }
}
