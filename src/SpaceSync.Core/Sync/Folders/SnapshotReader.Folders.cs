using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    // Cloud folders (and whiteboards, databases, embeds) as parents of pages: read what the listed pages name, then put
    // each such page below the nearest page above its folder (FolderTree), the tree both sites share.
    public static partial class SnapshotReader
    {
        /// <summary>
        /// Reads the non-page parents the <paramref name="pages"/> name (one GET each, then their own non-page parents) and
        /// gives each page in one its nearest page above as ParentId. Pages below pages cost nothing: a space without folders,
        /// and every Data Center side, sends no request here. <paramref name="known"/> (a change query's side): containers
        /// from earlier runs are taken as they were, not read again, and stay in the answer; a complete listing passes null,
        /// reads every container its pages name anew (so a folder moved or renamed since is seen) and forgets the others.
        /// </summary>
        internal static async Task<(List<PageSnapshot> Pages, IReadOnlyDictionary<string, ContainerSnapshot> Containers)> ResolveContainersAsync(
            IConfluenceSite site, SyncSide side, List<PageSnapshot> pages, IReadOnlyDictionary<string, ContainerSnapshot>? known,
            EngineLog log, CancellationToken cancellationToken)
        {
            var containers = new Dictionary<string, ContainerSnapshot>(StringComparer.Ordinal);
            if (known != null)
            {
                foreach (var entry in known) containers[entry.Key] = entry.Value;
            }

            var toRead = new Queue<SiteParent>(pages.Where(p => p.Container != null).Select(p => p.Container!));
            var visited = new HashSet<string>(StringComparer.Ordinal);
            while (toRead.Count > 0)
            {
                var next = toRead.Dequeue();
                if (!visited.Add(next.Id)) continue;
                if (!containers.TryGetValue(next.Id, out var container))
                {
                    container = await ReadContainerAsync(site, side, next, log, cancellationToken).ConfigureAwait(false);
                    containers[next.Id] = container;
                }

                if (container.ParentId != null && SiteContainer.IsContainerType(container.ParentType))
                {
                    toRead.Enqueue(new SiteParent(container.ParentId, container.ParentType!));
                }
            }

            if (containers.Count == 0) return (pages, containers);
            var resolved = new List<PageSnapshot>(pages.Count);
            foreach (var page in pages)
            {
                if (page.Container is null)
                {
                    resolved.Add(page);
                    continue;
                }

                var (above, ok) = FolderTree.PageAbove(page.Container.Id, containers);
                if (!ok)
                {
                    log.Warning("{Side} page {PageId} \"{Title}\" sits in {Type} {ContainerId}, which could not be read: where it belongs is unknown, so it is not moved or created anywhere",
                        side.Label(), page.Id, page.Title, page.Container.Type, page.Container.Id);
                }

                resolved.Add(ok ? page with { ParentId = above } : page);
            }

            return (resolved, containers);
        }

        private static async Task<ContainerSnapshot> ReadContainerAsync(IConfluenceSite site, SyncSide side, SiteParent parent, EngineLog log,
            CancellationToken cancellationToken)
        {
            if (!SiteContainer.IsContainerType(parent.Type))
            {
                log.Warning("{Side} names a parent of type {Type} ({Id}) that SpaceSync does not know", side.Label(), parent.Type, parent.Id);
                return new ContainerSnapshot { Id = parent.Id, Type = parent.Type, Readable = false };
            }

            var container = await site.GetContainerAsync(parent.Type, parent.Id, cancellationToken).ConfigureAwait(false);
            if (container is null)
            {
                return new ContainerSnapshot { Id = parent.Id, Type = parent.Type, Readable = false };
            }

            return new ContainerSnapshot
            {
                Id = container.Id,
                Type = container.Type,
                Title = container.Title,
                ParentId = container.ParentId,
                ParentType = container.ParentType,
                Version = container.Version,
                Trashed = container.Status == SitePageStatus.Trashed,
            };
        }
    }
}
