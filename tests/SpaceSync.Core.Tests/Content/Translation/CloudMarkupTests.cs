using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using Xunit;
using static SpaceSync.Core.Tests.Content.Translation.TranslationWorld;

namespace SpaceSync.Core.Tests.Content.Translation;

public class CloudMarkupTests
{
    // as the emulator seeds Cloud pages
    private const string NotePanel =
        "<ac:adf-extension><ac:adf-node type=\"panel\"><ac:adf-attribute key=\"panel-type\">note</ac:adf-attribute>" +
        "<ac:adf-content><p>A Cloud-only note panel.</p></ac:adf-content></ac:adf-node>" +
        "<ac:adf-fallback><div class=\"panel\"><p>A Cloud-only note panel.</p></div></ac:adf-fallback></ac:adf-extension>";

    [Fact]
    public void An_adf_extension_becomes_its_fallback_on_data_center()
    {
        var result = ToDataCenter("<p>Before</p>" + NotePanel + "<p>After</p>");

        Assert.Equal("<p>Before</p><div class=\"panel\"><p>A Cloud-only note panel.</p></div><p>After</p>", result.Body);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(TranslationWarningCodes.AdfExtensionReplaced, warning.Code);
        Assert.Contains("'panel'", warning.Message);
        Assert.StartsWith("<ac:adf-extension>", warning.Element);
    }

    [Fact]
    public void The_fallback_is_translated_too_and_an_extension_without_one_is_kept_and_reported()
    {
        var withMention = $"<ac:adf-extension><ac:adf-node type=\"decision-list\" /><ac:adf-fallback><p>Decided by <ac:link><ri:user ri:account-id=\"{AliceAccount}\" /></ac:link></p></ac:adf-fallback></ac:adf-extension>";
        var noFallback = "<ac:adf-extension><ac:adf-node type=\"extension\" /></ac:adf-extension>";

        var translated = ToDataCenter(withMention);
        var kept = ToDataCenter(noFallback);

        Assert.Equal($"<p>Decided by <ac:link><ri:user ri:userkey=\"{AliceKey}\" /></ac:link></p>", translated.Body);
        Assert.False(kept.Changed);
        Assert.Equal(TranslationWarningCodes.AdfExtensionWithoutFallback, Assert.Single(kept.Warnings).Code);
    }

    [Fact]
    public void Going_to_cloud_cloud_markup_is_left_as_it_is()
    {
        var body = "<table data-layout=\"default\" local-id=\"x1\"><tbody><tr><td><p>1</p></td></tr></tbody></table>" + NotePanel;

        var result = ToCloud(body);

        Assert.False(result.Changed);
        Assert.Same(body, result.Body);
    }

