using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SpaceSync.PowerShell.Completion
{
    /// <summary>Completes -ConflictId from the open conflicts in the state file; the tooltip gives the page's title and the reason.</summary>
    public sealed class ConflictIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = CompletionSource.Typed(wordToComplete);
            return CompletionSource.FromState(fakeBoundParameters, (scope, state) =>
                // Blog posts keep their conflicts under the space's blog-post collection key: offer those too.
                CompletionSource.SelectSpaces(scope, fakeBoundParameters).SelectMany(s => new[] { s, s.BlogPosts() })
                    .SelectMany(collection => state.ListConflicts(collection.Key).Select(conflict => (collection.Key, conflict)))
                    .Where(c => c.conflict.Id.ToString(CultureInfo.InvariantCulture).StartsWith(typed, StringComparison.Ordinal))
                    .Select(c =>
                    {
                        var id = c.conflict.Id.ToString(CultureInfo.InvariantCulture);
                        var title = state.GetPair(c.conflict.PairId)?.Title ?? "(page unknown)";
                        return new CompletionResult(id, $"{id} {title}", CompletionResultType.ParameterValue, $"{title} ({c.Key}): {c.conflict.Reason}");
                    }));
        }
    }
}
