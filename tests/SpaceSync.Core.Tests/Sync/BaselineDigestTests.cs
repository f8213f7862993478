using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.Content;
using SpaceSync.Core.Tests.Content.Translation;
using Xunit;
using static SpaceSync.Core.Tests.Content.BodyGenerator;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// The baseline hashes a body and takes its base from one parse (<see cref="SnapshotReader.DigestAsync"/>): the stored
/// hashes and bases must be byte for byte those of the string path (a crossing written out and parsed again per step).
/// </summary>
public sealed class BaselineDigestTests
{
    /// <summary>Crosses strings and parsed nodes with the same translator, as the run's translation does.</summary>
    private sealed class TreeTranslator(StorageTranslator translator) : IBodyTranslator, INodeTranslator
    {
        public Task<TranslationResult> TranslateAsync(string storageBody, SyncSide from, CancellationToken cancellationToken) =>
            Task.FromResult(translator.Translate(storageBody, Direction(from)));

        public Task<IReadOnlyList<StorageNode>> TranslateNodesAsync(IReadOnlyList<StorageNode> nodes, bool mentionsUsers, SyncSide from,
            CancellationToken cancellationToken) => Task.FromResult(translator.TranslateNodes(nodes, Direction(from)));

        private static TranslationDirection Direction(SyncSide from) =>
            from == SyncSide.DataCenter ? TranslationDirection.DataCenterToCloud : TranslationDirection.CloudToDataCenter;
    }

    /// <summary>The string path only (no <see cref="INodeTranslator"/>): what the baseline did before.</summary>
    private sealed class StringTranslator(StorageTranslator translator) : IBodyTranslator
    {
        public Task<TranslationResult> TranslateAsync(string storageBody, SyncSide from, CancellationToken cancellationToken) =>
            Task.FromResult(translator.Translate(storageBody,
                from == SyncSide.DataCenter ? TranslationDirection.DataCenterToCloud : TranslationDirection.CloudToDataCenter));
    }

    // Crossings that turn elements into text next to text, or into nothing: the shapes a parse would join.
    private static readonly string[] Tricky =
    {
        $"<p>Ask <ac:link><ri:user ri:userkey=\"{TranslationWorld.CarolKey}\" /></ac:link> or <ac:link><ri:user ri:userkey=\"{TranslationWorld.AliceKey}\" /></ac:link> today.</p>",
        $"<p>a <ac:link><ri:user ri:account-id=\"{TranslationWorld.DaveAccount}\" /></ac:link>  b <ri:user ri:account-id=\"{TranslationWorld.DaveAccount}\" /> c</p>",
        "<p>one <ac:inline-comment-marker ac:ref=\"r1\"> two </ac:inline-comment-marker> three</p><p><ac:inline-comment-marker ac:ref=\"r2\"></ac:inline-comment-marker>x</p>",
        "<p>smile <ac:emoticon ac:name=\"blue-star\" ac:emoji-shortname=\":nonesuch:\" ac:emoji-id=\"zz\" ac:emoji-fallback=\"\" /> done</p>",
        "<p>star <ac:emoticon ac:name=\"blue-star\" ac:emoji-shortname=\":grinning:\" ac:emoji-id=\"1f600\" ac:emoji-fallback=\"😀\" /></p>",
        "<ac:adf-extension><ac:adf-node type=\"panel\"><ac:adf-content><p>x</p></ac:adf-content></ac:adf-node><ac:adf-fallback>text <p>y</p> more</ac:adf-fallback></ac:adf-extension> tail",
        "<table data-layout=\"wide\" data-table-width=\"900\"><tbody><tr><td><p local-id=\"a1\">cell</p></td></tr></tbody></table>",
        "<ul><li><p>x</p><ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-uuid>u</ac:task-uuid><ac:task-status>incomplete</ac:task-status><ac:task-body>do</ac:task-body></ac:task></ac:task-list></li></ul>",
        "<p>not <b>closed</p>",
        "<p>&nbsp;&eacute;&#233; <ac:link><ri:page ri:content-title=\"T\" ri:space-key=\"ENG\" /></ac:link></p>",
    };

    [Theory]
    [InlineData(SyncSide.DataCenter)]
    [InlineData(SyncSide.Cloud)]
    public async Task One_parse_gives_the_hash_and_base_the_string_path_gives(SyncSide side)
    {
        var worlds = new[] { new StorageTranslator(TranslationWorld.Context()), new StorageTranslator(TranslationWorld.For(LinkTargets.Standard)) };
        var flavor = side == SyncSide.DataCenter ? BodyFlavor.DataCenter : BodyFlavor.Cloud;
        var bodies = new List<string>(Tricky);
        for (var seed = 0; seed < 200; seed++)
        {
            var page = new BodyGenerator(seed, flavor, LinkTargets.Standard);
            bodies.Add(page.Render(null));
            bodies.Add(page.Render(new Random(seed)));
        }

        var compared = 0;
        foreach (var translator in worlds)
        {
            foreach (var body in bodies)
            {
                foreach (IBodyTranslator? stringPath in new IBodyTranslator?[] { null, new StringTranslator(translator) })
                {
                    var treePath = stringPath is null ? null : new TreeTranslator(translator);
                    var expectedHash = await SnapshotReader.CanonicalHashAsync(body, side, "1", stringPath, EngineLog.None, default);
                    var (hash, baseBody) = await SnapshotReader.DigestAsync(body, side, "1", treePath, withBase: true, EngineLog.None, default);
                    Assert.True(expectedHash == hash, $"{side} hash differs for\n{body}");
                    Assert.True(SnapshotReader.NormalizedOrRaw(body) == baseBody, $"{side} base differs for\n{body}");
                    compared++;
                }
            }
        }
        Assert.Equal(worlds.Length * bodies.Count * 2, compared);
    }

    [Fact]
    public async Task A_body_is_parsed_once_for_its_hash_and_base()
    {
        var translator = new TreeTranslator(new StorageTranslator(TranslationWorld.Context()));
        using var counter = StorageDocument.CountParses();
        await SnapshotReader.DigestAsync(Tricky[0], SyncSide.Cloud, "1", translator, withBase: true, EngineLog.None, default);
        Assert.Equal(1, counter.Count);
    }
}
