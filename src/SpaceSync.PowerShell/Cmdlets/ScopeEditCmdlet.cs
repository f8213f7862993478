using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// What Set-SyncedSpace and Add-SyncedSpace share: an edit of the scope file's text that keeps every other byte,
    /// -WhatIf showing it as a unified diff, and a write that happens only once the edited file validates.
    /// </summary>
    public abstract class ScopeEditCmdlet : SpaceSyncCmdlet
    {
        /// <summary>Return the space as Get-SyncedSpace -Offline shows it once edited.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <param name="describe">What the edit does, e.g. "Set phase: dual-write".</param>
        /// <param name="edit">The scope file's text and path to the edited text; throws ScopeException when it cannot.</param>
        protected void EditScopeFile(string spaceKey, string describe, Func<string, string, string> edit)
        {
            LoadScope(); // a missing or invalid scope file ends the command with every problem listed
            var path = ResolveScopePath();
            ScopeFileText file;
            string edited;
            try
            {
                file = ScopeFileText.Read(path);
                edited = edit(file.Text, path);
            }
            catch (ScopeException e)
            {
                WriteScopeError(e, spaceKey);
                return;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                WriteFileError(e, "ScopeFileUnreadable", ErrorCategory.ReadError, path, $"The scope file '{path}' could not be read: {e.Message}");
                return;
            }

            if (edited == file.Text)
            {
                WriteVerbose($"Space {spaceKey} in {path}: {describe} changes nothing; the file was not written.");
            }
            else
            {
                // -WhatIf prints the description: the whole change as `diff -u` would show it.
                var what = $"{describe} on space {spaceKey} in {path}";
                var diff = ScopeTextDiff.Unified(file.Text, edited, path);
                if (!ShouldProcess(what + ":" + Environment.NewLine + diff.TrimEnd('\n'), what + "?", "Edit the scope file"))
                {
                    return;
                }

                try
                {
                    foreach (var warning in file.ReplaceValidated(edited))
                    {
                        WriteWarning($"{warning.Location?.ToString() ?? path}: {warning.Message}");
                    }
                }
                catch (ScopeException e)
                {
                    WriteScopeError(e, spaceKey);
                    return;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    WriteFileError(e, "ScopeFileNotUpdated", ErrorCategory.WriteError, path, $"The scope file '{path}' could not be replaced: {e.Message}. It was left as it was.");
                    return;
                }
            }

            if (PassThru)
            {
                WriteObject(StatusOf(path, spaceKey));
            }
        }

        /// <summary>The space as Get-SyncedSpace -Offline reports it, read back from the file just written.</summary>
        private SyncedSpaceStatus? StatusOf(string path, string spaceKey)
        {
            var scope = ScopeResolver.Resolve(ScopeParser.Load(path));
            var space = scope.Spaces.FirstOrDefault(s => string.Equals(s.Key, spaceKey, StringComparison.OrdinalIgnoreCase));
            if (space is null) return null;
            using var state = OpenStateToRead(scope.State); // reading creates no state file
            return SyncedSpaceStatus.From(scope, space, state);
        }

        private void WriteFileError(Exception e, string errorId, ErrorCategory category, string path, string details) =>
            WriteError(new ErrorRecord(e, errorId, category, path) { ErrorDetails = new ErrorDetails(details) });

        private void WriteScopeError(ScopeException e, string spaceKey)
        {
            var code = e.Errors.FirstOrDefault()?.Code ?? "ScopeEditFailed";
            var category = code switch
            {
                ScopeFileEditor.SpaceNotInFile => ErrorCategory.ObjectNotFound,
                ScopeFileEditor.SpaceAlreadyInFile => ErrorCategory.ResourceExists,
                ScopeFileEditor.EditUnsupported => ErrorCategory.NotImplemented,
                _ => ErrorCategory.InvalidData,
            };
            WriteError(new ErrorRecord(e, code, category, spaceKey) { ErrorDetails = new ErrorDetails($"Space {spaceKey}: {e.Message}") });
        }
    }

    /// <summary>
    /// Checks a -Phase, -Conflicts or -Direction value against the scope file's words for that setting
    /// (ScopeVocabulary); any case is accepted on the command line, the cmdlet writes the scope file's spelling.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateScopeWordAttribute : ValidateArgumentsAttribute
    {
        public ValidateScopeWordAttribute(string setting) => Setting = setting;

        /// <summary>The scope file key: phase, conflicts or direction.</summary>
        public string Setting { get; }

        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var words = ScopeWords.Of(Setting);
            if (!(arguments is string word) || ScopeWords.Canonical(Setting, word) is null)
            {
                throw new ValidationMetadataException(
                    $"'{arguments}' is not a {Setting} the scope file knows; expected one of: {string.Join(", ", words)}.");
            }
        }
    }

    /// <summary>Tab completion of -Phase, -Conflicts and -Direction from the scope file's words.</summary>
    public sealed class ScopeWordCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return ScopeWords.Of(parameterName.ToLowerInvariant())
                .Where(w => w.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(w => new CompletionResult(w, w, CompletionResultType.ParameterValue, w))
                .ToList();
        }
    }

    /// <summary>The scope file's words for the settings the cmdlets edit.</summary>
    internal static class ScopeWords
    {
        public static IReadOnlyList<string> Of(string setting) => setting switch
        {
            "phase" => ScopeVocabulary.Phase.All,
            "conflicts" => ScopeVocabulary.Conflicts.All,
            "direction" => ScopeVocabulary.Direction.All,
            _ => Array.Empty<string>(),
        };

        /// <summary>The scope file's spelling of <paramref name="word"/> (any case), or null when it is none of the setting's words.</summary>
        public static string? Canonical(string setting, string? word) =>
            word is null ? null : Of(setting).FirstOrDefault(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase));
    }
}
