using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
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
    /// What the cmdlets that work on spaces share: the spaces named (or all in scope), credentials resolved on the
    /// pipeline thread, both sites, the state store and the engine log opened once per call, and the engine's
    /// failures turned into ErrorRecords with stable ErrorIds — one per space, the other spaces carrying on.
    /// </summary>
    public abstract class SpaceRunCmdlet : SiteCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SpaceKey { get; set; }

        /// <summary>The engine's work for one space; runs on a worker thread, posts output through the queue.</summary>
        internal abstract Task RunSpaceAsync(SpaceRun run, CancellationToken cancellationToken);

        protected override void ProcessRecord()
        {
            var resolved = ScopeResolver.Resolve(LoadScope());
            var spaces = SelectSpaces(resolved.Spaces, SpaceKey, s => s.Key, resolved.Path);
            if (spaces.Count == 0)
            {
                return;
            }

            var secrets = ResolveSecrets(resolved.Document);

            using var queue = new PipelineQueue(StopWork);
            using var log = OpenLog(resolved.Document, queue);
            MaskSecrets(log, secrets);

            var options = ClientOptions(log);
            try
            {
                RunSpaces(resolved, spaces, secrets, options, queue, log);
            }
            catch (SyncRunException e)
            {
                // A failure before any space ran (a missing secret): one record that names it, not PowerShell's wrapper.
                ThrowTerminatingError(RunErrorRecord(e, resolved.Path));
            }
            catch (StateStoreException e)
            {
                ThrowTerminatingError(StateErrorRecord(e, resolved.State));
            }
            catch (Exception e) when (IsEngineFailure(e))
            {
                // Any other failure of the engine's own (an unreadable file it was given): its record, not the .NET type's name.
                ThrowTerminatingError(RunErrorRecord(e, resolved.Path));
            }
        }

        /// <summary>What the progress display calls this command's work; null = what each runner says it does.</summary>
        internal virtual RunActivity? ProgressActivity => null;

        private void RunSpaces(ResolvedScope resolved, IReadOnlyList<ResolvedSpace> spaces, PowerShellSecretResolver secrets,
            SiteClientOptions options, PipelineQueue queue, EngineLog log)
        {
            var collections = spaces.SelectMany(SpaceCollections.Of).ToList();
            var display = new RunProgressDisplay(WriteProgress, MyInvocation.MyCommand.Name, collections.Count,
                quiet: PowerShellSecretResolver.StartedNonInteractive(), Secrets.Redact, ProgressActivity);
            try
            {
                RunSpaces(resolved, collections, secrets, options, queue, log, display);
            }
            finally
            {
                // Also when a space's failure ends the command: no bar is left standing.
                display.Complete();
            }
        }

        /// <summary>
        /// How many spaces (collections) run at once on the command's two site clients: 1 = one after another in scope order.
        /// A command that offers -ThrottleLimit returns it here.
        /// </summary>
        internal virtual int SpacesAtOnce => 1;

        /// <summary>The largest -ThrottleLimit: beyond it the sites' rate limits, not the spaces, bound the run.</summary>
        internal const int MaxSpacesAtOnce = 32;

        private void RunSpaces(ResolvedScope resolved, IReadOnlyList<ResolvedSpace> collections, PowerShellSecretResolver secrets,
            SiteClientOptions options, PipelineQueue queue, EngineLog log, RunProgressDisplay display)
        {
            var lanes = Math.Max(1, Math.Min(SpacesAtOnce, collections.Count));
            queue.Drain(Task.Run(async () =>
            {
                // One client per site for every space: the scope's maxRequestsPerSecond and a site's asked-for waits (the
                // rate-limit gate) then hold for all the spaces running at once, and each run counts its own requests.
                using var dc = await OpenSiteAsync(resolved.DataCenter, secrets, options).ConfigureAwait(false);
                using var cloud = await OpenSiteAsync(resolved.Cloud, secrets, options).ConfigureAwait(false);
                // A state connection per lane (a store serves one caller at a time): SQLite's share the file through WAL and
                // the busy timeout, PostgreSQL's are sessions of their own. Opened one after the other, so a new state file
                // is made (and migrated) once.
                var states = new List<StateStore>(lanes);
                try
                {
                    for (var i = 0; i < lanes; i++) states.Add(OpenStateToWrite(resolved.State, secrets));
                    await RunLanesAsync(states, collections, (space, state) => new SpaceRun(this, queue, SpaceCollections.SiteFor(dc, space),
                        SpaceCollections.SiteFor(cloud, space), state, space, log)
                    {
                        Translation = TranslationSettings.From(resolved),
                        Progress = display.SinkFor(queue),
                    }, queue).ConfigureAwait(false);
                }
                finally
                {
                    foreach (var state in states) state.Dispose();
                }

                return true;
            }));
        }

        /// <summary>
        /// Runs the collections in scope order on <paramref name="states"/>.Count lanes, each lane taking the next collection
        /// not yet started when its last one ends. A failure that ends the command (not one space's) stops the other lanes
        /// from starting more, cancels what they run, and is the one thrown once every lane has stopped.
        /// </summary>
        private async Task RunLanesAsync(IReadOnlyList<StateStore> states, IReadOnlyList<ResolvedSpace> collections,
            Func<ResolvedSpace, StateStore, SpaceRun> runOf, PipelineQueue queue)
        {
            var next = -1;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo? ended = null;

            async Task LaneAsync(StateStore state)
            {
                int index;
                while (ended is null && !CancelToken.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < collections.Count)
                {
                    var run = runOf(collections[index], state);
                    try
                    {
                        await RunSpaceAsync(run, CancelToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is SyncRunException || e is SiteException)
                    {
                        run.Error(e);
                    }
                    finally
                    {
                        run.Progress.Report(new RunProgress { SpaceKey = run.Space.Key, Completed = true });
                        // Queued after every warning this space's run posted, so its counts are complete.
                        var done = run.Space;
                        queue.Post(() => WriteWarningSummary(done));
                    }
                }
            }

            async Task GuardedAsync(StateStore state)
            {
                try
                {
                    await LaneAsync(state).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // The first failure is the command's; the lanes it cancels end with theirs, which say nothing new.
                    if (Interlocked.CompareExchange(ref ended, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e), null) is null &&
                        states.Count > 1)
                    {
                        StopWork();
                    }
                }
            }

            if (states.Count == 1)
            {
                await LaneAsync(states[0]).ConfigureAwait(false); // -ThrottleLimit 1: as before, on this flow
                return;
            }

            await Task.WhenAll(states.Select(state => Task.Run(() => GuardedAsync(state)))).ConfigureAwait(false);
            ended?.Throw();
        }

        /// <summary>One space's run: the open sites, state and log, and thread-safe ways to write output.</summary>
        internal sealed class SpaceRun
        {
            private readonly SpaceRunCmdlet _cmdlet;
            private readonly PipelineQueue _queue;

            public SpaceRun(SpaceRunCmdlet cmdlet, PipelineQueue queue, IConfluenceSite dataCenter, IConfluenceSite cloud,
                StateStore state, ResolvedSpace space, EngineLog log)
            {
                _cmdlet = cmdlet;
                _queue = queue;
                DataCenter = dataCenter;
                Cloud = cloud;
                State = state;
                Space = space;
                Log = log;
            }

            public IConfluenceSite DataCenter { get; }
            public IConfluenceSite Cloud { get; }
            /// <summary>The state connection of the lane this run is on (one caller at a time).</summary>
            public StateStore State { get; }
            public ResolvedSpace Space { get; }
            public EngineLog Log { get; }
            /// <summary>What bodies crossing between dialects need from the scope: every space's keys, users.map.</summary>
            public TranslationSettings? Translation { get; set; }
            /// <summary>Where the runner reports its phase and counts (the command's Write-Progress); any thread.</summary>
            public IProgress<RunProgress> Progress { get; set; } = new Progress<RunProgress>();

            /// <summary>
            /// <paramref name="options"/> with this run's progress display and one Verbose line per action the runner takes
            /// (done, skipped or failed, with both pages' ids).
            /// </summary>
            public SyncRunOptions Observed(SyncRunOptions options) => options with
            {
                RunProgress = Progress,
                Progress = options.Progress ?? new ActionLines(this),
            };

            private sealed class ActionLines : IProgress<SyncActionOutcome>
            {
                private readonly SpaceRun _run;

                public ActionLines(SpaceRun run) => _run = run;

                public void Report(SyncActionOutcome value)
                {
                    var line = ActionLine.Of(_run.Space.Key, value);
                    _run._queue.Post(() => _run._cmdlet.WriteVerbose(line));
                }
            }

            public void Output(object value) => _queue.Post(() => _cmdlet.WriteObject(value));

            public void Output(IEnumerable<object> values)
            {
                var list = values.ToList();
                _queue.Post(() => { foreach (var value in list) _cmdlet.WriteObject(value); });
            }

            public void Warning(string text) => _queue.Post(() => _cmdlet.WriteWarning(text));

            /// <summary>Asks ShouldProcess on the pipeline thread and waits for the answer.</summary>
            public bool ShouldProcess(string target, string action)
            {
                var answer = new TaskCompletionSource<bool>();
                _queue.Post(() =>
                {
                    try { answer.SetResult(_cmdlet.ShouldProcess(target, action)); }
                    catch (Exception e) { answer.SetException(e); }
                });
                return answer.Task.GetAwaiter().GetResult();
            }

            public void Error(Exception e, string errorId, ErrorCategory category) =>
                _queue.Post(() => _cmdlet.WriteError(new ErrorRecord(e, errorId, category, Space.Key)
                {
                    ErrorDetails = new ErrorDetails($"Space {Space.Key}: {e.Message}"),
                }));

            /// <summary>An engine failure of this space, as <see cref="RunErrorRecord"/> names it.</summary>
            public void Error(Exception e) => _queue.Post(() => _cmdlet.WriteError(RunErrorRecord(e, Space.Key, $"Space {Space.Key}")));
        }
    }
}
