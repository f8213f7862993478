using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sites
{
    /// <summary>Page ids bound for a batch request, checked before any goes into a URL.</summary>
    internal static class PageIdList
    {
        /// <summary>
        /// The ids in their first order, each once. Ids go into queries unquoted and unescaped between commas (CQL
        /// <c>id in (...)</c>, v2 <c>?id=</c>): digits only, so nothing else can reach the query.
        /// </summary>
        /// <exception cref="ArgumentException">An id that is not a number.</exception>
        public static List<string> Distinct(IEnumerable<string> pageIds, string parameterName)
        {
            var wanted = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in pageIds)
            {
                if (string.IsNullOrEmpty(id) || !id.All(c => c >= '0' && c <= '9'))
                    throw new ArgumentException($"'{id}' is not a page id (page ids are numbers).", parameterName);
                if (seen.Add(id)) wanted.Add(id);
            }
            return wanted;
        }
    }
}
