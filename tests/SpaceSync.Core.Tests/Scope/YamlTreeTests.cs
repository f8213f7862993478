using Xunit;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Scope.Yaml;

namespace SpaceSync.Core.Tests.Scope;

public class YamlTreeTests
{
    [Theory]
    [InlineData("maxDeletePercnt", "maxDeletePercent")]
    [InlineData("MAXDELETEPERCENT", "maxDeletePercent")]
    [InlineData("restrictedPage", "restrictedPages")]
    [InlineData("conflcits", "conflicts")]
    [InlineData("server", null)]
    [InlineData("x", null)]
    public void Near_misses_are_suggested_and_unrelated_words_are_not(string written, string? expected)
    {
        var allowed = new[] { "direction", "conflicts", "maxDeletePercent", "content", "restrictedPages" };

        Assert.Equal(expected, NearMiss.Suggest(written, allowed));
    }

    [Fact]
    public void Duplicate_keys_are_kept_with_their_positions()
    {
        var result = YamlTreeReader.Read("a: 1\nb: 2\na: 3\n");

        var mapping = Assert.IsType<YamlTreeMapping>(result.Root);
        Assert.Equal(new[] { "a", "b", "a" }, mapping.Entries.Select(e => e.KeyText));
        Assert.Equal(new[] { 1, 2, 3 }, mapping.Entries.Select(e => e.Key.Position.Line));
        Assert.Equal(4, mapping.Entries[2].Value.Position.Column);
    }

    [Fact]
    public void Hostile_nesting_is_refused_without_exhausting_the_stack()
    {
        var yaml = "version: " + new string('[', 5000) + new string(']', 5000) + "\n";

        var error = Assert.Single(ScopeFixtures.Errors(yaml));

        Assert.Equal(ScopeErrorCodes.YamlSyntax, error.Code);
        Assert.Contains("Nesting deeper than", error.Message);
    }

    [Fact]
    public void Quoted_scalars_are_not_null_or_numbers()
    {
        var mapping = Assert.IsType<YamlTreeMapping>(YamlTreeReader.Read("a: ~\nb: '~'\nc: \"5\"\nd:\n").Root);
        var values = mapping.Entries.Select(e => (YamlTreeScalar)e.Value).ToList();

        Assert.True(values[0].IsNull);
        Assert.False(values[1].IsNull);
        Assert.False(values[2].IsPlain);
        Assert.True(values[3].IsNull);
    }
}
