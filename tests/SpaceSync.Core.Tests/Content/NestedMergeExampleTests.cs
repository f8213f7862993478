using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Merge;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

/// <summary>
/// The nested merge on pages a reader can follow. The rule for a container both sides edited (a list, table, layout, or a
/// macro with a rich-text body): the merge goes inside only when its shell — element, attributes, macro name and
/// parameters — is the same on the base and both sides; a shell change on one side with any edit inside it on the
/// other is a conflict, because a changed parameter (a panel's title or type, an expand's label) can change what the
/// other side's words mean there.
/// </summary>
public sealed class NestedMergeExampleTests
{
    private static string N(string body) => ContentNormalizer.Normalize(body);

    [Fact]
    public void A_list_where_Data_Center_edits_item_1_and_Cloud_appends_item_4_keeps_both()
    {
        const string page = "<h2>Checklist</h2><ul><li><p>Stop the service</p></li><li><p>Back up</p></li><li><p>Upgrade</p></li></ul>";
        var dc = page.Replace("Stop the service", "Stop the service and the agent");
        var cloud = page.Replace("<li><p>Upgrade</p></li>", "<li><p>Upgrade</p></li><li><p>Start the service</p></li>");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.True(result.Clean);
        Assert.Equal(N("<h2>Checklist</h2><ul><li><p>Stop the service and the agent</p></li><li><p>Back up</p></li><li><p>Upgrade</p></li>" +
                       "<li><p>Start the service</p></li></ul>"), result.Body);
    }

    [Fact]
    public void A_table_where_each_side_edits_a_different_row_keeps_both_rows()
    {
        const string page = "<h2>Ports</h2><table><tbody><tr><th>Port</th><th>Use</th></tr><tr><td>8080</td><td>HTTP</td></tr>" +
                            "<tr><td>8443</td><td>HTTPS</td></tr></tbody></table><p>Ask the network team.</p>";
        var dc = page.Replace("<td>HTTP</td>", "<td>HTTP (internal)</td>");
        var cloud = page.Replace("<td>8443</td>", "<td>9443</td>");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.True(result.Clean);
        Assert.Equal(N(page.Replace("<td>HTTP</td>", "<td>HTTP (internal)</td>").Replace("<td>8443</td>", "<td>9443</td>")), result.Body);
    }

    [Fact]
    public void Edits_of_two_cells_of_one_row_collide_because_the_row_is_the_unit()
    {
        const string page = "<h2>Ports</h2><table><tbody><tr><th>Port</th><th>Use</th></tr><tr><td>8080</td><td>HTTP</td></tr></tbody></table>";
        var dc = page.Replace("<td>8080</td>", "<td>8081</td>");
        var cloud = page.Replace("<td>HTTP</td>", "<td>Web</td>");

        var result = BlockMerge.Merge(page, dc, cloud);

        var conflict = Assert.Single(result.Conflicts);
        Assert.Null(result.Body);
        Assert.Equal(1, conflict.Position);
        Assert.Equal("row 2 (\"8080 | HTTP\") of the table after heading \"Ports\"", conflict.Describe());
        Assert.Equal(new[] { N("<tr><td>8081</td><td>HTTP</td></tr>") }, conflict.DataCenter);
        Assert.Equal(new[] { N("<tr><td>8080</td><td>Web</td></tr>") }, conflict.Cloud);
    }

    [Fact]
    public void An_info_macro_whose_body_paragraphs_are_edited_on_each_side_keeps_both_edits()
    {
        const string page = "<p>Intro.</p><ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\" ac:macro-id=\"m1\">" +
                            "<ac:parameter ac:name=\"title\">Before you start</ac:parameter><ac:rich-text-body>" +
                            "<p>Read the release notes.</p><p>Tell the on-call engineer.</p><p>Take a snapshot.</p></ac:rich-text-body></ac:structured-macro>";
        var dc = page.Replace("Read the release notes.", "Read the release notes of 9.2.");
        // Cloud's editor stamps its own macro and local ids: cosmetic, so the shell is still the same.
        var cloud = page.Replace("Take a snapshot.", "Take a database snapshot.")
            .Replace("ac:macro-id=\"m1\"", "ac:macro-id=\"c7\" ac:local-id=\"f00d\"").Replace("<p>Tell", "<p local-id=\"beef\">Tell");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.True(result.Clean);
        Assert.Equal(N(dc.Replace("Take a snapshot.", "Take a database snapshot.")), result.Body);
    }

