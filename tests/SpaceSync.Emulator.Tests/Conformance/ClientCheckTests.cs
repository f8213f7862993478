using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>
/// The client's checks can fail: a tiny fake Confluence on loopback answers wrongly on purpose, and the client must say
/// which operation, which status, and which field is wrong.
/// </summary>
public sealed class ClientCheckTests : IAsyncLifetime
{
    private WebApplication? fake;
    private ConformanceClient? client;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        fake = builder.Build();
        fake.MapGet("/wiki/api/v2/spaces/{id}", (string id) => id switch
        {
            "1" => Results.Text("""{"id":"1","key":"OK"}""", "application/json"),
            "2" => Results.Text("""{"id":2,"key":"BAD","createdAt":"yesterday"}""", "application/json"),
            "3" => Results.StatusCode(418),
            _ => Results.Text("not json", "text/html"),
        });
        await fake.StartAsync();
        client = new ConformanceClient(EmulatorFlavor.Cloud, new Uri(fake.Urls.First() + "/wiki"), recordExercised: false);
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        if (fake is not null)
        {
            await fake.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_valid_answer_passes()
    {
        var response = await client!.GetAsync("/api/v2/spaces/1");
        Assert.Equal("cloud-v2 GET /spaces/{id}", response.Operation?.ToString());
    }

    [Fact]
    public async Task A_wrong_type_is_reported_with_path_and_value()
    {
        var e = await Assert.ThrowsAsync<ConformanceException>(() => client!.GetAsync("/api/v2/spaces/2"));
        Assert.Contains("cloud-v2 GET /spaces/{id}", e.Message, StringComparison.Ordinal);
        Assert.Contains("#/id: StringExpected (value 2)", e.Message, StringComparison.Ordinal);
        Assert.Contains("#/createdAt: DateTimeExpected", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_undeclared_status_is_reported_with_the_declared_ones()
    {
        var e = await Assert.ThrowsAsync<ConformanceException>(() => client!.GetAsync("/api/v2/spaces/3"));
        Assert.Contains("answered 418, which the document does not declare (declared: 200, 400, 401, 404)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_json_body_where_json_is_declared_is_reported()
    {
        var e = await Assert.ThrowsAsync<ConformanceException>(() => client!.GetAsync("/api/v2/spaces/4"));
        Assert.Contains("Content-Type text/html", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_no_document_describes_is_refused()
    {
        var e = await Assert.ThrowsAsync<ConformanceException>(() => client!.GetAsync("/download/attachments/1/a.txt"));
        Assert.Contains("no Atlassian document covers this URL", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<ConformanceException>(() => client!.GetAsync("/api/v2/no-such-operation"));
        Assert.Contains("has no GET operation whose path matches '/no-such-operation'", e.Message, StringComparison.Ordinal);
    }
}
