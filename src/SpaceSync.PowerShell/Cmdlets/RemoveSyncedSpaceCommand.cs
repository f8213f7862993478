using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.PowerShell.Completion;
using SpaceSync.PowerShell.Hosting;
using SpaceSync.PowerShell.Security;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// Retires spaces from sync: refuses while a sync would still change something (unless -Force), archives the
    /// space's state, and removes its entry from the scope file leaving every other byte as it was.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SyncedSpace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RetiredSpace))]
    public sealed class RemoveSyncedSpaceCommand : SiteCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] SpaceKey { get; set; } = Array.Empty<string>();

        /// <summary>Retire even while changes are pending, conflicts are open or a create was left unfinished.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var scope = ScopeResolver.Resolve(LoadScope());
            var spaces = SelectSpaces(scope.Spaces, SpaceKey, s => s.Key, scope.Path);
            if (spaces.Count == 0)
            {
                return;
            }

            try
            {
                // No state file: no space has a baseline, nothing to archive, and none is created by retiring.
                using var state = OpenStateToRead(scope.State);
                // Secrets (vaults, prompts) only when the sites will be read: a space with a baseline, without -Force.
                var readsSites = !Force && spaces.Any(s => state?.GetSpace(s.Key)?.BaselineAt != null);
                var secrets = readsSites ? ResolveSecrets(scope.Document) : null;
                using var queue = new PipelineQueue(StopWork);
                using var log = OpenLog(scope.Document, queue);
                if (secrets != null) MaskSecrets(log, secrets);
                var whatIf = WhatIfRequested();
                queue.Drain(Task.Run(() => RetireAsync(scope, spaces, state, secrets, queue, log, whatIf)));
            }
            catch (StateStoreException e)
            {
                ThrowTerminatingError(StateErrorRecord(e, scope.State));
            }
        }

        private async Task<bool> RetireAsync(ResolvedScope scope, IReadOnlyList<ResolvedSpace> spaces, StateStore? state,
            PowerShellSecretResolver? secrets, PipelineQueue queue, EngineLog log, bool whatIf)
        {
            // The sites are needed only to check a space with a baseline for pending changes, and only without -Force.
            IConfluenceSite? dc = null, cloud = null;
            try
            {
                foreach (var space in spaces)
                {
                    var record = state?.GetSpace(space.Key);
                    try
                    {
                        if (record != null && state != null)
                        {
                            RefuseWhileLocked(state, space);
                            if (!Force && record.BaselineAt != null) // an unfinished baseline has nothing to sync: nothing pending
                            {
                                dc ??= await OpenSiteAsync(scope.DataCenter, secrets!, ClientOptions(log)).ConfigureAwait(false);
                                cloud ??= await OpenSiteAsync(scope.Cloud, secrets!, ClientOptions(log)).ConfigureAwait(false);
                                var refusal = await RefusalAsync(dc, cloud, state, space, TranslationSettings.From(scope), log).ConfigureAwait(false);
                                if (refusal != null && whatIf)
                                {
                                    // -WhatIf answers what would happen: the retirement, and what stops it today.
                                    AskShouldProcess(queue, $"space {space.Key} in {scope.Path}", $"{RetireAction(record)}. Blocked now: {refusal}");
                                    continue;
                                }

                                if (refusal != null)
                                {
                                    PostError(queue, space, new InvalidOperationException(refusal), "PendingChanges", ErrorCategory.InvalidOperation);
                                    continue;
                                }
                            }
                        }

                        if (!AskShouldProcess(queue, $"space {space.Key} in {scope.Path}", RetireAction(record)))
                        {
                            continue;
                        }

                        var retired = Retire(scope.Path, space, record != null ? state : null, log);
                        if (PassThru) queue.Post(() => WriteObject(retired));
                    }
                    catch (SyncRunException e) when (whatIf && e.Code == SyncRunException.SpaceLocked)
                    {
                        AskShouldProcess(queue, $"space {space.Key} in {scope.Path}", $"{RetireAction(record)}. Blocked now: {e.Message}");
                    }
                    catch (SyncRunException e)
                    {
                        PostError(queue, space, e, e.Code, Classify(e).Category);
                        if (e.Code == SecretNotFound) return false; // no site can be opened: every other space would fail alike
                    }
                    catch (SiteException e)
                    {
                        PostError(queue, space, e, e.Code, Classify(e).Category);
                    }
                    catch (ScopeException e)
                    {
                        PostError(queue, space, e, e.Errors.FirstOrDefault()?.Code ?? "ScopeEditFailed", ErrorCategory.InvalidData);
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        // Reading the scope file, writing its edited copy, or the final replace (ScopeFileNotUpdatedException).
                        PostError(queue, space, e, "ScopeFileNotUpdated", ErrorCategory.WriteError);
                    }
                    catch (StateStoreException e) when (e.Kind == StateErrorKind.LockHeldByOther)
                    {
                        PostError(queue, space, e, SyncRunException.SpaceLocked, ErrorCategory.ResourceUnavailable);
                    }
                }
            }
            finally
            {
                dc?.Dispose();
                cloud?.Dispose();
            }

            return true;
        }

        private static string RetireAction(SpaceRecord? record) => record != null
            ? "Retire from sync: archive its state and remove its entry from the scope file"
            : "Remove its entry from the scope file (the state holds no baseline for it)";

        /// <summary>-WhatIf given, or $WhatIfPreference set: read on the pipeline thread.</summary>
        private bool WhatIfRequested()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound) && bound is SwitchParameter given)
            {
                return given.IsPresent;
            }

            var preference = SessionState.PSVariable.GetValue("WhatIfPreference");
            return preference is SwitchParameter set ? set.IsPresent : preference is bool on && on;
        }

        /// <summary>Why the space may not retire yet: changes pending in its pages or (when synced) its blog posts; null when none.</summary>
        private async Task<string?> RefusalAsync(IConfluenceSite dc, IConfluenceSite cloud, StateStore state, ResolvedSpace space,
            TranslationSettings translation, EngineLog log)
        {
            foreach (var collection in SpaceCollections.Of(space))
            {
                if (state.GetSpace(collection.Key)?.BaselineAt is null) continue;
                var pending = await PendingChanges.ReadAsync(SpaceCollections.SiteFor(dc, collection), SpaceCollections.SiteFor(cloud, collection),
                    state, collection, log, CancelToken, translation).ConfigureAwait(false);
                var refusal = RetirementCheck.Refusal(collection.Key, pending, state.ListConflicts(collection.Key).Count,
                    state.ListCreateIntents(collection.Key).Count);
                if (refusal != null) return refusal;
            }

            return null;
        }

        /// <summary>A run underway holds the space's lock: refuse before reading the sites. The archive checks again, atomically.</summary>
        private static void RefuseWhileLocked(StateStore state, ResolvedSpace space)
        {
            foreach (var key in new[] { space.Key, space.BlogPosts().Key })
            {
                RefuseWhileLocked(space, state.GetLock(key));
            }
        }

        private static void RefuseWhileLocked(ResolvedSpace space, SpaceLock? held)
        {
            if (held != null && held.ExpiresAt > DateTimeOffset.UtcNow)
            {
                throw new SyncRunException(SyncRunException.SpaceLocked,
                    $"A run holds the lock of space {space.Key} (owner {held.OwnerId}, since {held.AcquiredAt:u}, until {held.ExpiresAt:u}); " +
                    "retire it once the run has finished. Nothing was changed.");
            }
        }

        /// <summary>
        /// The scope edit is prepared (and validated) in a file beside the scope file first, then the state is archived, then
        /// the prepared file replaces the scope file in one rename. A failure before the rename changes nothing, since the
        /// archive step is all-or-nothing itself; a failed rename leaves the archive (everything kept) and says so.
        /// </summary>
        private RetiredSpace Retire(string scopePath, ResolvedSpace space, StateStore? state, EngineLog log)
        {
            var prepared = PrepareScopeEdit(scopePath, space.Key);
            try
            {
                var archive = state?.ArchiveSpace(space.Key);
                // The space's blog posts, when they were synced, retire with it (their own archive file).
                var blogPosts = state?.ArchiveSpace(space.BlogPosts().Key);
                if (blogPosts != null)
                {
                    log.Information("Space {Space}: blog-post state archived to {ArchivePath} ({Pairs} pairs)", space.Key, blogPosts.Path, blogPosts.Pairs);
                }

                if (archive != null)
                {
                    log.Information("Space {Space}: state archived to {ArchivePath} ({Pairs} pairs, {Conflicts} conflicts, {Runs} runs)",
                        space.Key, archive.Path, archive.Pairs, archive.Conflicts, archive.Runs);
                }

                try
                {
                    File.Replace(prepared, scopePath, destinationBackupFileName: null);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    var kept = archive is null ? "" : $" Its state is already archived in {archive.Path} and no longer in the live state.";
                    throw new ScopeFileNotUpdatedException(
                        $"The scope file '{scopePath}' could not be replaced: {e.Message}.{kept} The edited scope file is at '{prepared}': " +
                        "move it over the scope file, or remove the space's entry by hand.", e);
                }

                log.Information("Space {Space}: removed from the scope file {ScopePath}", space.Key, scopePath);
                return RetiredSpace.From(space.Key, scopePath, archive, Force);
            }
            catch (Exception e) when (!(e is ScopeFileNotUpdatedException))
            {
                TryDelete(prepared);
                throw;
            }
        }

        /// <summary>The scope file without the space's entry, written beside it in its own encoding; returns the copy's path.</summary>
        private static string PrepareScopeEdit(string scopePath, string spaceKey)
        {
            var file = ScopeFileText.Read(scopePath);
            return file.WriteBeside(ScopeFileEditor.RemoveSpace(file.Text, spaceKey, scopePath));
        }

        private bool AskShouldProcess(PipelineQueue queue, string target, string action)
        {
            // ShouldProcess may prompt: it must run on the pipeline thread; the worker waits for the answer.
            var answer = new TaskCompletionSource<bool>();
            queue.Post(() =>
            {
                try { answer.SetResult(ShouldProcess(target, action)); }
                catch (Exception e) { answer.SetException(e); }
            });
            return answer.Task.GetAwaiter().GetResult();
        }

        private void PostError(PipelineQueue queue, ResolvedSpace space, Exception e, string errorId, ErrorCategory category) =>
            queue.Post(() => WriteError(new ErrorRecord(e, errorId, category, space.Key)
            {
                ErrorDetails = new ErrorDetails($"Space {space.Key}: {e.Message}"),
            }));

        private static void TryDelete(string path) => ScopeFileText.TryDelete(path);

        /// <summary>The state is archived but the scope file could not be replaced.</summary>
        private sealed class ScopeFileNotUpdatedException : IOException
        {
            public ScopeFileNotUpdatedException(string message, Exception inner) : base(message, inner) { }
        }
    }
}