    [Fact]
    public void A_changed_macro_parameter_on_one_side_and_a_body_edit_on_the_other_is_a_conflict()
    {
        const string page = "<h2>Upgrade</h2><ac:structured-macro ac:name=\"panel\"><ac:parameter ac:name=\"title\">Before you start</ac:parameter>" +
                            "<ac:rich-text-body><p>Read the release notes.</p><p>Take a snapshot.</p></ac:rich-text-body></ac:structured-macro>" +
                            "<p>Questions?</p><p>Ask the ops team.</p>";
        var dc = page.Replace("Before you start", "Do not start yet");
        var cloud = page.Replace("Take a snapshot.", "Take a database snapshot.");

        var result = BlockMerge.Merge(page, dc, cloud);

        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal("block 2 (panel macro \"Read the release notes. Take a snapshot.\")", conflict.Describe());
        // ...while the parameter change alone, or with no edit inside on the other side, is simply taken.
        Assert.Equal(N(dc), BlockMerge.Merge(page, dc, page).Body);
        Assert.Equal(N(dc.Replace("ops team", "platform team")), BlockMerge.Merge(page, dc, page.Replace("ops team", "platform team")).Body);
    }

    [Fact]
    public void A_list_turned_numbered_on_one_side_and_an_item_edit_on_the_other_is_a_conflict()
    {
        const string page = "<ul><li><p>One</p></li><li><p>Two</p></li></ul>";
        var dc = "<ol><li><p>One</p></li><li><p>Two</p></li></ol>";
        var cloud = page.Replace("Two", "Two and a half");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.False(result.Clean);
        Assert.Equal("block 1 (bulleted list \"One Two\")", Assert.Single(result.Conflicts).Describe());
    }

    [Fact]
    public void Edits_of_adjacent_paragraphs_pair_up_by_position_and_merge()
    {
        const string page = "<h1>Notes</h1><p>One.</p><p>Two.</p><p>Three.</p>";
        var dc = page.Replace("One.", "One, edited.");
        var cloud = page.Replace("Two.", "Two, edited.");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.True(result.Clean);
        Assert.Equal(N("<h1>Notes</h1><p>One, edited.</p><p>Two, edited.</p><p>Three.</p>"), result.Body);
        // Unequal runs (an edit next to an insertion on the other side) cannot be paired and still collide.
        var cloudInserts = page.Replace("<p>Two.</p>", "<p>One and a half.</p><p>Two.</p>");
        Assert.Equal("block 2 (paragraph \"One.\")", Assert.Single(BlockMerge.Merge(page, dc, cloudInserts).Conflicts).Describe());
    }

    [Fact]
    public void Two_edits_of_one_task_collide_and_name_the_task_by_its_words()
    {
        const string page = "<h2>Before release</h2><ac:task-list><ac:task><ac:task-id>7</ac:task-id><ac:task-status>incomplete</ac:task-status>" +
                            "<ac:task-body>Call \"Bob\" about the freeze</ac:task-body></ac:task></ac:task-list>";
        var dc = page.Replace("incomplete", "complete");
        var cloud = page.Replace("the freeze", "the code freeze");

        var conflict = Assert.Single(BlockMerge.Merge(page, dc, cloud).Conflicts);

        Assert.Equal("task 1 (\"Call 'Bob' about the freeze\") of the task list after heading \"Before release\"", conflict.Describe());
    }

    [Fact]
    public void An_item_text_edit_and_a_new_sub_item_of_the_same_item_merge()
    {
        const string page = "<ul><li><p>Install</p><ul><li><p>Linux</p></li><li><p>Windows</p></li></ul></li><li><p>Configure</p></li></ul>";
        var dc = page.Replace("<p>Install</p>", "<p>Install the agent</p>");
        var cloud = page.Replace("<li><p>Windows</p></li>", "<li><p>Windows</p></li><li><p>macOS</p></li>");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.True(result.Clean);
        Assert.Equal(N("<ul><li><p>Install the agent</p><ul><li><p>Linux</p></li><li><p>Windows</p></li><li><p>macOS</p></li></ul></li>" +
                       "<li><p>Configure</p></li></ul>"), result.Body);
    }

    [Fact]
    public void Two_edits_of_one_sub_item_collide_and_are_described_through_the_outer_item()
    {
        const string page = "<h3>Platforms</h3><ul><li><p>Install</p><ul><li><p>Linux</p></li><li><p>Windows</p></li></ul></li></ul>";
        var dc = page.Replace("Windows", "Windows Server");
        var cloud = page.Replace("Windows", "Windows 11");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.Equal("item 2 (\"Windows\") of the nested list in item 1 of the list after heading \"Platforms\"",
            Assert.Single(result.Conflicts).Describe());
    }

