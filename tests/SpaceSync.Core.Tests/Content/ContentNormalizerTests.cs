using SpaceSync.Core.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

public class ContentNormalizerTests
{
    private static string N(string body) => ContentNormalizer.Normalize(body);

    private static void Same(string a, string b) => Assert.Equal(N(a), N(b));

    private static void Different(string a, string b) => Assert.NotEqual(N(a), N(b));

    [Fact]
    public void Attribute_order_does_not_count()
    {
        Same("<table data-layout=\"wide\" data-table-width=\"760\" class=\"x\"><tbody><tr><td>a</td></tr></tbody></table>",
             "<table class=\"x\" data-table-width=\"760\" data-layout=\"wide\"><tbody><tr><td>a</td></tr></tbody></table>");
        Assert.Equal("<ri:page ri:content-title=\"T\" ri:space-key=\"K\" />",
            N("<ri:page ri:space-key=\"K\" ri:content-title=\"T\"/>"));
    }

    [Fact]
    public void Attribute_values_count()
    {
        Different("<ri:page ri:content-title=\"T\" />", "<ri:page ri:content-title=\"T \" />");
        Different("<ri:page ri:content-title=\"T\" />", "<ri:page ri:content-title=\"t\" />");
    }

    [Fact]
    public void Cloud_local_ids_and_macro_ids_do_not_count_but_cloud_layout_attributes_do()
    {
        Same("<p local-id=\"a1\">x</p><ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\" ac:macro-id=\"f00\" ac:local-id=\"b2\"><ac:rich-text-body><p>y</p></ac:rich-text-body></ac:structured-macro>",
             "<p>x</p><ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\"><ac:rich-text-body><p>y</p></ac:rich-text-body></ac:structured-macro>");
        Same("<ac:link><ri:user ri:account-id=\"557058:aa\" ri:local-id=\"c3\" /></ac:link>",
             "<ac:link><ri:user ri:account-id=\"557058:aa\" /></ac:link>");
        Different("<table data-layout=\"wide\"><tbody><tr><td>a</td></tr></tbody></table>",
                  "<table><tbody><tr><td>a</td></tr></tbody></table>");
        Different("<table data-table-width=\"760\"><tbody><tr><td>a</td></tr></tbody></table>",
                  "<table><tbody><tr><td>a</td></tr></tbody></table>");
        Assert.True(StorageVocabulary.IsCosmeticAttribute("local-id"));
        Assert.True(StorageVocabulary.IsCosmeticAttribute("ac:local-id"));
        Assert.True(StorageVocabulary.IsCosmeticAttribute("ac:macro-id"));
        Assert.False(StorageVocabulary.IsCosmeticAttribute("data-local-ids"));
        Assert.False(StorageVocabulary.IsCosmeticAttribute("ac:schema-version"));
        Assert.False(StorageVocabulary.IsCosmeticAttribute("data-layout"));
    }

    [Fact]
    public void A_macro_written_without_a_schema_version_is_the_macro_with_the_default_one()
    {
        // Both products save ac:schema-version="1"; Cloud adds it to a macro that has none.
        Same("<ac:structured-macro ac:name=\"toc\" />", "<ac:structured-macro ac:name=\"toc\" ac:schema-version=\"1\" />");
        Assert.Equal("<ac:structured-macro ac:name=\"toc\" ac:schema-version=\"1\" />", N("<ac:structured-macro ac:name=\"toc\"/>"));
        Different("<ac:structured-macro ac:name=\"toc\" />", "<ac:structured-macro ac:name=\"toc\" ac:schema-version=\"2\" />");
        // only where a product gives the default: other elements keep what they have
        Different("<ac:macro ac:name=\"toc\" />", "<ac:macro ac:name=\"toc\" ac:schema-version=\"1\" />");
        Assert.Empty(StorageVocabulary.DefaultAttributes("ac:macro"));
    }

