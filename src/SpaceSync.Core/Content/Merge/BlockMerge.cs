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
    /// the container one unit again: with an edit inside it on the other side, that is a conflict.
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
            var merged = new List<StorageNode>();
            Diff3(o, a, b, u => u.Key,
                (io, ia, ib) => merged.AddRange(a[ia].Nodes), // an anchor, equal on all three sides
                (o0, o1, a0, a1, b0, b1) => Chunk(Slice(o, o0, o1), Slice(a, a0, a1), Slice(b, b0, b1), o0, scope, inside: true,
                    merged, conflicts));
            return merged;
        }

        /// <summary>
        /// One unstable region between anchors: who changed it decides. When both did, a region of as many units on all
        /// three sides pairs up by position; otherwise, when <paramref name="inside"/>, the region is aligned again by
        /// shell, so that a container both sides edited is merged inside rather than collide.
        /// </summary>
        private static void Chunk(List<MergeUnit> o, List<MergeUnit> a, List<MergeUnit> b, int offset, MergeScope scope, bool inside,
            List<StorageNode> merged, List<MergeConflict> conflicts)
        {
            if (SameKeys(a, o)) merged.AddRange(b.SelectMany(x => x.Nodes));
            else if (SameKeys(b, o) || SameKeys(a, b)) merged.AddRange(a.SelectMany(x => x.Nodes));
            else if (o.Count > 1 && a.Count == o.Count && b.Count == o.Count)
            {
                // As many units on each side as in the base, between two anchors: each side rewrote them in place, so
                // they pair up by position, and edits of adjacent units (rows 2 and 3) do not collide.
                for (var i = 0; i < o.Count; i++)
                    Chunk(Slice(o, i, i + 1), Slice(a, i, i + 1), Slice(b, i, i + 1), offset + i, scope, inside: true, merged, conflicts);
            }
            else if (inside && o.Any(u => u.Container != null))
            {
                Diff3(o, a, b, u => u.Identity,
                    (io, ia, ib) => merged.AddRange(MergeOne(o[io], a[ia], b[ib], offset + io, scope, conflicts)),
                    (o0, o1, a0, a1, b0, b1) => Chunk(Slice(o, o0, o1), Slice(a, a0, a1), Slice(b, b0, b1), offset + o0, scope,
                        inside: false, merged, conflicts));
            }
            else
            {
                conflicts.Add(new MergeConflict(scope.TopPosition(offset), Keys(o), Keys(a), Keys(b))
                {
                    Location = scope.Describe(offset, o, a.Count > 0 ? a : b),
                });
            }
        }

        /// <summary>One unit with the same identity on all three sides: taken whole when at most one side changed it, else merged inside.</summary>
        private static IReadOnlyList<StorageNode> MergeOne(MergeUnit o, MergeUnit a, MergeUnit b, int index, MergeScope scope,
            List<MergeConflict> conflicts)
        {
            if (a.Key == o.Key) return b.Nodes;
            if (b.Key == o.Key || a.Key == b.Key) return a.Nodes;
            // Same identity yet different keys: all three are containers with one shell.
            var before = conflicts.Count;
            var inner = o.Container!.Units();
            var children = MergeSequence(inner, a.Container!.Units(), b.Container!.Units(), scope.Inside(index, inner), conflicts);
            return conflicts.Count > before ? Array.Empty<StorageNode>() : new StorageNode[] { a.Container.Rebuild(children) };
        }

        private delegate void OnAnchor(int io, int ia, int ib);

        private delegate void OnChunk(int o0, int o1, int a0, int a1, int b0, int b1);

        /// <summary>
        /// diff3: walks the base, anchoring on each unit both sides kept in order (by <paramref name="key"/>), and hands
        /// the regions between anchors (possibly empty on some side) to <paramref name="chunk"/>.
        /// </summary>
        private static void Diff3(List<MergeUnit> o, List<MergeUnit> a, List<MergeUnit> b, Func<MergeUnit, string> key, OnAnchor anchor,
            OnChunk chunk)
        {
            var keysO = o.Select(key).ToList();
            var matchA = Matches(keysO, a.Select(key).ToList());
            var matchB = Matches(keysO, b.Select(key).ToList());
            int io = 0, ia = 0, ib = 0;
            while (true)
            {
                var next = io;
                while (next < o.Count && !(matchA[next] >= ia && matchB[next] >= ib)) next++;
                var endA = next < o.Count ? matchA[next] : a.Count;
                var endB = next < o.Count ? matchB[next] : b.Count;
                if (next > io || endA > ia || endB > ib) chunk(io, next, ia, endA, ib, endB);
                if (next >= o.Count) break;
                anchor(next, endA, endB);
                io = next + 1;
                ia = endA + 1;
                ib = endB + 1;
            }
        }

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