    [Fact]
    public void A_paragraph_both_sides_rewrote_is_described_by_its_block_number_and_text()
    {
        const string page = "<h1>Agent</h1><p>Intro.</p><p>Install the agent on every build machine before the upgrade window opens.</p>";
        var dc = page.Replace("every build machine", "each build machine");
        var cloud = page.Replace("before the upgrade", "after the upgrade");

        var conflict = Assert.Single(BlockMerge.Merge(page, dc, cloud).Conflicts);

        Assert.Equal(2, conflict.Position);
        Assert.Equal("block 3 (paragraph \"Install the agent on every build machin…\")", conflict.Describe());
    }

    [Fact]
    public void Both_sides_adding_at_the_same_place_of_a_list_collide_as_new_items()
    {
        const string page = "<h2>Owners</h2><ul><li><p>Ana</p></li><li><p>Bo</p></li></ul>";
        var dc = page.Replace("<li><p>Bo</p></li>", "<li><p>Bo</p></li><li><p>Cy</p></li>");
        var cloud = page.Replace("<li><p>Bo</p></li>", "<li><p>Bo</p></li><li><p>Di</p></li>");

        var conflict = Assert.Single(BlockMerge.Merge(page, dc, cloud).Conflicts);

        Assert.Equal("new items after item 2 (\"Bo\") of the list after heading \"Owners\"", conflict.Describe());
        Assert.Empty(conflict.Base);
    }

    [Fact]
    public void Each_side_deleting_a_different_one_of_two_like_items_never_brings_either_back()
    {
        // Both items are lists-in-items with one shell: pairing the Data Center's surviving item with the one Cloud kept
        // would read as an edit of it and resurrect a deleted item. Adjacent deletions collide instead, as in diff3.
        const string page = "<ol><li><p>Zero</p><ul><li><p>Sub 0</p></li></ul></li><li><p>One</p><ul><li><p>Sub 1</p></li></ul></li><li>Two</li></ol>";
        var dc = page.Replace("<li><p>Zero</p><ul><li><p>Sub 0</p></li></ul></li>", "");
        var cloud = page.Replace("<li><p>One</p><ul><li><p>Sub 1</p></li></ul></li>", "");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.Equal("items 1–2 (\"Zero Sub 0\") of the list at block 1",
            Assert.Single(result.Conflicts).Describe());
    }

    [Fact]
    public void A_page_laid_out_in_columns_merges_edits_in_different_columns()
    {
        const string page = "<ac:layout><ac:layout-section ac:type=\"two_equal\"><ac:layout-cell><p>Left one.</p><p>Left two.</p></ac:layout-cell>" +
                            "<ac:layout-cell><p>Right one.</p></ac:layout-cell></ac:layout-section></ac:layout>";
        var dc = page.Replace("Left two.", "Left two, edited.");
        var cloud = page.Replace("Right one.", "Right one, edited.");

        var result = BlockMerge.Merge(page, dc, cloud);

        Assert.True(result.Clean);
        Assert.Equal(N(dc.Replace("Right one.", "Right one, edited.")), result.Body);
        // Both editing one paragraph of a column collide there, named through the layout.
        var conflict = Assert.Single(BlockMerge.Merge(page, dc, page.Replace("Left two.", "Left 2.")).Conflicts);
        Assert.Equal("block 2 (paragraph \"Left two.\") of column 1 of layout section 1 of the layout at block 1", conflict.Describe());
    }

    [Fact]
    public void Descriptions_of_deep_collisions_stay_within_120_characters_and_free_of_markup()
    {
        var longText = string.Concat(Enumerable.Repeat("very long words &amp; <escaped> text ", 10));
        var page = $"<h2>{longText}</h2><ac:structured-macro ac:name=\"expand\"><ac:rich-text-body><ul><li><p>{longText}</p><ul><li><p>{longText}</p>" +
                   $"<ol><li><p>{longText} deep</p></li></ol></li></ul></li></ul></ac:rich-text-body></ac:structured-macro>";
        page = page.Replace("<escaped>", "&lt;escaped&gt;");
        var dc = page.Replace(" deep", " deeper");
        var cloud = page.Replace(" deep", " deepest");

        var where = Assert.Single(BlockMerge.Merge(page, dc, cloud).Conflicts).Describe();

        Assert.InRange(where.Length, 20, 120);
        Assert.StartsWith("item 1", where);
        Assert.DoesNotContain("<ol", where);
        Assert.DoesNotContain("&lt;", where);
    }
}
