using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Content.Merge
{
    /// <summary>
    /// Where the two sides' edits of one merge collide: the base's units there and what each side made of them (canonical
    /// markup). A unit is a top-level block, or — inside a list, table or macro body both sides edited — a list item, a
    /// table row or a block of the macro's body. <see cref="Position"/> is the index of the top-level base block the
    /// collision is in (or next to, for insertions).
    /// </summary>
    public sealed record MergeConflict(int Position, IReadOnlyList<string> Base, IReadOnlyList<string> DataCenter, IReadOnlyList<string> Cloud)
    {
        /// <summary>Where the collision is, in words, without markup, at most 120 characters; see <see cref="Describe"/>.</summary>
        public string Location { get; init; } = "";

        /// <summary>
        /// Where the collision is, for a conflict's reason: e.g. <c>block 3 (paragraph "Install the agent…")</c>,
        /// <c>row 2 ("8080 | HTTP") of the table after heading "Ports"</c>. At most 120 characters, no markup.
        /// </summary>
        public string Describe() => Location.Length > 0 ? Location : $"block {Position + 1}";
    }

    /// <summary>The outcome of a three-way merge: the merged body when clean, else the collisions (and no body).</summary>
    public sealed record MergeResult(string? Body, IReadOnlyList<MergeConflict> Conflicts)
    {
        public bool Clean => Conflicts.Count == 0;
    }

    /// <summary>
    /// Three-way merge of storage bodies (issue 5). A diff3 over the top-level blocks in canonical form, anchored on the
    /// blocks both sides kept: where only one side changed a run of blocks, that side's blocks win; where both changed it
    /// alike, the change is taken once; where both changed it differently, it is a conflict and no body is made —
    /// unless the block both changed is the same list, table, layout or rich-text macro on all three sides (same shell:
    /// element, attributes, macro parameters; see <see cref="MergeContainer"/>). Then the same diff3 runs over its
    /// children — list items, table rows, the macro body's blocks — and recurses into nested lists, sections and macros.
    /// A change of the shell on either side (a list turned numbered, a panel's title or colour, a table's width) makes
    /// the container one unit again: with an edit inside it on the other side, that is a conflict. A row is one unit (its
    /// cells are not merged); so is a list item's text, while the item's nested lists merge inside. Between anchors, a
    /// run both sides changed that has as many units on all three sides pairs up by position, so edits of adjacent
    /// paragraphs or rows merge; runs of different lengths (an edit next to the other side's insertion) collide.
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
            var conflicts = new List<MergeConflict>();
            var merged = MergeSequence(o, a, b, MergeScope.Page(o), conflicts);
            return conflicts.Count > 0
                ? new MergeResult(null, conflicts)
                : new MergeResult(StorageWriter.Write(merged), Array.Empty<MergeConflict>());
        }

        private static List<MergeUnit> Blocks(string body) =>
            MergeUnit.EachOf(ContentNormalizer.Canonicalize(StorageDocument.Parse(body)).Nodes);

        /// <summary>diff3 of one sequence of units; collisions are added to <paramref name="conflicts"/>.</summary>
        private static List<StorageNode> MergeSequence(List<MergeUnit> o, List<MergeUnit> a, List<MergeUnit> b, MergeScope scope,
            List<MergeConflict> conflicts)
        {
            var baseKeys = new HashSet<string>(o.Select(u => u.Key), StringComparer.Ordinal);
            var matchA = Align(o, a, baseKeys);
            var matchB = Align(o, b, baseKeys);
            var merged = new List<StorageNode>();
            int io = 0, ia = 0, ib = 0;
            while (true)
            {
                // The next base unit both sides kept (as it was, or as the same container), in order: a stable anchor.
                var next = io;
                while (next < o.Count && !(matchA[next] >= ia && matchB[next] >= ib)) next++;
                var endA = next < o.Count ? matchA[next] : a.Count;
                var endB = next < o.Count ? matchB[next] : b.Count;
                Chunk(Slice(o, io, next), Slice(a, ia, endA), Slice(b, ib, endB), io, scope, baseKeys, merged, conflicts);
                if (next >= o.Count) break;
                merged.AddRange(MergeOne(o[next], a[endA], b[endB], next, scope, conflicts));
                io = next + 1;
                ia = endA + 1;
                ib = endB + 1;
            }
            return merged;
        }

        /// <summary>
        /// One unstable region between anchors: who changed it decides. When both did, a region of as many units on all
        /// three sides, none of them a base unit moved from elsewhere, pairs up by position (each side rewrote them in
        /// place), so that edits of adjacent units — rows 2 and 3 — do not collide.
        /// </summary>
        private static void Chunk(List<MergeUnit> o, List<MergeUnit> a, List<MergeUnit> b, int offset, MergeScope scope,
            HashSet<string> baseKeys, List<StorageNode> merged, List<MergeConflict> conflicts)
        {
            if (SameKeys(a, o)) merged.AddRange(b.SelectMany(x => x.Nodes));
            else if (SameKeys(b, o) || SameKeys(a, b)) merged.AddRange(a.SelectMany(x => x.Nodes));
            else if (o.Count > 1 && a.Count == o.Count && b.Count == o.Count && InPlace(o, a, baseKeys) && InPlace(o, b, baseKeys))
            {
                for (var i = 0; i < o.Count; i++)
                {
                    if (o[i].Identity == a[i].Identity && o[i].Identity == b[i].Identity)
                        merged.AddRange(MergeOne(o[i], a[i], b[i], offset + i, scope, conflicts));
                    else
                        Chunk(Slice(o, i, i + 1), Slice(a, i, i + 1), Slice(b, i, i + 1), offset + i, scope, baseKeys, merged, conflicts);
                }
            }
            else
            {
                conflicts.Add(new MergeConflict(scope.TopPosition(offset), Keys(o), Keys(a), Keys(b))
                {
                    Location = scope.Describe(offset, o, a.Count > 0 ? a : b),
                });
            }
        }

        // Each unit of the side is the base unit at its position, or new: never another base unit, shifted.
        private static bool InPlace(List<MergeUnit> o, List<MergeUnit> side, HashSet<string> baseKeys) =>
            o.Zip(side, (x, y) => x.Key == y.Key || !baseKeys.Contains(y.Key)).All(ok => ok);

        /// <summary>A unit both sides kept (or whose container both kept): taken whole when at most one side changed it, else merged inside.</summary>
        private static IReadOnlyList<StorageNode> MergeOne(MergeUnit o, MergeUnit a, MergeUnit b, int index, MergeScope scope,
            List<MergeConflict> conflicts)
        {
            if (a.Key == o.Key) return b.Nodes;
            if (b.Key == o.Key || a.Key == b.Key) return a.Nodes;
            // Changed on both sides: aligned by identity, so all three are containers with one shell.
            var before = conflicts.Count;
            var inner = o.Container!.Units();
            var children = MergeSequence(inner, a.Container!.Units(), b.Container!.Units(), scope.Inside(index, inner), conflicts);
            return conflicts.Count > before ? Array.Empty<StorageNode>() : new StorageNode[] { a.Container.Rebuild(children) };
        }

        /// <summary>
        /// For each base unit, the index of the side's unit it pairs with, or -1: first a longest common subsequence of
        /// equal units; then, in each gap between two pairs, one of containers with the same shell (the same list, table
        /// or macro, edited) — but never a side unit that equals some base unit, which is that unit moved, not an edit.
        /// </summary>
        private static int[] Align(List<MergeUnit> o, List<MergeUnit> side, HashSet<string> baseKeys)
        {
            var match = Matches(o.Select(u => u.Key).ToList(), side.Select(u => u.Key).ToList());
            int previousO = -1, previousSide = -1;
            for (var i = 0; i <= o.Count; i++)
            {
                if (i < o.Count && match[i] < 0) continue;
                var nextSide = i < o.Count ? match[i] : side.Count;
                var gapO = i - previousO - 1;
                var gapSide = nextSide - previousSide - 1;
                if (gapO > 0 && gapSide > 0)
                {
                    var baseShells = o.GetRange(previousO + 1, gapO).Select(u => u.Container != null ? u.Identity : Unmatchable + "base").ToList();
                    var sideShells = side.GetRange(previousSide + 1, gapSide)
                        .Select(u => u.Container != null && !baseKeys.Contains(u.Key) ? u.Identity : Unmatchable + "side").ToList();
                    // A gap as long on both sides was rewritten in place: a container pairs only with the one at its position.
                    var shells = gapO == gapSide
                        ? baseShells.Select((x, j) => x == sideShells[j] ? j : -1).ToArray()
                        : Matches(baseShells, sideShells);
                    for (var j = 0; j < gapO; j++)
                        if (shells[j] >= 0) match[previousO + 1 + j] = previousSide + 1 + shells[j];
                }
                previousO = i;
                previousSide = nextSide;
            }
            return match;
        }

        // Never equal to a key or a shell (those are markup, where a control character is written as a reference).
        private const string Unmatchable = "\u0002";

        private static List<MergeUnit> Slice(List<MergeUnit> units, int from, int to) => units.GetRange(from, to - from);

        private static bool SameKeys(List<MergeUnit> x, List<MergeUnit> y) =>
            x.Count == y.Count && x.Zip(y, (p, q) => p.Key == q.Key).All(same => same);

        private static List<string> Keys(List<MergeUnit> units) => units.Select(u => u.Key).ToList();

        /// <summary>
        /// For each base unit, the index of the unit a longest common subsequence pairs it with on the other side, or -1.
        /// Quadratic in units, which a page (or a list, a table) counts in hundreds at most.
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
