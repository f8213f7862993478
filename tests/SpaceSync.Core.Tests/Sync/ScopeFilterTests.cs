using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

public class ScopeFilterTests
{
    private static List<ScopePathEntry> PathOf(string path) => path.Split('/').Select(t => new ScopePathEntry(t, Array.Empty<string>())).ToList();

    [Theory]
    [InlineData("Archive*", "Archive", true)]
    [InlineData("Archive*", "archive 2019", true)]
    [InlineData("Archive*", "Old Archive", false)]
    [InlineData("*Draft", "Release DRAFT", true)]
    [InlineData("*Draft", "Draft notes", false)]
    [InlineData("Q? report", "Q3 report", true)]
    [InlineData("Q? report", "Q10 report", false)]
    [InlineData("Notes (old)", "Notes (old)", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("*", "", true)]
    public void Globs_match_the_whole_title_with_star_and_question_mark_ignoring_case(string glob, string title, bool matches) =>
        Assert.Equal(matches, ScopeFilter.GlobMatches(glob, title));

    [Fact]
    public void An_excluded_title_excludes_the_page_and_everything_below_it()
    {
        var filter = new ScopeFilter(null, new[] { "Archive*" }, null);
        Assert.Equal(ScopeVerdict.In, filter.Decide(PathOf("Home/Runbooks")).Verdict);
        var page = filter.Decide(PathOf("Home/Archive 2019"));
        Assert.True(page.IsOut);
        Assert.Contains("Archive*", page.Reason);
        var child = filter.Decide(PathOf("Home/Archive 2019/Old runbook"));
        Assert.True(child.IsOut);
        Assert.Contains("an ancestor", child.Reason);
    }

    [Fact]
    public void Include_subtree_keeps_the_named_page_and_below_and_nothing_else()
    {
        var filter = new ScopeFilter("Engineering Home/Runbooks", null, null);
        Assert.Equal(ScopeVerdict.In, filter.Decide(PathOf("Engineering Home/Runbooks")).Verdict);
        Assert.Equal(ScopeVerdict.In, filter.Decide(PathOf("engineering home/RUNBOOKS/Deploy/Step 1")).Verdict);
        Assert.True(filter.Decide(PathOf("Engineering Home")).IsOut);
        Assert.True(filter.Decide(PathOf("Engineering Home/Runbooks old")).IsOut);
        Assert.True(filter.Decide(PathOf("Engineering Home/Glossary")).IsOut);
        Assert.True(filter.Decide(PathOf("Runbooks")).IsOut);
        Assert.True(filter.Decide(PathOf("Other/Engineering Home/Runbooks")).IsOut);
    }

    [Fact]
    public void Include_subtree_reaches_a_title_that_holds_a_slash()
    {
        var filter = new ScopeFilter("Home/CI/CD", null, null);
        var path = new List<ScopePathEntry> { new("Home"), new("CI/CD"), new("Pipelines") };
        Assert.Equal(ScopeVerdict.In, filter.Decide(path).Verdict);
    }

    [Fact]
    public void Include_and_exclude_combine()
    {
        var filter = new ScopeFilter("Home/Runbooks", new[] { "Archive*" }, null);
        Assert.Equal(ScopeVerdict.In, filter.Decide(PathOf("Home/Runbooks/Deploy")).Verdict);
        Assert.True(filter.Decide(PathOf("Home/Runbooks/Archive/Deploy")).IsOut);
    }

    [Fact]
    public void An_excluded_label_excludes_the_page_and_below_and_unknown_labels_cannot_decide()
    {
        var filter = new ScopeFilter(null, null, new[] { "No-Sync" });
        var labelled = new List<ScopePathEntry> { new("Home", new[] { "team" }), new("Secret", new[] { "no-sync" }), new("Child", Array.Empty<string>()) };
        var decision = filter.Decide(labelled);
        Assert.True(decision.IsOut);
        Assert.Contains("'no-sync'", decision.Reason);

        var unread = filter.Decide(new List<ScopePathEntry> { new("Home"), new("Secret") });
        Assert.Equal(ScopeVerdict.In, unread.Verdict);
        Assert.True(unread.LabelsUnknown);
        Assert.False(filter.Decide(PathOf("Home/Other")).LabelsUnknown);
    }

    [Fact]
    public void A_path_not_fully_known_is_undecided_unless_its_known_part_is_excluded()
    {
        var filter = new ScopeFilter("Home/Runbooks", new[] { "Archive*" }, null);
        Assert.Equal(ScopeVerdict.Unknown, filter.Decide(PathOf("Deploy"), pathComplete: false).Verdict);
        Assert.True(filter.Decide(PathOf("Archive/Deploy"), pathComplete: false).IsOut);
        Assert.Equal(ScopeVerdict.Unknown, new ScopeFilter(null, new[] { "Archive*" }, null).Decide(PathOf("Deploy"), pathComplete: false).Verdict);
        Assert.Equal(ScopeVerdict.In, ScopeFilter.All.Decide(PathOf("Deploy"), pathComplete: false).Verdict);
    }

    [Fact]
    public void Is_built_from_the_resolved_space()
    {
        var filter = ScopeFilter.For(new ResolvedSpace { Key = "ENG", IncludeSubtree = "Home / Runbooks", ExcludeTitles = new[] { "Archive*" }, ExcludeLabels = new[] { "no-sync" } });
        Assert.Equal("Home/Runbooks", filter.IncludeSubtree);
        Assert.Equal(new[] { "Archive*" }, filter.ExcludeTitles);
        Assert.True(filter.FiltersLabels);
        Assert.False(filter.IsEverything);
        Assert.True(ScopeFilter.All.IsEverything);
        Assert.True(ScopeFilter.For(new ResolvedSpace { Key = "ENG" }).IsEverything);
    }
}
