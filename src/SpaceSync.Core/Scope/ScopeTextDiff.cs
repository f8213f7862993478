using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SpaceSync.Core.Scope
{
    /// <summary>A unified diff (as `diff -u` prints it) of a scope file's text before and after an edit: what -WhatIf shows.</summary>
    public static class ScopeTextDiff
    {
        private const int Context = 3;

        /// <summary>The diff with <paramref name="path"/> as both file names; empty when the texts are equal.</summary>
        public static string Unified(string oldText, string newText, string path)
        {
            var a = Lines(oldText);
            var b = Lines(newText);
            var ops = Operations(a, b);
            if (ops.All(o => o.Kind == ' ')) return "";

            var output = new StringBuilder();
            output.Append("--- ").Append(path).Append('\n');
            output.Append("+++ ").Append(path).Append(" (edited)").Append('\n');

            var i = 0;
            while (i < ops.Count)
            {
                if (ops[i].Kind == ' ') { i++; continue; }

                // A hunk: the changes from here, joined while fewer than 2 * Context equal lines separate them.
                var start = Math.Max(0, i - Context);
                var end = i;
                while (end < ops.Count)
                {
                    if (ops[end].Kind != ' ') { end++; continue; }
                    var run = end;
                    while (run < ops.Count && ops[run].Kind == ' ') run++;
                    if (run == ops.Count || run - end > 2 * Context) { end = Math.Min(ops.Count, end + Context); break; }
                    end = run;
                }

                var hunk = ops.GetRange(start, end - start);
                // Each op carries the line numbers at its place on both sides (an added line: the old line that follows).
                var oldCount = hunk.Count(o => o.Kind != '+');
                var newCount = hunk.Count(o => o.Kind != '-');
                output.Append($"@@ -{Range(hunk[0].OldLine, oldCount)} +{Range(hunk[0].NewLine, newCount)} @@").Append('\n');
                foreach (var op in hunk) output.Append(op.Kind).Append(op.Text).Append('\n');
                i = end;
            }

            return output.ToString();
        }

        // diff -u's form: "start,count", "start" for one line, and the line before for none.
        private static string Range(int first, int count) => count == 0 ? $"{first - 1},0" : count == 1 ? $"{first}" : $"{first},{count}";

        private readonly struct Op
        {
            public Op(char kind, string text, int oldLine, int newLine)
            {
                Kind = kind;
                Text = text;
                OldLine = oldLine;
                NewLine = newLine;
            }

            public char Kind { get; }
            public string Text { get; }
            public int OldLine { get; }
            public int NewLine { get; }
        }

        /// <summary>Lines without their endings (a CR before the LF included), for display.</summary>
        private static List<string> Lines(string text)
        {
            var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            if (lines.Count > 0 && lines[lines.Count - 1].Length == 0) lines.RemoveAt(lines.Count - 1);
            return lines;
        }

        /// <summary>
        /// Equal, removed and added lines in order. An edit touches a few lines, so the common head and tail are taken
        /// off first and the longest common subsequence is computed on the small middle only.
        /// </summary>
        private static List<Op> Operations(List<string> a, List<string> b)
        {
            var head = 0;
            while (head < a.Count && head < b.Count && a[head] == b[head]) head++;
            var tail = 0;
            while (tail < a.Count - head && tail < b.Count - head && a[a.Count - 1 - tail] == b[b.Count - 1 - tail]) tail++;

            var ops = new List<Op>();
            for (var k = 0; k < head; k++) ops.Add(new Op(' ', a[k], k + 1, k + 1));

            var n = a.Count - head - tail;
            var m = b.Count - head - tail;
            var lcs = new int[n + 1, m + 1];
            for (var x = n - 1; x >= 0; x--)
            {
                for (var y = m - 1; y >= 0; y--)
                {
                    lcs[x, y] = a[head + x] == b[head + y] ? lcs[x + 1, y + 1] + 1 : Math.Max(lcs[x + 1, y], lcs[x, y + 1]);
                }
            }

            int ia = 0, ib = 0;
            while (ia < n || ib < m)
            {
                if (ia < n && ib < m && a[head + ia] == b[head + ib])
                {
                    ops.Add(new Op(' ', a[head + ia], head + ia + 1, head + ib + 1));
                    ia++; ib++;
                }
                else if (ia < n && (ib == m || lcs[ia + 1, ib] >= lcs[ia, ib + 1]))
                {
                    // A removed line before the line that replaces it, as diff -u prints them.
                    ops.Add(new Op('-', a[head + ia], head + ia + 1, head + ib + 1));
                    ia++;
                }
                else
                {
                    ops.Add(new Op('+', b[head + ib], head + ia + 1, head + ib + 1));
                    ib++;
                }
            }

            for (var k = 0; k < tail; k++) ops.Add(new Op(' ', a[a.Count - tail + k], a.Count - tail + k + 1, b.Count - tail + k + 1));
            return ops;
        }
    }
}
