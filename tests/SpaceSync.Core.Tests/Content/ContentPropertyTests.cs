using SpaceSync.Core.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

public class ContentPropertyTests
{
    private const int Bodies = 400;

    [Fact]
    public void Cosmetic_perturbations_never_change_the_hash_and_a_changed_word_always_does()
    {
        var perturbedDiffered = 0;
        var wordChanges = 0;
        for (var seed = 0; seed < Bodies; seed++)
        {
            var page = new BodyGenerator(seed);
            var plain = page.Render(null);
            var normalized = ContentNormalizer.Normalize(plain);
            var hash = ContentHash.Of(normalized);

            Assert.True(normalized == ContentNormalizer.Normalize(normalized), $"seed {seed}: normalize is not idempotent for {plain}");

            for (var variant = 1; variant <= 2; variant++)
            {
                var perturbed = page.Render(new Random(seed * 31 + variant));
                if (perturbed != plain) perturbedDiffered++;
                var perturbedNormalized = ContentNormalizer.Normalize(perturbed);
                Assert.True(normalized == perturbedNormalized,
                    $"seed {seed} variant {variant}:\n{plain}\n{perturbed}\n{normalized}\n{perturbedNormalized}");
                Assert.Equal(hash, ContentHash.Of(perturbedNormalized));
            }

            var words = page.FlowWordCount;
            if (words == 0) continue; // only code, tables of macros and the like: nothing to reword
            wordChanges++;
            var changed = page.Render(null, changeWord: new Random(seed).Next(words));
            Assert.True(hash != ContentHash.OfBody(changed), $"seed {seed}: changed word not seen:\n{plain}\n{changed}");
        }
        // the perturbations must actually perturb, or the test above proves nothing
        Assert.True(perturbedDiffered > Bodies * 2 * 9 / 10, $"only {perturbedDiffered} perturbed renderings differed");
        Assert.True(wordChanges > Bodies * 3 / 4, $"only {wordChanges} bodies had a word to change");
    }
}
