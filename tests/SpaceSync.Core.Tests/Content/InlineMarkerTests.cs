using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Merge;
using Xunit;
using static SpaceSync.Core.Tests.Content.Translation.TranslationWorld;

namespace SpaceSync.Core.Tests.Content;

/// <summary>
/// Inline comment markers (<c>ac:inline-comment-marker</c>) are each site's own bookkeeping: no change for the normalizer,
/// the hash or the merge, dropped by a crossing, and put back by <see cref="InlineMarkers.Keep"/> when a body is written
/// over the page that has them.
/// </summary>
public sealed class InlineMarkerTests
{
    private const string Ref = "5d1c1d4e-9d0b-4d43-a9f6-3d2c0c4a1b10";
    private const string Other = "0b6f2f8a-2c11-47a9-8a5e-6c1d7d3e9f21";

    private static string Marked(string text, string markerRef = Ref) => $"<ac:inline-comment-marker ac:ref=\"{markerRef}\">{text}</ac:inline-comment-marker>";

    [Theory]
    [InlineData("<p>The agent listens on 8080.</p>", "<p>The agent " + "<ac:inline-comment-marker ac:ref=\"r\">listens on</ac:inline-comment-marker>" + " 8080.</p>")]
    [InlineData("<p>The agent listens  on 8080.</p>", "<p>The agent <ac:inline-comment-marker ac:ref=\"r\"> listens</ac:inline-comment-marker> on 8080.</p>")]
    [InlineData("<p>Owned by <strong>us</strong>.</p>", "<p>Owned by <ac:inline-comment-marker ac:ref=\"r\"><strong>us</strong></ac:inline-comment-marker>.</p>")]
    [InlineData("<p>Text</p>", "<p>Text<ac:inline-comment-marker ac:ref=\"r\" /></p>")]
    public void A_marker_only_difference_is_no_difference(string plain, string marked)
    {
        Assert.Equal(ContentNormalizer.Normalize(plain), ContentNormalizer.Normalize(marked));
        Assert.Equal(ContentHash.OfBody(plain), ContentHash.OfBody(marked));
    }

    [Fact]
    public void The_text_inside_a_marker_still_counts()
    {
        Assert.NotEqual(ContentHash.OfBody($"<p>A {Marked("word")}.</p>"), ContentHash.OfBody($"<p>A {Marked("other word")}.</p>"));
    }

    [Fact]
    public void A_crossing_drops_the_source_markers_and_keeps_their_text_both_ways()
    {
        var body = $"<p>The agent {Marked("listens on 8080")}.</p><ul><li>{Marked("Logs", Other)} rotate</li></ul>";
        foreach (var crossed in new[] { ToCloud(body), ToDataCenter(body) })
        {
            Assert.True(crossed.Changed);
            Assert.DoesNotContain("inline-comment-marker", crossed.Body);
            Assert.Equal(ContentNormalizer.Normalize(body), ContentNormalizer.Normalize(crossed.Body));
            Assert.Empty(crossed.Warnings);
        }
    }

    [Fact]
    public void Keep_puts_the_targets_markers_back_in_unchanged_blocks_even_nested_ones()
    {
        var current = $"<h2>Ports</h2><p local-id=\"a1\">The agent {Marked("listens on 8080")}.</p><table><tbody><tr><td><p>{Marked("k1", Other)}</p></td></tr></tbody></table><p>Old tail.</p>";
        var written = "<h2>Ports</h2><p>The agent listens on 8080.</p><table><tbody><tr><td><p>k1</p></td></tr></tbody></table><p>New tail.</p>";

        var kept = InlineMarkers.Keep(written, current);

        Assert.Equal(2, kept.Kept);
        Assert.Empty(kept.Lost);
        Assert.Contains($"<p local-id=\"a1\">The agent {Marked("listens on 8080")}.</p>", kept.Body);
        Assert.Contains($"<td><p>{Marked("k1", Other)}</p></td>", kept.Body);
        Assert.Contains("<p>New tail.</p>", kept.Body);
        Assert.Equal(ContentNormalizer.Normalize(written), ContentNormalizer.Normalize(kept.Body));
    }

    [Fact]
    public void Keep_wraps_the_text_again_in_a_changed_block_when_it_is_there_once_and_otherwise_reports_the_anchor_lost()
    {
        var current = $"<p>The agent {Marked("listens on 8080")} today.</p><p>Owned by the {Marked("platform", Other)} team.</p>";
        var written = "<p>Since May the agent listens on 8080 in every region.</p><p>Owned by the SRE team, not the platform and not the platform team.</p>";

        var kept = InlineMarkers.Keep(written, current);

        Assert.Equal(1, kept.Kept);
        Assert.Equal(new[] { Other }, kept.Lost); // "platform" is there twice: no guessing
        Assert.Contains($"<p>Since May the agent {Marked("listens on 8080")} in every region.</p>", kept.Body);
        Assert.Equal(ContentNormalizer.Normalize(written), ContentNormalizer.Normalize(kept.Body));

        var gone = InlineMarkers.Keep("<p>The agent listens on 9090.</p>", current);
        Assert.Equal(0, gone.Kept);
        Assert.Equal(new[] { Ref, Other }, gone.Lost);
        Assert.Equal("<p>The agent listens on 9090.</p>", gone.Body);
    }

    [Fact]
    public void Keep_without_markers_on_the_target_returns_the_body_untouched()
    {
        var written = "<p>a  b &nbsp;</p>";
        var kept = InlineMarkers.Keep(written, "<p>no markers</p>");
        Assert.Same(written, kept.Body);
        Assert.Equal((0, 0), (kept.Kept, kept.Lost.Count));
    }

    [Fact]
    public void Keep_never_wraps_text_inside_code_or_a_block_it_kept()
    {
        var current = $"<p>{Marked("echo")} once</p><p>Run {Marked("echo", Other)} here.</p>";
        var written = "<p>echo once</p><ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[echo]]></ac:plain-text-body></ac:structured-macro><p>Run it here.</p>";

        var kept = InlineMarkers.Keep(written, current);

        Assert.Equal(1, kept.Kept); // the first paragraph, unchanged; "echo" in the kept block and in code is not a place for the second
        Assert.Equal(new[] { Other }, kept.Lost);
    }

    [Fact]
    public void A_merge_of_bodies_with_different_markers_is_clean_and_needs_the_markers_put_back_per_site()
    {
        const string baseBody = "<p>The agent listens on 8080.</p><p>Owned by the platform team.</p>";
        var dc = $"<p>The agent listens on 9090.</p><p>Owned by the {Marked("platform team")}.</p>";
        var cloud = $"<p>The agent listens on 8080.</p><p>Owned by the {Marked("platform team", Other)}.</p><p>Added on Cloud.</p>";

        // Compared in canonical form (as the runner does): the markers are no edits, so the two edits do not collide.
        var merged = BlockMerge.Merge(ContentNormalizer.Normalize(baseBody), ContentNormalizer.Normalize(dc), ContentNormalizer.Normalize(cloud));

        Assert.True(merged.Clean);
        Assert.DoesNotContain("inline-comment-marker", merged.Body);
        Assert.Contains(Marked("platform team"), InlineMarkers.Keep(merged.Body!, dc).Body);
        Assert.Contains(Marked("platform team", Other), InlineMarkers.Keep(merged.Body!, cloud).Body);
    }
}
