using SpaceSync.Core.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

public class CloudEditorLimitsTests
{
    [Fact]
    public void A_table_inside_a_table_is_named_with_where_it_is()
    {
        const string body = "<table><tbody><tr><td><p>a</p></td></tr></tbody></table>" +
                            "<table><tbody><tr><td><table><tbody><tr><td><p>Inner\u00A0cell   text</p></td></tr></tbody></table>" +
                            "<table><tbody><tr><td><table><tbody><tr><td>deeper</td></tr></tbody></table></td></tr></tbody></table></td></tr></tbody></table>";
        var found = CloudEditorLimits.Unconvertible(body);
        Assert.Equal(new[]
        {
            "a <table> inside a cell of another table (table 3 of the body, inside table 2, beginning \"Inner cell text\")",
            "a <table> inside a cell of another table (table 4 of the body, inside table 2, beginning \"deeper\")",
        }, found);
        Assert.StartsWith("Cloud's editor cannot hold a <table> inside a cell of another table (table 3", CloudEditorLimits.Explain(body));
    }

    [Fact]
    public void A_body_without_a_known_construct_says_that_cloud_named_nothing()
    {
        foreach (var body in new[] { "<table><tbody><tr><td><p>flat</p></td></tr></tbody></table><table />", "<p>not closed", "" })
        {
            Assert.Empty(CloudEditorLimits.Unconvertible(body));
            Assert.Equal("Cloud does not say which part it could not convert, and the body has none of the parts known to be refused " +
                         "(a table inside a table).", CloudEditorLimits.Explain(body));
        }
    }

    [Fact]
    public void Long_quotes_are_cut_and_at_most_three_are_named()
    {
        var inner = "<table><tbody><tr><td><p>" + new string('x', 100) + "</p></td></tr></tbody></table>";
        var body = "<table><tbody><tr><td>" + string.Concat(Enumerable.Repeat(inner, 5)) + "</td></tr></tbody></table>";
        var found = CloudEditorLimits.Unconvertible(body);
        Assert.Equal(3, found.Count);
        Assert.EndsWith(new string('x', 40) + "…\")", found[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Clouds_refusal_is_recognised_in_either_api_s_words()
    {
        Assert.True(CloudEditorLimits.IsRefusal("Content body cannot be converted to new editor format"));
        Assert.True(CloudEditorLimits.IsRefusal("com.atlassian.confluence.api.service.exceptions.BadRequestException: Content body cannot be converted to new editor format"));
        Assert.False(CloudEditorLimits.IsRefusal("A page with this title already exists"));
        Assert.False(CloudEditorLimits.IsRefusal(null));
    }
}