    [Fact]
    public void The_seeded_cloud_tick_becomes_the_data_center_tick_without_a_warning()
    {
        var result = ToDataCenter("<p>Status <ac:emoticon ac:name=\"tick\" ac:emoji-shortname=\":check_mark:\" ac:emoji-id=\"atlassian-check_mark\" ac:emoji-fallback=\":check_mark:\" /> done.</p>");

        Assert.Equal("<p>Status <ac:emoticon ac:name=\"tick\" /> done.</p>", result.Body);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void An_emoji_carried_by_the_default_name_becomes_its_emoticon_or_its_text()
    {
        var smile = ToDataCenter("<p><ac:emoticon ac:name=\"blue-star\" ac:emoji-shortname=\":slight_smile:\" ac:emoji-id=\"1f642\" ac:emoji-fallback=\"🙂\" /></p>");
        var rocket = ToDataCenter("<p>Go <ac:emoticon ac:name=\"blue-star\" ac:emoji-shortname=\":rocket:\" ac:emoji-id=\"1f680\" ac:emoji-fallback=\"🚀\" /></p>");
        var custom = ToDataCenter("<p><ac:emoticon ac:name=\"blue-star\" ac:emoji-shortname=\":partyparrot:\" ac:emoji-id=\"abc-123\" /></p>");

        Assert.Equal("<p><ac:emoticon ac:name=\"smile\" /></p>", smile.Body);
        Assert.Equal(TranslationWarningCodes.EmojiReplaced, Assert.Single(smile.Warnings).Code);
        Assert.Equal("<p>Go 🚀</p>", rocket.Body);
        Assert.Contains("🚀", Assert.Single(rocket.Warnings).Message);
        Assert.Equal("<p>:partyparrot:</p>", custom.Body);
    }

    [Fact]
    public void A_real_blue_star_stays_a_blue_star()
    {
        var result = ToDataCenter("<p><ac:emoticon ac:name=\"blue-star\" ac:emoji-shortname=\":blue_star:\" ac:emoji-id=\"atlassian-blue_star\" ac:emoji-fallback=\":blue_star:\" /></p>");

        Assert.Equal("<p><ac:emoticon ac:name=\"blue-star\" /></p>", result.Body);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Cloud_presentation_attributes_local_ids_and_task_uuids_are_dropped_and_summed_up_and_editor_defaults_silently()
    {
        var body = "<h1 local-id=\"a\">T</h1><table data-layout=\"default\" data-table-width=\"760\" local-id=\"b\"><tbody><tr><td><p>1</p></td></tr></tbody></table>" +
                   "<table data-layout=\"wide\"><tbody><tr><td><p>2</p></td></tr></tbody></table>" +
                   "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-uuid>0b5a1c1e-0000-4000-8000-000000000001</ac:task-uuid><ac:task-status>complete</ac:task-status><ac:task-body>Do</ac:task-body></ac:task></ac:task-list>" +
                   "<ac:layout><ac:layout-section ac:type=\"single\" ac:breakout-mode=\"wide\"><ac:layout-cell><p>x</p></ac:layout-cell></ac:layout-section></ac:layout>";

        var result = ToDataCenter(body);

        Assert.Equal("<h1>T</h1><table><tbody><tr><td><p>1</p></td></tr></tbody></table><table><tbody><tr><td><p>2</p></td></tr></tbody></table>" +
                     "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>Do</ac:task-body></ac:task></ac:task-list>" +
                     "<ac:layout><ac:layout-section ac:type=\"single\"><ac:layout-cell><p>x</p></ac:layout-cell></ac:layout-section></ac:layout>", result.Body);
        Assert.Equal(
            new[]
            {
                (TranslationWarningCodes.LocalIdsDropped, "local-id"),
                (TranslationWarningCodes.CloudAttributeDropped, "ac:breakout-mode"),
                (TranslationWarningCodes.CloudAttributeDropped, "data-layout"),
                (TranslationWarningCodes.TaskUuidDropped, "ac:task-uuid"),
            },
            result.Warnings.Select(w => (w.Code, w.Element)));
        Assert.Contains("2 local-id attributes", result.Warnings[0].Message);
        // Only the wide layout was a choice: the editor's defaults (layout "default", width 760) go without a word.
        Assert.Contains("1 data-layout attribute:", result.Warnings[2].Message);
    }

    [Fact]
    public void Macros_the_target_lacks_are_reported_once_and_kept()
    {
        var body = "<p><ac:structured-macro ac:name=\"jira\" ac:schema-version=\"1\"><ac:parameter ac:name=\"key\">OPS-1</ac:parameter></ac:structured-macro></p>" +
                   "<ac:structured-macro ac:name=\"jira\"><ac:parameter ac:name=\"key\">OPS-2</ac:parameter></ac:structured-macro>" +
                   "<ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>i</p></ac:rich-text-body></ac:structured-macro>";
        var context = new TranslationContext(Users, Pages, SpaceKeys) { CloudMacros = new HashSet<string> { "info", "code" } };

        var result = ToCloud(body, context);
        var unchecked_ = ToCloud(body);

        Assert.Same(body, result.Body);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(TranslationWarningCodes.MacroMissingOnTarget, warning.Code);
        Assert.Equal("<ac:structured-macro ac:name=\"jira\">", warning.Element);
        Assert.Contains("Cloud", warning.Message);
        Assert.Empty(unchecked_.Warnings);
        Assert.Empty(ToDataCenter(body, context).Warnings); // the Cloud list says nothing about Data Center
    }

    [Fact]
    public void A_cloud_page_crossing_to_data_center_and_back_settles_after_one_crossing()
    {
        var body = "<p local-id=\"1\">Status <ac:emoticon ac:name=\"tick\" ac:emoji-shortname=\":check_mark:\" ac:emoji-id=\"atlassian-check_mark\" ac:emoji-fallback=\":check_mark:\" /></p>" + NotePanel;

        var dc = ToDataCenter(body).Body;
        var cloud = ToCloud(dc).Body;
        var dcAgain = ToDataCenter(cloud);

        Assert.Equal(ContentNormalizer.Normalize(dc), ContentNormalizer.Normalize(dcAgain.Body));
        Assert.Empty(dcAgain.Warnings);
    }
}
