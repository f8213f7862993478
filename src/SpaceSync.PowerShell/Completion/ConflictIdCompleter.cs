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
            try
            {
                var scope = CompletionSource.LoadScope(fakeBoundParameters);
                if (scope is null) return Array.Empty<CompletionResult>();
                using var state = CompletionSource.OpenState(scope);
                if (state is null) return Array.Empty<CompletionResult>();
                var typed = CompletionSource.Typed(wordToComplete);
                var results = new List<CompletionResult>();
                // Blog posts keep their conflicts under the space's blog-post collection key: offer those too.
                foreach (var collection in CompletionSource.SelectSpaces(scope, fakeBoundParameters).SelectMany(s => new[] { s, s.BlogPosts() }))
                {
                    foreach (var conflict in state.ListConflicts(collection.Key))
                    {
                        var id = conflict.Id.ToString(CultureInfo.InvariantCulture);
                        if (!id.StartsWith(typed, StringComparison.Ordinal)) continue;
                        var title = state.GetPair(conflict.PairId)?.Title ?? "(page unknown)";
                        results.Add(new CompletionResult(id, $"{id} {title}", CompletionResultType.ParameterValue,
                            $"{title} ({collection.Key}): {conflict.Reason}"));
                    }
                }

                return results;
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>(); // a completer must never throw into the user's Tab press
            }
        }
    }
}
