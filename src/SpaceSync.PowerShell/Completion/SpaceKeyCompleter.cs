using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SpaceSync.Core.Scope;
using SpaceSync.PowerShell.Cmdlets;

namespace SpaceSync.PowerShell.Completion
{
    /// <summary>Completes -SpaceKey from the spaces of the scope file the command line names (or the default one).</summary>
    public sealed class SpaceKeyCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var path = fakeBoundParameters["ScopePath"] as string
                ?? Environment.GetEnvironmentVariable(SpaceSyncCmdlet.ScopeEnvironmentVariable)
                ?? SpaceSyncCmdlet.DefaultScopeFileName;

            ScopeDocument scope;
            try
            {
                // Relative paths: the process directory is the closest we have to the caller's location here.
                scope = ScopeParser.Load(Path.GetFullPath(path));
            }
            catch (Exception e) when (e is ScopeException || e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                return Array.Empty<CompletionResult>(); // a broken scope file offers nothing to complete
            }

            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return scope.Spaces
                .Where(s => s.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(s => new CompletionResult(s.Key, s.Key, CompletionResultType.ParameterValue,
                    s.CloudKey is null ? $"{s.Key} (owner {s.Owner})" : $"{s.Key} → Cloud {s.CloudKey} (owner {s.Owner})"))
                .ToList();
        }
    }
}
