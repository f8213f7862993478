using Xunit;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>The harness itself: URL mapping, the trimmed documents' content, and readable validation errors.</summary>
public sealed class HarnessTests
{
    private static readonly Uri CloudSite = new("http://127.0.0.1:5000/wiki");
    private static readonly Uri DataCenterRoot = new("http://127.0.0.1:5001");
    private static readonly Uri DataCenterContext = new("http://127.0.0.1:5002/confluence");

    [Theory]
    [InlineData("http://127.0.0.1:5000/wiki/api/v2/pages/42", ApiDocument.CloudV2, "/pages/42")]
    [InlineData("http://127.0.0.1:5000/wiki/rest/api/search?cql=x", ApiDocument.CloudV1, "/wiki/rest/api/search")]
    public void Cloud_urls_map_to_the_right_document(string url, ApiDocument document, string documentPath)
    {
        var located = OperationMatcher.Locate(EmulatorFlavor.Cloud, CloudSite, new Uri(url));
        Assert.Equal((document, documentPath), located);
    }

    [Fact]
    public void Data_center_urls_map_below_the_context_path_only()
    {
        Assert.Equal((ApiDocument.DataCenter, "/rest/api/content/7"),
            OperationMatcher.Locate(EmulatorFlavor.DataCenter, DataCenterContext, new Uri("http://127.0.0.1:5002/confluence/rest/api/content/7")));
        Assert.Equal((ApiDocument.DataCenter, "/rest/api/content/7"),
            OperationMatcher.Locate(EmulatorFlavor.DataCenter, DataCenterRoot, new Uri("http://127.0.0.1:5001/rest/api/content/7")));
        Assert.Null(OperationMatcher.Locate(EmulatorFlavor.DataCenter, DataCenterContext, new Uri("http://127.0.0.1:5002/rest/api/content/7")));
        Assert.Null(OperationMatcher.Locate(EmulatorFlavor.Cloud, CloudSite, new Uri("http://127.0.0.1:5000/rest/api/content/7")));
    }

    [Theory]
    [InlineData("PUT", "/rest/api/content/123", "/rest/api/content/{contentId}")]
    [InlineData("GET", "/rest/api/content/123", "/rest/api/content/{id}")]
    [InlineData("DELETE", "/rest/api/content/123", "/rest/api/content/{id}")]
    [InlineData("GET", "/rest/api/content/scan", "/rest/api/content/scan")]
    [InlineData("GET", "/rest/api/content/search", "/rest/api/content/search")]
    [InlineData("GET", "/rest/api/user/current", "/rest/api/user/current")]
    public async Task Data_center_templates_are_chosen_per_method_and_literals_win(string method, string path, string template)
    {
        var document = await ApiDocuments.GetAsync(ApiDocument.DataCenter);
        Assert.Equal(template, OperationMatcher.Match(document, method, path)?.Template);
    }

    [Fact]
    public async Task An_unknown_path_matches_nothing()
    {
        var document = await ApiDocuments.GetAsync(ApiDocument.CloudV2);
        Assert.Null(OperationMatcher.Match(document, "GET", "/no-such-thing/1"));
        Assert.Null(OperationMatcher.Match(document, "PATCH", "/pages/1"));
    }

    [Fact]
    public async Task The_trim_kept_properties_named_like_prose_keywords()
    {
        // SpaceSingle.description is an object (SpaceDescription); a naive trim deletes the property and accepts a string.
        var schema = await ResponseSchema(ApiDocument.CloudV2, "/spaces/{id}", "get", "200");
        Assert.Empty(schema.Validate("""{"id":"1","key":"K","description":{"plain":{"value":"v","representation":"plain"}}}"""));
        var errors = SchemaErrors.Flatten(schema.Validate("""{"id":"1","key":"K","description":"just text"}"""), """{"id":"1","key":"K","description":"just text"}""");
        Assert.Contains(errors, e => e.Contains("description", StringComparison.Ordinal) && e.Contains("ObjectExpected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flattened_errors_name_the_path_the_kind_and_the_value()
    {
        var schema = await ResponseSchema(ApiDocument.CloudV2, "/spaces/{id}/pages", "get", "200");
        const string body = """{"results":[{"id":17,"status":"current","title":"T","version":{"number":"two"}}],"_links":{}}""";
        var errors = SchemaErrors.Flatten(schema.Validate(body), body).Select(e => e.Trim()).ToList();
        Assert.Contains("#/results[0].id: StringExpected (value 17)", errors);
        Assert.Contains("#/results[0].version.number: IntegerExpected (value \"two\")", errors);
    }

    [Fact]
    public async Task Patched_documents_accept_a_null_parent_and_declare_the_conflict_answers()
    {
        var page = await ResponseSchema(ApiDocument.CloudV2, "/pages/{id}", "get", "200");
        Assert.Empty(page.Validate("""{"id":"1","parentId":null,"parentType":null}"""));
        Assert.NotEmpty(page.Validate("""{"id":"1","parentType":"space"}"""));

        var v2 = await ApiDocuments.GetAsync(ApiDocument.CloudV2);
        Assert.True(v2.Paths["/pages/{id}"]["put"].ActualResponses.ContainsKey("409"));
        Assert.True(v2.Paths["/blogposts/{id}"]["put"].ActualResponses.ContainsKey("409"));
        Assert.True(v2.Paths["/footer-comments/{comment-id}"]["put"].ActualResponses.ContainsKey("409"));
        var dc = await ApiDocuments.GetAsync(ApiDocument.DataCenter);
        Assert.True(dc.Paths["/rest/api/content/{contentId}"]["put"].ActualResponses.ContainsKey("409"));
        Assert.True(dc.Paths["/rest/api/content/{id}/child/attachment"]["get"].ActualResponses.ContainsKey("200"));
        Assert.True(dc.Paths["/rest/api/content"]["post"].ActualResponses.ContainsKey("400"));
        Assert.True(dc.Paths["/rest/api/content/search"]["get"].ActualResponses.ContainsKey("400"));
        Assert.True(dc.Paths["/rest/api/content/{contentId}"]["put"].ActualResponses.ContainsKey("403"));

        // P9: Data Center's error envelope carries "errors": [] (an array), as real servers send it.
        var notFound = await ResponseSchema(ApiDocument.DataCenter, "/rest/api/content/{id}", "get", "404");
        Assert.Empty(notFound.Validate("""{"statusCode":404,"data":{"authorized":true,"valid":true,"errors":[],"successful":false},"message":"m","reason":"Not Found"}"""));
        Assert.NotEmpty(notFound.Validate("""{"statusCode":"404"}"""));
    }

    [Fact]
    public async Task Data_center_content_ids_are_checked_as_strings_and_space_ids_as_integers()
    {
        var content = await ResponseSchema(ApiDocument.DataCenter, "/rest/api/content/{id}", "get", "200");
        Assert.Empty(content.Validate("""{"id":"65537","type":"page","status":"current","title":"T","space":{"id":98305,"key":"DS"}}"""));
        Assert.NotEmpty(content.Validate("""{"id":65537}"""));
        Assert.NotEmpty(content.Validate("""{"id":"1","space":{"id":"98305"}}"""));
    }

    [Fact]
    public void Served_operations_list_parses()
    {
        var served = ServedOperations.Load();
        Assert.Equal(served.Count, served.Distinct().Count());
    }

    private static async Task<NJsonSchema.JsonSchema> ResponseSchema(ApiDocument document, string path, string method, string status)
    {
        var doc = await ApiDocuments.GetAsync(document);
        return doc.Paths[path][method].ActualResponses[status].ActualResponse.Content["application/json"].Schema;
    }
}
