using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using Xunit;
using static SpaceSync.Core.Tests.Content.Translation.TranslationWorld;

namespace SpaceSync.Core.Tests.Content.Translation;

public class MentionTranslationTests
{
    [Fact]
    public void A_data_center_mention_by_user_key_becomes_a_mention_by_account_id()
    {
        var result = ToCloud($"<p>Owner: <ac:link><ri:user ri:userkey=\"{AliceKey}\" /></ac:link></p>");

        Assert.Equal($"<p>Owner: <ac:link><ri:user ri:account-id=\"{AliceAccount}\" /></ac:link></p>", result.Body);
        Assert.True(result.Changed);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_legacy_mention_by_username_becomes_a_mention_by_account_id()
    {
        var result = ToCloud($"<p><ac:link><ri:user ri:username=\"{AliceName}\" /></ac:link></p>");

        Assert.Equal($"<p><ac:link><ri:user ri:account-id=\"{AliceAccount}\" /></ac:link></p>", result.Body);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_cloud_mention_becomes_a_mention_by_user_key_and_drops_its_local_id()
    {
        var result = ToDataCenter($"<p><ac:link><ri:user ri:local-id=\"a1b2\" ri:account-id=\"{BobAccount}\" /></ac:link></p>");

        Assert.Equal($"<p><ac:link><ri:user ri:userkey=\"{BobKey}\" /></ac:link></p>", result.Body);
        Assert.Equal(TranslationWarningCodes.LocalIdsDropped, Assert.Single(result.Warnings).Code);
    }

    [Fact]
    public void A_mention_of_someone_missing_on_the_target_becomes_their_name_as_text_with_a_warning()
    {
        var body = $"<p>Ask <ac:link><ri:user ri:userkey=\"{CarolKey}\" /></ac:link> or <ac:link><ri:user ri:userkey=\"{CarolKey}\" /></ac:link>.</p>";

        var result = ToCloud(body);

        Assert.Equal("<p>Ask Carol Chen or Carol Chen.</p>", result.Body);
        var warning = Assert.Single(result.Warnings); // the same person twice is one warning
        Assert.Equal(TranslationWarningCodes.UserNotMapped, warning.Code);
        Assert.Equal($"<ac:link><ri:user ri:userkey=\"{CarolKey}\" /></ac:link>", warning.Element);
        Assert.Contains(CarolKey, warning.Message);
        Assert.Contains("Carol Chen", warning.Message);
    }

    [Fact]
    public void A_cloud_only_user_becomes_their_name_on_data_center()
    {
        var result = ToDataCenter($"<p>Thanks <ac:link><ri:user ri:account-id=\"{DaveAccount}\" /></ac:link>!</p>");

        Assert.Equal("<p>Thanks Dave Dunn!</p>", result.Body);
        Assert.Equal(TranslationWarningCodes.UserNotMapped, Assert.Single(result.Warnings).Code);
    }

    [Fact]
    public void A_user_nobody_knows_becomes_the_link_text_or_else_the_id()
    {
        var withBody = ToCloud("<p><ac:link><ri:user ri:userkey=\"ffff\" /><ac:plain-text-link-body><![CDATA[Eve Evans]]></ac:plain-text-link-body></ac:link></p>");
        var bare = ToCloud("<p><ac:link><ri:user ri:username=\"eve\" /></ac:link></p>");

        Assert.Equal("<p>Eve Evans</p>", withBody.Body);
        Assert.Equal("<p>eve</p>", bare.Body);
        Assert.Equal(TranslationWarningCodes.UserNotMapped, Assert.Single(bare.Warnings).Code);
    }

    [Fact]
    public void A_user_outside_a_link_is_translated_too()
    {
        var body = $"<ac:structured-macro ac:name=\"profile\"><ac:parameter ac:name=\"user\"><ri:user ri:userkey=\"{BobKey}\" /></ac:parameter></ac:structured-macro>";

        var result = ToCloud(body);

        Assert.Equal(body.Replace($"ri:userkey=\"{BobKey}\"", $"ri:account-id=\"{BobAccount}\""), result.Body);
    }

    [Fact]
    public void Mentions_already_in_the_target_form_are_left_alone()
    {
        var cloud = $"<p><ac:link><ri:user ri:account-id=\"{AliceAccount}\" /></ac:link></p>";
        var dc = $"<p><ac:link><ri:user ri:userkey=\"{CarolKey}\" /></ac:link></p>";

        var toCloud = ToCloud(cloud);
        var toDc = ToDataCenter(dc);

        Assert.False(toCloud.Changed);
        Assert.Same(cloud, toCloud.Body);
        Assert.False(toDc.Changed);
        Assert.Empty(toDc.Warnings);
    }

    [Fact]
    public void A_task_assigned_by_mention_keeps_its_task_and_moves_the_assignee()
    {
        var body = $"<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Review <ac:link><ri:user ri:userkey=\"{AliceKey}\" /></ac:link></ac:task-body></ac:task></ac:task-list>";

        var there = ToCloud(body);
        var back = ToDataCenter(there.Body);

        Assert.Contains($"ri:account-id=\"{AliceAccount}\"", there.Body);
        Assert.Equal(ContentNormalizer.Normalize(body), ContentNormalizer.Normalize(back.Body));
    }
}
