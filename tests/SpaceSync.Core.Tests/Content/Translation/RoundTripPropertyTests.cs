using System.Text.RegularExpressions;
using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using Xunit;
using static SpaceSync.Core.Tests.Content.BodyGenerator;

namespace SpaceSync.Core.Tests.Content.Translation;

/// <summary>No ping-pong: a body that crosses and comes back unedited is the body that left.</summary>
public class RoundTripPropertyTests
{
    private const int Bodies = 400;
    private static readonly LinkTargets Targets = LinkTargets.Standard;
    private static readonly StorageTranslator Translator = new(TranslationWorld.For(Targets));

    private static readonly Regex DataCenterForms = new("ri:userkey=|ri:username=|viewpage\\.action|ri:space-key=\"ENG\"", RegexOptions.CultureInvariant);
    private static readonly Regex CloudForms = new("ri:account-id=|/wiki/spaces/|ri:space-key=\"ENG2\"", RegexOptions.CultureInvariant);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_body_that_crosses_and_comes_back_is_unchanged(bool fromDataCenter)
    {
        var flavor = fromDataCenter ? BodyFlavor.DataCenter : BodyFlavor.Cloud;
        var (there, back) = Directions(flavor);
        var (sourceForms, targetForms) = flavor == BodyFlavor.DataCenter ? (DataCenterForms, CloudForms) : (CloudForms, DataCenterForms);
        var translated = 0;
        for (var seed = 0; seed < Bodies; seed++)
        {
            var page = new BodyGenerator(seed, flavor, Targets);
            foreach (var body in new[] { page.Render(null), page.Render(new Random(seed)) })
            {
                var crossed = Translator.Translate(body, there);
                var returned = Translator.Translate(crossed.Body, back);

                Assert.True(ContentNormalizer.Normalize(body) == ContentNormalizer.Normalize(returned.Body),
                    $"seed {seed}:\n{body}\n{crossed.Body}\n{returned.Body}");
                Assert.DoesNotContain(crossed.Warnings, w => w.Code != TranslationWarningCodes.LocalIdsDropped);
                Assert.DoesNotContain(returned.Warnings, w => w.Code != TranslationWarningCodes.LocalIdsDropped);
                Assert.False(sourceForms.IsMatch(crossed.Body), $"seed {seed}: source forms left in\n{crossed.Body}");
                Assert.Equal(sourceForms.Matches(body).Count, targetForms.Matches(crossed.Body).Count);
                if (crossed.Changed) translated++;
            }
        }
        // the bodies must actually carry references, or the round trip proves nothing
        Assert.True(translated > Bodies * 2 / 2, $"only {translated} of {Bodies * 2} bodies had anything to translate");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Translating_a_translated_body_again_changes_nothing(bool fromDataCenter)
    {
        var flavor = fromDataCenter ? BodyFlavor.DataCenter : BodyFlavor.Cloud;
        var (there, back) = Directions(flavor);
        for (var seed = 0; seed < Bodies; seed++)
        {
            var body = new BodyGenerator(seed, flavor, Targets).Render(new Random(seed + 7));
            var once = Translator.Translate(body, there);
            var twice = Translator.Translate(once.Body, there);
            var returned = Translator.Translate(once.Body, back);
            var returnedTwice = Translator.Translate(returned.Body, back);

            Assert.True(!twice.Changed, $"seed {seed}:\n{once.Body}\n{twice.Body}");
            Assert.Empty(twice.Warnings);
            Assert.True(!returnedTwice.Changed, $"seed {seed}:\n{returned.Body}\n{returnedTwice.Body}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cosmetic_differences_in_the_source_make_no_difference_in_the_translation(bool fromDataCenter)
    {
        var flavor = fromDataCenter ? BodyFlavor.DataCenter : BodyFlavor.Cloud;
        var (there, _) = Directions(flavor);
        for (var seed = 0; seed < Bodies; seed++)
        {
            var page = new BodyGenerator(seed, flavor, Targets);
            var plain = ContentNormalizer.Normalize(Translator.Translate(page.Render(null), there).Body);
            var perturbed = ContentNormalizer.Normalize(Translator.Translate(page.Render(new Random(seed * 31 + 1)), there).Body);

            Assert.True(plain == perturbed, $"seed {seed}:\n{plain}\n{perturbed}");
        }
    }

    [Fact]
    public void With_people_and_pages_missing_on_cloud_a_body_settles_after_one_crossing()
    {
        // half the users have left, and half the pages are not paired
        var partial = new TranslationContext(
            new UserMap(
                Targets.Users.Select((u, i) => new DataCenterUser(u.UserKey, "user" + i, $"user{i}@example.com", "User " + i)),
                Targets.Users.Where((_, i) => i % 2 == 0).Select((u, i) => new CloudUser(u.AccountId, $"user{i * 2}@example.com", "User " + i * 2))),
            new PageMap(Targets.Pages.Where((_, i) => i % 2 == 0)
                .Select(p => new PagePair(new PageLocation(p.DataCenterId, "ENG"), new PageLocation(p.CloudId, "ENG2")))),
            new Dictionary<string, string> { ["ENG"] = "ENG2" });
        var translator = new StorageTranslator(partial);
        var warned = 0;
        for (var seed = 0; seed < Bodies; seed++)
        {
            var body = new BodyGenerator(seed, BodyFlavor.DataCenter, Targets).Render(null);
            var cloud = translator.Translate(body, TranslationDirection.DataCenterToCloud);
            var dc = translator.Translate(cloud.Body, TranslationDirection.CloudToDataCenter);
            var cloudAgain = translator.Translate(dc.Body, TranslationDirection.DataCenterToCloud);
            var dcAgain = translator.Translate(cloudAgain.Body, TranslationDirection.CloudToDataCenter);

            if (cloud.Warnings.Count > 0) warned++;
            Assert.All(cloud.Warnings, w => Assert.Contains(w.Code, new[] { TranslationWarningCodes.UserNotMapped, TranslationWarningCodes.PageNotPaired }));
            Assert.Equal(ContentNormalizer.Normalize(cloud.Body), ContentNormalizer.Normalize(cloudAgain.Body));
            Assert.Equal(ContentNormalizer.Normalize(dc.Body), ContentNormalizer.Normalize(dcAgain.Body));
            // a missing person is never left as a mention that points at nobody
            Assert.DoesNotContain("ri:userkey", cloud.Body);
        }
        Assert.True(warned > Bodies / 4, $"only {warned} bodies referred to something missing");
    }

    private static (TranslationDirection There, TranslationDirection Back) Directions(BodyFlavor flavor) =>
        flavor == BodyFlavor.DataCenter
            ? (TranslationDirection.DataCenterToCloud, TranslationDirection.CloudToDataCenter)
            : (TranslationDirection.CloudToDataCenter, TranslationDirection.DataCenterToCloud);
}
