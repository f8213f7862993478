using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Content.Merge
{
    /// <summary>Where the two sides' edits of one merge collide: the base's blocks there and what each side made of them.</summary>
    public sealed record MergeConflict(int Position, IReadOnlyList<string> Base, IReadOnlyList<string> DataCenter, IReadOnlyList<string> Cloud);

    /// <summary>The outcome of a three-way merge: the merged body when clean, else the collisions (and no body).</summary>
    public sealed record MergeResult(string? Body, IReadOnlyList<MergeConflict> Conflicts)
    {
        public bool Clean => Conflicts.Count == 0;
    }

    /// <summary>
    /// Three-way merge of storage bodies, block by block (issue 5, first slice: the top-level blocks of a body — paragraphs,
    /// headings, lists, tables, macros — each compared whole in canonical form). A diff3 over the block sequences: where
    /// only one side changed a run of blocks, that side's blocks win; where both changed it alike, the change is taken
    /// once; where both changed it differently (or both inserted at the same place), it is a conflict and no body is made.
    /// Pure: no I/O. Both sides must be in one dialect (translate Cloud's body to Data Center's first).
    /// </summary>
    public static class BlockMerge
    {
        /// <exception cref="StorageFormatException">A body is not well-formed storage format.</exception>
        public static MergeResult Merge(string baseBody, string dataCenter, string cloud)
        {
            var o = Blocks(baseBody ?? throw new ArgumentNullException(nameof(baseBody)));
            var a = Blocks(dataCenter ?? throw new ArgumentNullException(nameof(dataCenter)));
            var b = Blocks(cloud ?? throw new ArgumentNullException(nameof(cloud)));
            var keysO = o.Select(n => n.Key).ToList();
            var keysA = a.Select(n => n.Key).ToList();
            var keysB = b.Select(n => n.Key).ToList();
            var matchA = Matches(keysO, keysA);
            var matchB = Matches(keysO, keysB);

            var merged = new List<StorageNode>();
            var conflicts = new List<MergeConflict>();
            int io = 0, ia = 0, ib = 0;
            while (true)
            {
                // The next base block both sides kept, in order: a stable anchor.
                var next = io;
                while (next < o.Count && !(matchA[next] >= ia && matchB[next] >= ib)) next++;
                var endA = next < o.Count ? matchA[next] : a.Count;
                var endB = next < o.Count ? matchB[next] : b.Count;
                Chunk(o, io, next, a, ia, endA, b, ib, endB, merged, conflicts);
                if (next >= o.Count) break;
                merged.Add(a[endA].Node); // the anchor, as it stands (equal on all three sides)
                io = next + 1;
                ia = endA + 1;
                ib = endB + 1;
            }

            return conflicts.Count > 0
                ? new MergeResult(null, conflicts)
                : new MergeResult(StorageWriter.Write(merged), Array.Empty<MergeConflict>());
        }

        /// <summary>One unstable region between anchors: who changed it decides.</summary>
        private static void Chunk(List<Block> o, int o0, int o1, List<Block> a, int a0, int a1, List<Block> b, int b0, int b1,
            List<StorageNode> merged, List<MergeConflict> conflicts)
        {
            var baseKeys = Keys(o, o0, o1);
            var aKeys = Keys(a, a0, a1);
            var bKeys = Keys(b, b0, b1);
            if (aKeys.SequenceEqual(baseKeys, StringComparer.Ordinal)) merged.AddRange(b.Skip(b0).Take(b1 - b0).Select(x => x.Node));
            else if (bKeys.SequenceEqual(baseKeys, StringComparer.Ordinal) || aKeys.SequenceEqual(bKeys, StringComparer.Ordinal))
                merged.AddRange(a.Skip(a0).Take(a1 - a0).Select(x => x.Node));
            else conflicts.Add(new MergeConflict(o0, baseKeys, aKeys, bKeys));
        }

        private static List<string> Keys(List<Block> blocks, int from, int to) => blocks.Skip(from).Take(to - from).Select(x => x.Key).ToList();

        private sealed record Block(StorageNode Node, string Key);

        private static List<Block> Blocks(string body) =>
            ContentNormalizer.Canonicalize(StorageDocument.Parse(body)).Nodes
                .Select(n => new Block(n, StorageWriter.Write(new[] { n })))
                .ToList();

        /// <summary>
        /// For each base block, the index of the block a longest common subsequence pairs it with on the other side, or -1.
        /// Quadratic in blocks, which a page counts in hundreds at most.
        /// </summary>
        private static int[] Matches(List<string> from, List<string> to)
        {
            var n = from.Count;
            var m = to.Count;
            var lcs = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
            {
                for (var j = m - 1; j >= 0; j--)
                {
                    lcs[i, j] = string.Equals(from[i], to[j], StringComparison.Ordinal)
                        ? lcs[i + 1, j + 1] + 1
                        : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }

            var match = Enumerable.Repeat(-1, n).ToArray();
            int x = 0, y = 0;
            while (x < n && y < m)
            {
                if (string.Equals(from[x], to[y], StringComparison.Ordinal)) { match[x] = y; x++; y++; }
                else if (lcs[x + 1, y] >= lcs[x, y + 1]) x++;
                else y++;
            }

            return match;
        }
    }
}
