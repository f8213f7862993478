using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SpaceSync.Core.Content
{
    /// <summary>What <see cref="InlineMarkers.Keep"/> made of a body about to be written.</summary>
    /// <param name="Body">The body to write: the new one with the target's anchors put back (the same string when there were none).</param>
    /// <param name="Kept">Anchors put back.</param>
    /// <param name="Lost">The <c>ac:ref</c> of each anchor whose text the new body no longer has (once, unambiguously) in place.</param>
    public sealed record MarkerKeeping(string Body, int Kept, IReadOnlyList<string> Lost);

    /// <summary>
    /// The anchors of a site's inline comments (<c>&lt;ac:inline-comment-marker ac:ref="..."&gt;text&lt;/...&gt;</c>) across a
    /// body written over the page. The refs are the target site's own, and a body from the other site has none of them (the
    /// translator drops the source's), so writing it as it is would leave every inline comment of the target unanchored —
    /// Cloud shows them dangling, Data Center resolves them. <see cref="Keep"/> puts the target's anchors back: a block
    /// (paragraph, heading, list item, cell...) that holds a marker and is unchanged apart from its markers is written as the
    /// target has it, markers included; a marker whose block changed is wrapped again around its text when that text is
    /// still in the new body exactly once outside the kept blocks. Pure: no I/O.
    /// </summary>
    public static class InlineMarkers
    {
        /// <summary>Whether the body holds any inline comment marker (a cheap look before parsing).</summary>
        public static bool Has(string? body) => body != null && body.IndexOf(StorageVocabulary.InlineCommentMarker, StringComparison.Ordinal) >= 0;

        /// <summary>
        /// <paramref name="written"/> (what is about to be written, in the target's dialect) with the anchors of
        /// <paramref name="current"/> (the target page's body as it is now) put back. A body that does not parse is returned
        /// as it is, its anchors counted lost.
        /// </summary>
        public static MarkerKeeping Keep(string written, string current)
        {
            if (written is null) throw new ArgumentNullException(nameof(written));
            if (!Has(current)) return new MarkerKeeping(written, 0, Array.Empty<string>());
            StorageDocument target;
            StorageDocument fresh;
            try
            {
                target = StorageDocument.Parse(current);
                fresh = StorageDocument.Parse(written);
            }
            catch (StorageFormatException)
            {
                return new MarkerKeeping(written, 0, RefsIn(current));
            }

            // The innermost block around each marker, by its content without markers.
            var anchors = new List<(StorageElement Marker, StorageElement? Block)>();
            CollectMarkers(target.Nodes, null, anchors);
            var blocks = new Dictionary<string, Queue<StorageElement>>(StringComparer.Ordinal);
            foreach (var block in anchors.Select(a => a.Block).Where(b => b != null).Distinct())
            {
                var key = Key(block!);
                if (!blocks.TryGetValue(key, out var queue)) blocks[key] = queue = new Queue<StorageElement>();
                queue.Enqueue(block!);
            }

            var keptBlocks = new HashSet<StorageElement>();
            var names = new HashSet<string>(anchors.Where(a => a.Block != null).Select(a => a.Block!.Name), StringComparer.Ordinal);
            var nodes = ReplaceBlocks(fresh.Nodes, blocks, names, keptBlocks);
            var kept = anchors.Count(a => a.Block != null && keptBlocks.Contains(a.Block));
            var lost = new List<string>();
            foreach (var (marker, block) in anchors)
            {
                if (block != null && keptBlocks.Contains(block)) continue;
                if (Rewrap(nodes, marker, keptBlocks)) kept++;
                else lost.Add(marker.Attribute("ac:ref") ?? "");
            }

            return kept == 0 ? new MarkerKeeping(written, 0, lost) : new MarkerKeeping(StorageWriter.Write(nodes), kept, lost);
        }

        private static void CollectMarkers(IReadOnlyList<StorageNode> nodes, StorageElement? block, List<(StorageElement, StorageElement?)> found)
        {
            foreach (var node in nodes)
            {
                if (node is not StorageElement e) continue;
                if (e.Name == StorageVocabulary.InlineCommentMarker) found.Add((e, block));
                CollectMarkers(e.Children, StorageVocabulary.IsBlock(e.Name) ? e : block, found);
            }
        }

        // The compared form: markers, whitespace and cosmetic attributes do not count (ContentNormalizer).
        private static string Key(StorageElement block) =>
            ContentNormalizer.Canonicalize(new StorageDocument(new StorageNode[] { block })).ToStorageFormat();

        /// <param name="names">Element names of the blocks that hold markers: only those are compared (a canonical form each).</param>
        private static List<StorageNode> ReplaceBlocks(IReadOnlyList<StorageNode> nodes, Dictionary<string, Queue<StorageElement>> blocks,
            HashSet<string> names, HashSet<StorageElement> kept)
        {
            var result = new List<StorageNode>(nodes.Count);
            foreach (var node in nodes)
            {
                if (node is StorageElement e && StorageVocabulary.IsBlock(e.Name))
                {
                    if (names.Contains(e.Name) && blocks.TryGetValue(Key(e), out var queue) && queue.Count > 0)
                    {
                        var theirs = queue.Dequeue();
                        kept.Add(theirs);
                        result.Add(theirs);
                        continue;
                    }

                    result.Add(new StorageElement(e.Name, e.Attributes, ReplaceBlocks(e.Children, blocks, names, kept)));
                }
                else if (node is StorageElement inline && !StorageVocabulary.PreservesWhitespace(inline.Name))
                {
                    result.Add(new StorageElement(inline.Name, inline.Attributes, ReplaceBlocks(inline.Children, blocks, names, kept)));
                }
                else result.Add(node);
            }

            return result;
        }

        /// <summary>
        /// Wraps the marker's text again where the new body has it exactly once (outside blocks kept from the target, code and
        /// other markers); false when its content is not plain text, or the text is gone or ambiguous.
        /// </summary>
        private static bool Rewrap(List<StorageNode> nodes, StorageElement marker, HashSet<StorageElement> kept)
        {
            if (marker.Children.Count != 1 || marker.Children[0] is not StorageText only || only.Text.Trim().Length == 0) return false;
            var text = only.Text;
            var hits = new List<(List<StorageNode> Owner, int Index, int At)>();
            FindText(nodes, text, kept, hits);
            if (hits.Count != 1) return false;
            var (owner, index, at) = hits[0];
            var original = ((StorageText)owner[index]).Text;
            var replacement = new List<StorageNode>();
            if (at > 0) replacement.Add(new StorageText(original.Substring(0, at)));
            replacement.Add(new StorageElement(marker.Name, marker.Attributes, new StorageNode[] { new StorageText(text) }));
            if (at + text.Length < original.Length) replacement.Add(new StorageText(original.Substring(at + text.Length)));
            owner.RemoveAt(index);
            owner.InsertRange(index, replacement);
            return true;
        }

        // Only lists this class built (ReplaceBlocks makes every child list a List), so a hit can be split in place.
        private static void FindText(List<StorageNode> nodes, string text, HashSet<StorageElement> kept, List<(List<StorageNode>, int, int)> hits)
        {
            for (var i = 0; i < nodes.Count && hits.Count < 2; i++)
            {
                switch (nodes[i])
                {
                    case StorageText t:
                        for (var at = t.Text.IndexOf(text, StringComparison.Ordinal); at >= 0 && hits.Count < 2;
                             at = t.Text.IndexOf(text, at + 1, StringComparison.Ordinal))
                            hits.Add((nodes, i, at));
                        break;
                    case StorageElement e when !kept.Contains(e) && e.Name != StorageVocabulary.InlineCommentMarker &&
                                               !StorageVocabulary.PreservesWhitespace(e.Name) && e.Children is List<StorageNode> children:
                        FindText(children, text, kept, hits);
                        break;
                }
            }
        }

        private static readonly Regex MarkerRef = new Regex("<" + Regex.Escape(StorageVocabulary.InlineCommentMarker) + "\\b[^>]*?\\bac:ref=\"([^\"]*)\"",
            RegexOptions.CultureInvariant);

        private static IReadOnlyList<string> RefsIn(string body) => MarkerRef.Matches(body).Cast<Match>().Select(m => m.Groups[1].Value).ToList();
    }
}