    [Fact]
    public void The_paragraph_Cloud_puts_around_a_list_item_or_cell_text_does_not_count()
    {
        // Cloud's editor stores <li><p>x</p></li> for Data Center's <li>x</li>, and the same for table cells.
        Same("<ul><li>one</li><li>two <strong>2</strong></li></ul>", "<ul><li><p local-id=\"a1\">one</p></li><li><p>two <strong>2</strong></p></li></ul>");
        Same("<table><tbody><tr><th>H</th></tr><tr><td>cell</td></tr></tbody></table>",
             "<table><tbody><tr><th><p>H</p></th></tr><tr><td><p>cell</p></td></tr></tbody></table>");
        Same("<ul><li>parent<ul><li>child</li></ul></li></ul>", "<ul><li><p>parent</p><ul><li><p>child</p></li></ul></li></ul>");
        Same("<table><tbody><tr><td>see <ac:structured-macro ac:name=\"code\" /></td></tr></tbody></table>",
             "<table><tbody><tr><td><p>see </p><ac:structured-macro ac:name=\"code\" /></td></tr></tbody></table>");
        Same("<table><tbody><tr><td><ac:structured-macro ac:name=\"status\" /> <ac:structured-macro ac:name=\"status\" /></td></tr></tbody></table>",
             "<table><tbody><tr><td><p><ac:structured-macro ac:name=\"status\" /> <ac:structured-macro ac:name=\"status\" /></p></td></tr></tbody></table>");
        Assert.Equal("<ul><li>one</li></ul>", N("<ul><li><p local-id=\"a1\">one</p></li></ul>"));

        // Two paragraphs, a paragraph after the text, a styled paragraph, text after it: real differences stay.
        Different("<ul><li>ab</li></ul>", "<ul><li><p>a</p><p>b</p></li></ul>");
        Different("<ul><li>a</li></ul>", "<ul><li><p style=\"text-align: center;\">a</p></li></ul>");
        Different("<ul><li>a b</li></ul>", "<ul><li><p>a</p>b</li></ul>");
        Different("<p>x</p>", "x");   // only inside list items and cells
    }

    [Fact]
    public void Declarations_of_the_implicit_prefixes_do_not_count_but_other_namespaces_are_kept()
    {
        Same("<div xmlns:ac=\"http://atlassian.com/content\" xmlns:ri=\"http://atlassian.com/resource/identifier\"><ac:link><ri:page ri:content-title=\"T\" /></ac:link></div>",
             "<div><ac:link><ri:page ri:content-title=\"T\" /></ac:link></div>");
        const string foreign = "<x:note xmlns:x=\"urn:example\">kept</x:note>";
        Assert.Equal(foreign, N(foreign));
    }

    [Fact]
    public void Whitespace_between_and_inside_blocks_does_not_count()
    {
        const string compact = "<h1>Title</h1><p>Hello <strong>big</strong> world.</p><ul><li>one</li><li>two</li></ul>";
        const string pretty = """

            <h1>
              Title
            </h1>
            <p>Hello
               <strong>big</strong>   world.
            </p>
            <ul>
              <li>one</li>
              <li> two </li>
            </ul>

            """;
        Same(compact, pretty);
        Assert.Equal(compact, N(pretty));
    }

    [Fact]
    public void Whitespace_between_words_and_around_inline_tags_counts_once()
    {
        Assert.Equal("<p>a b</p>", N("<p>a \t\n  b</p>"));
        Different("<p>a b</p>", "<p>ab</p>");
        Different("<p>a <em>b</em></p>", "<p>a<em>b</em></p>");
        Different("<p><em>a</em> <em>b</em></p>", "<p><em>a</em><em>b</em></p>");
        // collapsing goes across inline tags, as a browser shows it
        Assert.Equal("<p>a <em>b</em></p>", N("<p>a <em> b</em></p>"));
        Assert.Equal("<p>a <em>b </em>c</p>", N("<p>a <em>b </em> c</p>"));
        Assert.Equal("<p><em>a</em></p>", N("<p> <em> a </em> </p>"));
        Assert.Equal("<p>a<br />b</p>", N("<p>a <br/>\n b</p>"));
    }

    [Fact]
    public void Space_next_to_a_mention_or_inline_macro_in_running_text_counts()
    {
        const string mention = "<ac:link><ri:user ri:userkey=\"ff80\" /></ac:link>";
        const string status = "<ac:structured-macro ac:name=\"status\"><ac:parameter ac:name=\"title\">DONE</ac:parameter></ac:structured-macro>";
        Different($"<p>Hi {mention}</p>", $"<p>Hi{mention}</p>");
        Different($"<p>{mention} {mention}</p>", $"<p>{mention}{mention}</p>");
        Different($"<p>State: {status} now</p>", $"<p>State:{status}now</p>");
        Different($"<p>{status} {status}</p>", $"<p>{status}{status}</p>");
        Assert.Equal($"<p>Hi {mention}</p>", N($"<p>Hi {mention} </p>"));
    }

