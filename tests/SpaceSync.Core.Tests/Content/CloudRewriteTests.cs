using System.Globalization;
using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Merge;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.Content.Translation;
using SpaceSync.Core.Tests.Sync.Comments;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Cloud;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using Xunit;
using static SpaceSync.Core.Tests.Content.BodyGenerator;

namespace SpaceSync.Core.Tests.Content;

/// <summary>
/// Cloud stores a body converted to its editor's format (the emulator's <see cref="CloudEditorConversion"/>: local ids,
/// table and macro attributes, task ids, attribute order, empty elements). Over seeded and generated bodies: what Cloud
/// stores compares equal to what was written (a write read back is no change), writing it back changes nothing, and a
/// later edit on each side merges against the base block by block without a false conflict.
/// </summary>
public sealed class CloudRewriteTests : IDisposable
{
    private const long Offset = 7_000_000_000;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly EmulatorState _cloud = new(EmulatorFlavor.Cloud);
    private readonly List<EmulatorState> _seeded = new();

    public void Dispose()
    {
        _cloud.Dispose();
        foreach (var state in _seeded) state.Dispose();
    }

    /// <summary>The body as Cloud stores it when it is written (refusals are not this test's subject).</summary>
    private string StoredByCloud(string body) => CloudEditorConversion.Store(_cloud, body, checkRefusals: false);

    private static Task<string> Hash(string body, SyncSide side, IBodyTranslator translator) =>
        SnapshotReader.CanonicalHashAsync(body, side, "page", translator, EngineLog.None, None);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_seeded_data_center_page_written_to_cloud_reads_back_as_no_change(int seed)
    {
        var (pages, translator) = SeededDataCenter(seed);
        foreach (var page in pages)
        {
            var body = page.Current.Body;
            var written = (await translator.TranslateAsync(body, SyncSide.DataCenter, None)).Body;
            var stored = StoredByCloud(written);

            Assert.NotEqual(written, stored); // Cloud did rewrite it (every block gets a local id)
            Assert.True(await Hash(body, SyncSide.DataCenter, translator) == await Hash(stored, SyncSide.Cloud, translator),
                $"page {page.Id}:\nwritten {written}\nstored  {stored}");
            // Written back unedited (a move, a title change, a restore): Cloud stores the same string, ids and all.
            Assert.Equal(stored, StoredByCloud(stored));
        }
    }

    [Fact]
    public async Task Generated_bodies_in_any_spelling_written_to_cloud_read_back_as_no_change()
    {
        var translator = new StorageBodyTranslator(new StorageTranslator(TranslationWorld.For(LinkTargets.Standard)));
        var withoutSchemaVersion = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var page = new BodyGenerator(seed, BodyFlavor.DataCenter, LinkTargets.Standard);
            var body = page.Render(new Random(seed));
            // Bodies written to Data Center by other tools often leave the macro's schema version out; Data Center keeps them so.
            if (seed % 3 == 0 && body.Contains("ac:schema-version", StringComparison.Ordinal))
            {
                body = body.Replace(" ac:schema-version=\"1\"", "", StringComparison.Ordinal);
                withoutSchemaVersion++;
            }

            var stored = StoredByCloud((await translator.TranslateAsync(body, SyncSide.DataCenter, None)).Body);
            Assert.True(await Hash(body, SyncSide.DataCenter, translator) == await Hash(stored, SyncSide.Cloud, translator),
                $"seed {seed}:\n{body}\n{stored}");
        }
        Assert.True(withoutSchemaVersion > 20, $"only {withoutSchemaVersion} bodies had a macro without its schema version");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task An_edit_on_each_side_of_a_page_cloud_rewrote_merges_without_a_false_conflict(int seed)
    {
        var (pages, translator) = SeededDataCenter(seed);
        var merged = 0;
        foreach (var page in pages)
        {
            var body = page.Current.Body;
            // Data Center edits inside a block Cloud rewrote (table, macro, task list, list); Cloud retitles the heading
            // and adds a paragraph, in its own editor (so that edit is stored converted too).
            var inside = new[] { "<td><p>k0</p>", "Remember to review this page quarterly.", "Follow up 1", "Point 1 " }
                .FirstOrDefault(s => body.Contains(s, StringComparison.Ordinal));
            if (inside is null || !body.StartsWith("<h1>", StringComparison.Ordinal)) continue;
            var dcEdit = ReplaceFirst(body, inside, inside.Replace("k0", "k0 (DC)").Replace("quarterly.", "monthly.")
                .Replace("Follow up 1", "Follow up 1 (DC)").Replace("Point 1 ", "Point 1 (DC) "));
            var onCloud = StoredByCloud((await translator.TranslateAsync(body, SyncSide.DataCenter, None)).Body);
            var heading = onCloud.IndexOf("</h1>", StringComparison.Ordinal);
            var cloudEdit = StoredByCloud(onCloud[..heading] + " (Cloud)" + onCloud[heading..] + "<p>Added on Cloud.</p>");

            var baseBody = SnapshotReader.NormalizedOrRaw(body); // the pair's base: Data Center dialect, normalized
            var result = BlockMerge.Merge(
                await SnapshotReader.CanonicalBodyAsync(baseBody, SyncSide.DataCenter, translator, None),
                await SnapshotReader.CanonicalBodyAsync(dcEdit, SyncSide.DataCenter, translator, None),
                await SnapshotReader.CanonicalBodyAsync(cloudEdit, SyncSide.Cloud, translator, None));

            Assert.True(result.Clean, $"page {page.Id}: {string.Join("; ", result.Conflicts.Select(c => c.Describe()))}\n{body}\n{cloudEdit}");
            Assert.Contains(" (Cloud)</h1>", result.Body, StringComparison.Ordinal);
            Assert.Contains("<p>Added on Cloud.</p>", result.Body, StringComparison.Ordinal);
            Assert.True(result.Body!.Contains("(DC)", StringComparison.Ordinal) || result.Body.Contains("monthly.", StringComparison.Ordinal));
            Assert.DoesNotContain("local-id", result.Body, StringComparison.Ordinal);
            merged++;
        }
        Assert.True(merged > 10, $"only {merged} seeded pages had a block to edit");
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return text[..at] + with + text[(at + what.Length)..];
    }

    private (IReadOnlyList<Page> Pages, IBodyTranslator Translator) SeededDataCenter(int seed)
    {
        var state = new EmulatorState(EmulatorFlavor.DataCenter);
        _seeded.Add(state);
        Seeder.Seed(state, "ENG", 60, seed);
        var pages = state.GetPages("ENG");
        var context = SeededBodyTests.Context(state, pages.Select(p => new PagePair(
            new PageLocation(p.Id.ToString(CultureInfo.InvariantCulture), "ENG"),
            new PageLocation((p.Id + Offset).ToString(CultureInfo.InvariantCulture), "ENG2"))));
        return (pages, new StorageBodyTranslator(new StorageTranslator(context)));
    }
}
