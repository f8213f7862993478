using SpaceSync.Core.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

/// <summary>
/// The entity pass before every parse (issue 14: a baseline parses every body of a space) copies a body only when it
/// rewrites a named entity; otherwise the body it was given is what the parser reads. Counted by identity, not timed.
/// </summary>
public sealed class EntityTranslatorTests
{
    [Theory]
    [InlineData("<p>Plain text, a <strong>tag</strong> and &amp; &lt; &#160; &#xA0;</p>")]
    [InlineData("<![CDATA[ &nbsp; stays ]]><!-- &nbsp; --><p>x</p>")]
    [InlineData("")]
    public void A_body_without_named_entities_is_not_copied(string body)
    {
        var translated = EntityTranslator.Translate(body, out _);
        Assert.Same(body, translated);
    }

    [Fact]
    public void Named_entities_become_numeric_and_the_rest_is_kept()
    {
        var body = "<p>a&nbsp;b &amp; c&eacute;</p><![CDATA[&nbsp;]]>";
        var translated = EntityTranslator.Translate(body, out _);
        Assert.Equal("<p>a&#160;b &amp; c&#233;</p><![CDATA[&nbsp;]]>", translated);
    }
}