    [Fact]
    public void Whitespace_between_block_macros_does_not_count()
    {
        const string info = "<ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>i</p></ac:rich-text-body></ac:structured-macro>";
        const string toc = "<ac:structured-macro ac:name=\"toc\" />";
        Same($"{toc}{info}<p>x</p>", $"\n{toc}\n\n{info}\n  <p>x</p>\n");
        Same($"<ac:layout><ac:layout-section ac:type=\"two_equal\"><ac:layout-cell>{toc}</ac:layout-cell><ac:layout-cell>{info}</ac:layout-cell></ac:layout-section></ac:layout>",
             $"<ac:layout>\n <ac:layout-section ac:type=\"two_equal\">\n  <ac:layout-cell>\n   {toc}\n  </ac:layout-cell>\n  <ac:layout-cell> {info} </ac:layout-cell>\n </ac:layout-section>\n</ac:layout>");
    }

    [Fact]
    public void Pre_keeps_its_whitespace_exactly()
    {
        const string body = "<pre>  line 1\n\tline  2\n\n <b> bold  </b>\n</pre>";
        Assert.Equal(body, N(body));
        Different("<pre>a  b</pre>", "<pre>a b</pre>");
        Assert.Equal("<p>x</p><pre> y </pre>", N("<p>x</p>\n<pre> y </pre>\n"));
    }

    [Fact]
    public void Cdata_survives_byte_for_byte()
    {
        const string code = "\n    for (int i = 0; i < n; i++)  {\n\t  s += \"&nbsp;\" + a[i] & mask;   // <b>not markup</b>\n    }\n  ";
        var body = "<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\" ac:macro-id=\"1f2e\">\n" +
                   "  <ac:parameter ac:name=\"language\">java</ac:parameter>\n" +
                   "  <ac:plain-text-body><![CDATA[" + code + "]]></ac:plain-text-body>\n" +
                   "</ac:structured-macro>";

        var normalized = N(body);

        Assert.Equal("<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\"><ac:parameter ac:name=\"language\">java</ac:parameter>" +
                     "<ac:plain-text-body><![CDATA[" + code + "]]></ac:plain-text-body></ac:structured-macro>", normalized);
        Different(body, body.Replace("i++)  {", "i++) {"));
    }

    [Fact]
    public void Cdata_split_around_its_terminator_stays_split()
    {
        const string body = "<ac:plain-text-body><![CDATA[a]]]]><![CDATA[>b]]></ac:plain-text-body>";
        Assert.Equal(body, N(body));
    }

    [Fact]
    public void Macro_parameter_values_keep_their_whitespace()
    {
        Different("<ac:structured-macro ac:name=\"expand\"><ac:parameter ac:name=\"title\">Read  more</ac:parameter></ac:structured-macro>",
                  "<ac:structured-macro ac:name=\"expand\"><ac:parameter ac:name=\"title\">Read more</ac:parameter></ac:structured-macro>");
    }

    [Fact]
    public void Entity_spellings_and_literal_characters_are_the_same()
    {
        Same("<p>caf&eacute; &mdash; it&rsquo;s</p>", "<p>café — it’s</p>");
        Same("<p>caf&#233;</p>", "<p>caf&#xe9;</p>");
        Same("<p>&quot;q&quot; &apos;a&apos; &gt;</p>", "<p>\"q\" 'a' ></p>");
        Assert.Equal("<p>café — it’s &amp; &lt;tag&gt;</p>", N("<p>caf&eacute; &mdash; it&rsquo;s &amp; &lt;tag&gt;</p>"));
    }

    [Fact]
    public void No_break_space_is_content_not_whitespace()
    {
        Different("<p>a&nbsp;b</p>", "<p>a b</p>");
        Same("<p>a&nbsp;b</p>", "<p>a&#160;b</p>");
        Same("<p>a&nbsp;b</p>", "<p>a\u00A0b</p>");
        Assert.Equal("<p>&#160;</p>", N("<p>&nbsp;</p>"));
        Different("<p>&nbsp;</p>", "<p> </p>");
        Assert.Equal("<p>a &#160; b</p>", N("<p>a &nbsp;  b</p>"));
    }

    [Fact]
    public void Empty_elements_are_the_same_however_written()
    {
        Same("<p></p>", "<p/>");
        Same("<p></p>", "<p>  </p>");
        Assert.Equal("<p />", N("<p></p>"));
        Different("<p></p>", "");
    }

