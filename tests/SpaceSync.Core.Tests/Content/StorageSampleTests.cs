using System.Text.RegularExpressions;
using SpaceSync.Core.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

public class StorageSampleTests
{
    [Fact]
    public void Data_center_page_normalizes_to_the_expected_canonical_form()
    {
        Assert.Equal(StorageSamples.DataCenterPageCanonical, ContentNormalizer.Normalize(StorageSamples.DataCenterPage));
    }

    [Fact]
    public void Data_center_page_laid_out_differently_is_the_same_content()
    {
        var laidOut = StorageSamples.DataCenterPage
            .Replace("</p><", "</p>\n<")
            .Replace("</h2><", "</h2>\n\n<")
            .Replace("</ac:structured-macro><", "</ac:structured-macro>\n<")
            .Replace("<tbody><tr>", "<tbody>\n  <tr>\n    ")
            .Replace("</tr><tr>", "</tr>\n  <tr>")
            .Replace("</td></tr>", "</td>\n  </tr>\n")
            .Replace("<ul><li>", "<ul>\n\t<li>")
            .Replace("</li><li>", "</li>\n\t<li> ")
            .Replace("<ac:rich-text-body><p>", "<ac:rich-text-body>\n  <p>\n")
            .Replace("ac:name=\"info\" ac:schema-version=\"1\"", "ac:schema-version=\"1\"  ac:name=\"info\"");
        Assert.NotEqual(StorageSamples.DataCenterPage, laidOut);
        Assert.Equal(ContentHash.OfBody(StorageSamples.DataCenterPage), ContentHash.OfBody(laidOut));
    }

    [Fact]
    public void Cloud_page_without_its_local_and_macro_ids_is_the_same_content()
    {
        var withoutIds = Regex.Replace(StorageSamples.CloudPage, @" (?:ac:|ri:)?(?:local-id|macro-id)=""[^""]*""", "");
        Assert.NotEqual(StorageSamples.CloudPage, withoutIds);
        Assert.Equal(ContentNormalizer.Normalize(withoutIds), ContentNormalizer.Normalize(StorageSamples.CloudPage));
    }

    [Fact]
    public void Cloud_page_keeps_every_cloud_only_construct_for_translation_to_see()
    {
        var canonical = ContentNormalizer.Normalize(StorageSamples.CloudPage);

        Assert.DoesNotMatch(@"\s(?:ac:|ri:)?local-id=", canonical);
        Assert.DoesNotContain("ac:macro-id", canonical);
        Assert.Contains("<table data-layout=\"default\" data-table-width=\"760\">", canonical);
        Assert.Contains("ac:breakout-mode=\"wide\" ac:breakout-width=\"960\" ac:name=\"code\" ac:schema-version=\"1\" data-layout=\"wide\"", canonical);
        Assert.Contains("<ac:task-uuid>c5d6e7f8-0912-4233-b4c5-304152637485</ac:task-uuid>", canonical);
        Assert.Contains("<ac:adf-attribute key=\"local-id\">d6e7f809-1a2b-4c3d-8e4f-5a6b7c8d9e0f</ac:adf-attribute>", canonical);
        Assert.Contains("ri:account-id=\"557058:3f2a9c1e-7b4d-4e8a-9f0c-1d2e3f4a5b6c\"", canonical);
        Assert.Contains("ac:emoji-fallback=\"😄\" ac:emoji-id=\"1f604\" ac:emoji-shortname=\":smile:\" ac:name=\"blue-star\"", canonical);
        Assert.Contains("<![CDATA[def f(x):\n    return x  *  2\n]]>", canonical);
        // The cell's paragraph is the editor's: the cell's own text.
        Assert.Contains("<td><ac:link><ri:user ri:account-id=\"712020:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\" /></ac:link></td>", canonical);
    }

    [Fact]
    public void The_two_flavours_of_one_page_are_different_content_until_translated()
    {
        Assert.NotEqual(ContentHash.OfBody(StorageSamples.DataCenterPage), ContentHash.OfBody(StorageSamples.CloudPage));
    }

    [Theory]
    [InlineData(nameof(StorageSamples.DataCenterPage))]
    [InlineData(nameof(StorageSamples.CloudPage))]
    public void Samples_are_idempotent_and_their_canonical_form_is_plain_storage_format(string sample)
    {
        var body = (string)typeof(StorageSamples).GetField(sample)!.GetValue(null)!;
        var canonical = ContentNormalizer.Normalize(body);
        Assert.Equal(canonical, ContentNormalizer.Normalize(canonical));
        Assert.Equal(canonical, StorageDocument.Parse(canonical).ToStorageFormat());
        Assert.DoesNotContain("xmlns", canonical);
        Assert.DoesNotContain("<?xml", canonical);
    }
}
