using System.Net;
using SpaceSync.Core.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

public class StorageDocumentTests
{
    [Fact]
    public void Entity_table_is_the_XHTML_1_0_set_and_agrees_with_the_framework_decoder()
    {
        Assert.Equal(253, HtmlEntities.CodePoints.Count);
        foreach (var (name, codePoint) in HtmlEntities.CodePoints)
            Assert.Equal(char.ConvertFromUtf32(codePoint), WebUtility.HtmlDecode("&" + name + ";"));
        Assert.Equal(0xA0, HtmlEntities.CodePoints["nbsp"]);
        Assert.Equal(0x2014, HtmlEntities.CodePoints["mdash"]);
        Assert.Equal(0x2019, HtmlEntities.CodePoints["rsquo"]);
        Assert.Equal(0xE9, HtmlEntities.CodePoints["eacute"]);
        Assert.Equal(0xC9, HtmlEntities.CodePoints["Eacute"]);
    }

    [Fact]
    public void Undeclared_prefixes_and_html_entities_parse_without_a_DTD()
    {
        var doc = StorageDocument.Parse(
            "<p>caf&eacute;&nbsp;&mdash; it&rsquo;s &amp; &#233;&#xE9;</p>" +
            "<ac:link><ri:user ri:account-id=\"5b10ac8d82e05b22cc7d4ef5\" /></ac:link><at:var at:name=\"x\" />");

        Assert.Equal(3, doc.Nodes.Count);
        var p = Assert.IsType<StorageElement>(doc.Nodes[0]);
        Assert.Equal("café\u00A0\u2014 it\u2019s & éé", Assert.IsType<StorageText>(Assert.Single(p.Children)).Text);
        var link = Assert.IsType<StorageElement>(doc.Nodes[1]);
        var user = Assert.IsType<StorageElement>(Assert.Single(link.Children));
        Assert.Equal("ri:user", user.Name);
        Assert.Equal("5b10ac8d82e05b22cc7d4ef5", user.Attribute("ri:account-id"));
        Assert.Equal("at:var", ((StorageElement)doc.Nodes[2]).Name);
    }

    [Fact]
    public void Entities_inside_attribute_values_are_decoded()
    {
        var doc = StorageDocument.Parse("<ri:page ri:content-title=\"Caf&eacute; &amp; Bar\" />");
        Assert.Equal("Café & Bar", ((StorageElement)doc.Nodes[0]).Attribute("ri:content-title"));
    }

    [Fact]
    public void Cdata_is_kept_exactly_and_entity_names_inside_it_are_not_touched()
    {
        const string code = "\n  if (a < b && c) { x = \"&nbsp;&bogus;\"; }\r\n\ttail  ";
        var body = "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[" + code +
                   "]]></ac:plain-text-body></ac:structured-macro>";

        var doc = StorageDocument.Parse(body);

        var macro = (StorageElement)doc.Nodes[0];
        var plain = (StorageElement)macro.Children[0];
        Assert.Equal(code.Replace("\r\n", "\n"), Assert.IsType<StorageCData>(Assert.Single(plain.Children)).Text);
    }

    [Fact]
    public void Text_at_top_level_and_an_empty_body_are_fragments_too()
    {
        Assert.Empty(StorageDocument.Parse("").Nodes);
        Assert.Equal("just text", Assert.IsType<StorageText>(Assert.Single(StorageDocument.Parse("just text").Nodes)).Text);
    }

    [Fact]
    public void Round_trip_writes_prefixes_as_written_and_no_namespace_declarations()
    {
        var doc = StorageDocument.Parse("<p class=\"a\" id=\"b\">x&nbsp;y <ac:emoticon ac:name=\"smile\"/></p><p></p>");
        Assert.Equal("<p class=\"a\" id=\"b\">x&#160;y <ac:emoticon ac:name=\"smile\" /></p><p />", doc.ToStorageFormat());
    }

