using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Scope.Yaml
{
    /// <summary>Finds the allowed word a typo was probably meant to be ("did you mean ...?").</summary>
    internal static class NearMiss
    {
        public static string? Suggest(string written, IEnumerable<string> allowed)
        {
            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var candidate in allowed)
            {
                if (string.Equals(candidate, written, StringComparison.OrdinalIgnoreCase))
                {
                    return candidate;
                }

                var distance = Distance(written.ToLowerInvariant(), candidate.ToLowerInvariant());
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = candidate;
                }
            }

            // A third of the word may be wrong: catches dropped or swapped letters without suggesting
            // unrelated words for short keys.
            return best != null && bestDistance <= Math.Max(1, best.Length / 3) ? best : null;
        }

        /// <summary>Edit distance counting a swap of two neighbouring letters as one edit.</summary>
        private static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    var value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        value = Math.Min(value, d[i - 2, j - 2] + 1);
                    }

                    d[i, j] = value;
                }
            }

            return d[a.Length, b.Length];
        }
    }
}
