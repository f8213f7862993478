using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using Xunit;
using static SpaceSync.Core.Tests.Content.Translation.TranslationWorld;

namespace SpaceSync.Core.Tests.Content.Translation;

public class TranslatorContractTests
{
    [Fact]
    public void A_body_that_needs_nothing_is_returned_byte_for_byte()
    {
        var body = "<p>Caf&eacute;&nbsp;menu   <strong>x</strong></p>\n<p></p><![CDATA[ raw ]]><!-- note -->";

        var toCloud = ToCloud(body);
        var toDc = ToDataCenter(body);

        Assert.Same(body, toCloud.Body);
        Assert.False(toCloud.Changed);
        Assert.Same(body, toDc.Body);
    }

    [Fact]
    public void A_translated_body_keeps_all_other_content_in_normalized_form()
    {
        var body = $"<p>Caf&eacute;&nbsp;menu   <strong>x</strong> <ac:link><ri:user ri:userkey=\"{AliceKey}\" /></ac:link></p>\n<p></p>" +
                   "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[if a < b && c]]></ac:plain-text-body></ac:structured-macro><!-- note -->";

        var result = ToCloud(body);

        Assert.True(result.Changed);
        Assert.Equal(ContentNormalizer.Normalize(body).Replace($"ri:userkey=\"{AliceKey}\"", $"ri:account-id=\"{AliceAccount}\""),
            ContentNormalizer.Normalize(result.Body));
    }

    [Fact]
    public void A_body_that_is_not_storage_format_is_refused_with_its_position()
    {
        var ex = Assert.Throws<StorageFormatException>(() => ToCloud("<p>open"));
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void Warnings_come_in_document_order_and_long_elements_are_shortened()
    {
        var longText = new string('x', 500);
        var body = $"<ac:adf-extension><ac:adf-node type=\"extension\"><ac:adf-content><p>{longText}</p></ac:adf-content></ac:adf-node></ac:adf-extension>" +
                   $"<p><ac:link><ri:user ri:account-id=\"{DaveAccount}\" /></ac:link></p>";

        var warnings = ToDataCenter(body).Warnings;

        Assert.Equal(new[] { TranslationWarningCodes.AdfExtensionWithoutFallback, TranslationWarningCodes.UserNotMapped }, warnings.Select(w => w.Code));
        Assert.Equal(201, warnings[0].Element.Length);
        Assert.EndsWith("…", warnings[0].Element);
        Assert.Equal("UserNotMapped: " + warnings[1].Message, warnings[1].ToString());
    }

    [Fact]
    public void Every_warning_code_is_listed_once()
    {
        Assert.Equal(TranslationWarningCodes.All.Count, TranslationWarningCodes.All.Distinct().Count());
        Assert.All(TranslationWarningCodes.All, c => Assert.Matches("^[A-Z][A-Za-z]+$", c));
    }

    [Fact]
    public void Two_data_center_spaces_cannot_map_to_one_cloud_space()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TranslationContext(Users, Pages, new Dictionary<string, string> { ["A"] = "X", ["B"] = "X" }));
        Assert.Contains("'X'", ex.Message);
    }

    [Fact]
    public void A_page_paired_twice_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PageMap(new[]
        {
            new PagePair(new PageLocation("1", "A"), new PageLocation("10", "A")),
            new PagePair(new PageLocation("1", "A"), new PageLocation("11", "A")),
        }));
    }
}
