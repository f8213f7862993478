using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>
            /// A write refused because its page, or the parent it goes below, is archived (Cloud answers 400 to every write to
            /// an archived page). A change query does not list archived pages, so the planner could not know; one GET, made
            /// only after a failure, tells. Such a write is skipped, not failed: nothing is lost, the pair keeps its base and
            /// stays unsettled, and the next run reads both pages again and reports the pair Archived until it is restored.
            /// </summary>
            private async Task<SyncActionOutcome?> ArchivedInsteadAsync(SyncActionOutcome failed, CancellationToken ct)
            {
                var action = failed.Action;
                foreach (var (pageId, what) in new[] { (action.TargetId, "it"), (action.Parent?.TargetId, "its parent there") })
                {
                    if (pageId is null) continue;
                    SitePage? page;
                    try
                    {
                        page = await SiteOf(action.Target).GetPageAsync(pageId, ct).ConfigureAwait(false);
                    }
                    catch (SiteException)
                    {
                        return null; // the failure stands as it was
                    }

                    if (page?.Status != SitePageStatus.Archived) continue;
                    MarkIncomplete(action);
                    var message = $"\"{action.Title}\" was not written on {action.Target.Label()}: {what} (page {pageId}) is archived there, and " +
                                  "Confluence refuses writes to archived pages. Nothing is lost: the change waits and crosses at the first run " +
                                  "after the page is restored from the archive.";
                    _log.WarnOfPage(PageWarning.Of(action, _space.Key, PageWarningKind.ArchivedWriteSkipped, message), "{Space:l}: {Message:l}", _space.Key, message);
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped, message);
                }

                return null;
            }
        }
    }
}