    [Fact]
    public void Mentions_keep_their_identifier_kind()
    {
        Different("<ac:link><ri:user ri:account-id=\"abc\" /></ac:link>", "<ac:link><ri:user ri:userkey=\"abc\" /></ac:link>");
        Different("<ac:link><ri:user ri:userkey=\"abc\" /></ac:link>", "<ac:link><ri:user ri:username=\"abc\" /></ac:link>");
        Same("<ac:link>\n  <ri:user ri:userkey=\"abc\" />\n</ac:link>", "<ac:link><ri:user ri:userkey=\"abc\"/></ac:link>");
    }

    [Fact]
    public void Nested_macros_normalize_inside_out()
    {
        const string compact = "<ac:structured-macro ac:name=\"expand\" ac:schema-version=\"1\"><ac:parameter ac:name=\"title\">More</ac:parameter>" +
                               "<ac:rich-text-body><p>Outer</p><ac:structured-macro ac:name=\"note\" ac:schema-version=\"1\">" +
                               "<ac:parameter ac:name=\"icon\">true</ac:parameter><ac:rich-text-body><p>Inner <em>text</em></p>" +
                               "</ac:rich-text-body></ac:structured-macro></ac:rich-text-body></ac:structured-macro>";
        const string loose = """
            <ac:structured-macro ac:schema-version="1" ac:macro-id="0a" ac:name="expand">
              <ac:parameter ac:name="title">More</ac:parameter>
              <ac:rich-text-body>
                <p>Outer</p>
                <ac:structured-macro ac:local-id="9" ac:schema-version="1" ac:name="note">
                  <ac:parameter ac:name="icon">true</ac:parameter>
                  <ac:rich-text-body>
                    <p>Inner <em>text</em>
                    </p>
                  </ac:rich-text-body>
                </ac:structured-macro>
              </ac:rich-text-body>
            </ac:structured-macro>
            """;
        Assert.Equal(compact, N(loose));
        Different(loose, loose.Replace("Inner", "Inner2"));
    }

    [Fact]
    public void Tables_ignore_layout_whitespace_but_not_cell_text()
    {
        const string table = "<table><colgroup><col /><col /></colgroup><tbody><tr><th><p>H</p></th><th>I</th></tr><tr><td>a b</td><td><p>c</p></td></tr></tbody></table>";
        Same(table, table.Replace("><", ">\n  <"));
        Different(table, table.Replace("a b", "a  b").Replace("a  b", "ab"));
        Different(table, table.Replace("<td>a b</td>", "<td>a b</td><td />"));
    }

    [Fact]
    public void Task_lists_compare_by_status_and_body()
    {
        const string dc = "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Ship <strong>it</strong></ac:task-body></ac:task></ac:task-list>";
        Same(dc, dc.Replace("><ac:", ">\n  <ac:").Replace("<ac:task-id>1", "<ac:task-id> 1 "));
        Different(dc, dc.Replace("incomplete", "complete"));
        Different(dc, dc.Replace("Ship <strong>", "Ship<strong>"));
    }

    [Fact]
    public void Comments_count_but_do_not_break_whitespace_rules()
    {
        Different("<p>a</p><!-- x --><p>b</p>", "<p>a</p><p>b</p>");
        Same("<p>a</p>\n<!-- x -->\n<p>b</p>", "<p>a</p><!-- x --><p>b</p>");
    }

    [Fact]
    public void Invisible_and_markup_characters_are_written_as_references()
    {
        var normalized = N("<p a=\"x&#10;y&#9;&quot;\">\u200B&#xAD;&#x2003;&#13;&lt;&amp;</p>");
        Assert.Equal("<p a=\"x&#10;y&#9;&quot;\">&#8203;&#173;&#8195; &lt;&amp;</p>", normalized);
    }

    [Fact]
    public void Canonical_form_is_storage_format_that_parses_to_itself()
    {
        var bodies = new[]
        {
            "<p>a &amp; b &lt; c</p><pre>\r\n x&#13; </pre><p a=\"1&#10;2\">]]&gt;</p>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><p>declaration dropped</p>",
            "<p>&#x1F600; \U0001F600 emoji</p>",
        };
        foreach (var body in bodies)
        {
            var once = N(body);
            Assert.Equal(once, N(once));
            Assert.DoesNotContain("xmlns", once);
            Assert.DoesNotContain("<?xml", once);
        }
        Assert.Equal("<pre>\n x&#13; </pre>", N("<pre>\r\n x&#13; </pre>"));
    }

    [Fact]
    public void Malformed_body_is_reported_by_normalize_too()
    {
        var ex = Assert.Throws<StorageFormatException>(() => N("<p>a</p>\n<p><b>b</p>"));
        Assert.Equal(2, ex.Line);
    }
}