    [Theory]
    [InlineData("<p>one</p>\n<p>two</div>", 2, 9)]   // the end tag's name
    [InlineData("<p>&eacute;&eacute;&eacute;<b>x</p>", 1, 34)]
    [InlineData("<p>&eacute;\n  <x:thing/></p>", 2, 4)]
    [InlineData("<p>a &nbsp;& b</p>", 1, 12)]
    [InlineData("<p>unclosed", 1, 12)]
    [InlineData("<p>a</p>\r\n<p>b</p>\r<p>&hellip;&hellip;<b></p>", 3, 25)]   // CR LF and a lone CR each end a line
    [InlineData("<p>a</p><ac:plain-text-body><![CDATA[x]]", 1, 39)]
    [InlineData("<p>a</p>\n<!-- open comment", 2, 18)]
    [InlineData("<p>\n  <span class=x>y</span></p>", 2, 15)]
    public void Malformed_body_reports_line_and_column_in_the_body_as_given(string body, int line, int column)
    {
        var ex = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse(body));
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.Contains($"line {line}, column {column}", ex.Message);
        Assert.DoesNotContain("Line ", ex.Reason);
    }

    [Fact]
    public void Invalid_characters_are_named_printably()
    {
        var ex = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse("<p>ok\u0001</p>"));
        Assert.Equal((1, 6), (ex.Line, ex.Column));
        Assert.Contains("\\u0001", ex.Reason);
        Assert.DoesNotContain(ex.Message, char.IsControl);
    }

    [Fact]
    public void Bare_ampersand_says_how_to_write_one()
    {
        var ex = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse("<p>Tom & Jerry</p>"));
        Assert.Equal((1, 8), (ex.Line, ex.Column));
        Assert.Contains("&amp;", ex.Reason);
    }

    [Fact]
    public void Unknown_entity_names_the_entity_and_where()
    {
        var ex = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse("<p>ok</p>\n<p>x &hearts;&bogus; y</p>"));
        Assert.Equal((2, 14), (ex.Line, ex.Column));
        Assert.Contains("&bogus;", ex.Reason);
    }

    [Fact]
    public void Billion_laughs_is_refused_before_any_expansion()
    {
        const string body = """
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            <p>&lol3;</p>
            """;
        var ex = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse(body));
        Assert.Equal((1, 1), (ex.Line, ex.Column));
        Assert.Contains("DOCTYPE", ex.Reason);
    }

    [Fact]
    public void External_entity_is_refused_and_nothing_is_read()
    {
        var secret = Path.Combine(Path.GetTempPath(), "spacesync-xxe-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(secret, "TOP-SECRET");
        try
        {
            var withDoctype = $"<p>before</p><!DOCTYPE p [<!ENTITY xxe SYSTEM \"file://{secret}\">]><p>&xxe;</p>";
            var ex1 = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse(withDoctype));
            Assert.Contains("DOCTYPE", ex1.Reason);
            Assert.Equal((1, 14), (ex1.Line, ex1.Column));

            var bare = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse("<p>&xxe;</p>"));
            Assert.Contains("&xxe;", bare.Reason);
            Assert.DoesNotContain("TOP-SECRET", ex1.Message + bare.Message);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Nesting_beyond_the_bound_is_an_error_not_a_stack_overflow()
    {
        var body = string.Concat(Enumerable.Repeat("<span>", StorageDocument.MaxDepth + 1)) + "x" +
                   string.Concat(Enumerable.Repeat("</span>", StorageDocument.MaxDepth + 1));
        var ex = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse(body));
        Assert.Contains("nested deeper", ex.Reason);
        Assert.Equal(1, ex.Line);
        Assert.Equal(StorageDocument.MaxDepth * 6 + 2, ex.Column);
    }

    [Fact]
    public void A_body_longer_than_the_bound_is_refused_before_it_is_parsed()
    {
        var body = "<p>" + new string('x', StorageDocument.MaxCharacters) + "</p>";
        var ex = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse(body));
        Assert.Contains("characters long", ex.Reason);
        Assert.Equal(1, ex.Line);
        Assert.Equal(1, ex.Column);
    }

    [Fact]
    public void The_reason_quoted_from_a_hostile_body_is_bounded()
    {
        var name = new string('a', 100_000);
        var ex = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse($"<p>&{name};</p>"));
        Assert.True(ex.Reason.Length <= StorageFormatException.MaxReasonLength + 1, ex.Reason.Length.ToString());
        Assert.True(ex.Message.Length < 500, ex.Message.Length.ToString());
        var tag = Assert.Throws<StorageFormatException>(() => StorageDocument.Parse($"<p>x</{name}>"));
        Assert.True(tag.Message.Length < 500, tag.Message.Length.ToString());
    }
}
