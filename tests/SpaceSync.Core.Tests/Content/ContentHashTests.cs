using SpaceSync.Core.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

public class ContentHashTests
{
    [Fact]
    public void Hash_is_lowercase_hex_sha256_of_the_utf8_canonical_form()
    {
        // expected values computed outside .NET: printf '%s' '<p>café&#160;<strong>world</strong></p>' | sha256sum
        const string expected = "d134b1f340b592a94b90b5ef648941ee4a8336856740a782bd6e8715feff9fcf";
        var normalized = ContentNormalizer.Normalize("<p>\n  caf&eacute;&nbsp;<strong  >world</strong>\n</p>\n");
        Assert.Equal("<p>café&#160;<strong>world</strong></p>", normalized);
        Assert.Equal(expected, ContentHash.Of(normalized));
        Assert.Equal(expected, ContentHash.OfBody("<p>café&#xA0;<strong>world</strong></p>"));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ContentHash.Of(""));
    }

    [Fact]
    public void Different_canonical_forms_hash_differently()
    {
        Assert.NotEqual(ContentHash.Of("<p>a</p>"), ContentHash.Of("<p>b</p>"));
        Assert.NotEqual(ContentHash.OfBody("<p>a&nbsp;b</p>"), ContentHash.OfBody("<p>a b</p>"));
    }

    [Fact]
    public void A_string_that_is_not_valid_unicode_is_refused_rather_than_hashed_lossily()
    {
        Assert.ThrowsAny<ArgumentException>(() => ContentHash.Of("<p>\uD800</p>"));
    }
}
