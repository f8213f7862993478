using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>What a run's translation takes from the scope file: every space's key pair, and the users.map overrides.</summary>
    public sealed record TranslationSettings
    {
        /// <summary>Data Center space key → Cloud space key, for every space in scope (links into any of them cross).</summary>
        public IReadOnlyDictionary<string, string> SpaceKeys { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The scope's users.map, resolved against the scope file's folder; null when none.</summary>
        public string? UserMapPath { get; init; }

        public static TranslationSettings From(ResolvedScope scope)
        {
            if (scope is null) throw new ArgumentNullException(nameof(scope));
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var space in scope.Spaces) keys[space.Key] = string.IsNullOrEmpty(space.CloudKey) ? space.Key : space.CloudKey;
            return new TranslationSettings { SpaceKeys = keys, UserMapPath = scope.Users?.MapPath };
        }
    }

    /// <summary>
    /// The run-scoped <see cref="IBodyTranslator"/>: a <see cref="StorageTranslator"/> over the pair table of every synced
    /// space, the space keys, both base URLs and the user map. The user map costs the two user listings, so it is built
    /// only when a body first mentions somebody, and then once for the run: a run that carries no mention asks nothing more.
    /// </summary>
    public sealed class RunTranslation : IBodyTranslator, INodeTranslator
    {
        /// <summary>Code of the <see cref="SyncRunException"/> thrown when users.map cannot be read.</summary>
        public const string UserMapInvalid = "UserMapInvalid";

        private static readonly string[] UserAttributes = { "ri:userkey", "ri:username", "ri:account-id" };

        private readonly IConfluenceSite _dataCenter;
        private readonly IConfluenceSite _cloud;
        private readonly IPageMap _pages;
        private readonly IReadOnlyDictionary<string, string> _spaceKeys;
        private readonly string? _userMapPath;
        private readonly EngineLog _log;
        private readonly StorageTranslator _withoutUsers;
        private Task<UserDirectory>? _users;
        private StorageTranslator? _withUsers;

        public RunTranslation(IConfluenceSite dataCenter, IConfluenceSite cloud, IPageMap pages, IReadOnlyDictionary<string, string> spaceKeys,
            string? userMapPath, EngineLog log)
        {
            _dataCenter = dataCenter ?? throw new ArgumentNullException(nameof(dataCenter));
            _cloud = cloud ?? throw new ArgumentNullException(nameof(cloud));
            _pages = pages ?? throw new ArgumentNullException(nameof(pages));
            // A key that stays the same needs no entry; leaving it out also keeps the map one-to-one.
            _spaceKeys = (spaceKeys ?? throw new ArgumentNullException(nameof(spaceKeys)))
                .Where(k => !string.Equals(k.Key, k.Value, StringComparison.Ordinal))
                .ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
            _userMapPath = userMapPath;
            _log = log ?? EngineLog.None;
            // Bodies without a mention never ask the user map: an empty one stands in until a mention needs the real one.
            _withoutUsers = new StorageTranslator(Context(new UserMap(Array.Empty<DataCenterUser>(), Array.Empty<CloudUser>())));
        }

        /// <summary>
        /// The translation of a run of <paramref name="space"/>: pairs of every space in the state (those of
        /// <paramref name="space"/> as the run keeps them, in <paramref name="liveByDataCenter"/> and
        /// <paramref name="liveByCloud"/>, when given), space keys from <paramref name="settings"/>, the state and the space.
        /// </summary>
        public static RunTranslation For(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state, ResolvedSpace space,
            TranslationSettings? settings, EngineLog log, IReadOnlyDictionary<string, PairRecord>? liveByDataCenter = null,
            IReadOnlyDictionary<string, PairRecord>? liveByCloud = null)
        {
            if (state is null) throw new ArgumentNullException(nameof(state));
            if (space is null) throw new ArgumentNullException(nameof(space));
            settings ??= new TranslationSettings();
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var known in state.ListSpaces()) keys[known.SpaceKey] = known.CloudKey;
            foreach (var inScope in settings.SpaceKeys) keys[inScope.Key] = inScope.Value;
            keys[space.Key] = string.IsNullOrEmpty(space.CloudKey) ? space.Key : space.CloudKey;
            var pages = new RunPageMap(state, space.Key, keys, liveByDataCenter, liveByCloud);
            return new RunTranslation(dataCenter, cloud, pages, keys, settings.UserMapPath, log);
        }

        /// <summary>
        /// A key of what a body's compared hash depends on beside the body itself: this build of the engine (translator,
        /// normaliser, hash), the space keys, both base URLs, users.map as it is on disk and <paramref name="pairGeneration"/>
        /// (<see cref="StateStore.PairGeneration"/>: the pair table links cross by). A hash recorded under the same key is the
        /// one computing it again would give — except for the sites' user directories, which only their listings tell (the
        /// requests a recorded hash saves): a person given or removed an account changes a mention's crossing without a key
        /// change, so such a hash is taken only by change-query runs; a structural run (within the hour) hashes it again.
        /// </summary>
        internal string InputsKey(long pairGeneration)
        {
            var text = new System.Text.StringBuilder();
            text.Append(typeof(RunTranslation).Assembly.ManifestModule.ModuleVersionId.ToString("N")).Append('\n');
            foreach (var key in _spaceKeys.OrderBy(k => k.Key, StringComparer.Ordinal)) text.Append(key.Key).Append('=').Append(key.Value).Append('\n');
            text.Append(_dataCenter.BaseUrl).Append('\n').Append(_cloud.BaseUrl).Append('\n').Append(pairGeneration).Append('\n');
            if (_userMapPath != null)
            {
                try
                {
                    text.Append(System.IO.File.Exists(_userMapPath) ? ContentHash.Of(System.IO.File.ReadAllText(_userMapPath)) : "no users.map");
                }
                catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
                {
                    text.Append("unreadable users.map ").Append(Guid.NewGuid()); // matches no recorded key: hashed again
                }
            }

            return ContentHash.Of(text.ToString());
        }

        /// <summary>The user map, once a body needed it; null while none did.</summary>
        public UserDirectory? Users => _users is { IsCompleted: true } built && built.Status == TaskStatus.RanToCompletion ? built.Result : null;

        /// <summary>Whether a body names people (and so needs the user map to cross).</summary>
        public static bool MentionsUsers(string storageBody) =>
            storageBody != null && UserAttributes.Any(a => storageBody.IndexOf(a, StringComparison.Ordinal) >= 0);

        /// <exception cref="StorageFormatException">The body is not well-formed storage format.</exception>
        /// <exception cref="SyncRunException">users.map cannot be read (<see cref="UserMapInvalid"/>).</exception>
        /// <exception cref="SiteException">A site could not list its users.</exception>
        public async Task<TranslationResult> TranslateAsync(string storageBody, SyncSide from, CancellationToken cancellationToken)
        {
            if (storageBody is null) throw new ArgumentNullException(nameof(storageBody));
            var translator = MentionsUsers(storageBody) ? await WithUsersAsync(cancellationToken).ConfigureAwait(false) : _withoutUsers;
            return translator.Translate(storageBody,
                from == SyncSide.DataCenter ? TranslationDirection.DataCenterToCloud : TranslationDirection.CloudToDataCenter);
        }

        /// <summary>
        /// <see cref="TranslateAsync"/> on parsed nodes (<see cref="INodeTranslator"/>). A body that names nobody crosses
        /// into one that names nobody, so the body's own <paramref name="mentionsUsers"/> chooses the translator for every
        /// crossing of a round trip: the user map only ever answers for <c>ri:user</c> elements.
        /// </summary>
        async Task<IReadOnlyList<StorageNode>> INodeTranslator.TranslateNodesAsync(IReadOnlyList<StorageNode> nodes, bool mentionsUsers, SyncSide from,
            CancellationToken cancellationToken)
        {
            var translator = mentionsUsers ? await WithUsersAsync(cancellationToken).ConfigureAwait(false) : _withoutUsers;
            return translator.TranslateNodes(nodes,
                from == SyncSide.DataCenter ? TranslationDirection.DataCenterToCloud : TranslationDirection.CloudToDataCenter);
        }

        /// <summary>
        /// The run's user map (both sites' listings and users.map), built when first needed and then shared by everything
        /// that names people — mentions, comment authors, the people mirrored restrictions name — so a run lists users once.
        /// </summary>
        /// <exception cref="SyncRunException">users.map cannot be read (<see cref="UserMapInvalid"/>).</exception>
        /// <exception cref="SiteException">A site could not list its users.</exception>
        internal Task<UserDirectory> UsersAsync(CancellationToken cancellationToken)
        {
            if (_users is null)
            {
                // Stored before the build runs: its first request gives up a sync lane's turn (Http/TurnGate) before the
                // build returns its task, and the other lane must then find this one instead of listing the users again.
                var go = new TaskCompletionSource<bool>();
                _users = BuildUsersAfterAsync(go.Task, cancellationToken);
                go.SetResult(true);
            }

            // The other lane may be the one listing: waiting for it while holding the turn would stop that listing from
            // taking the turn back, and both lanes would wait for ever.
            return Http.TurnGate.AwaitShared(_users);
        }

        private async Task<UserDirectory> BuildUsersAfterAsync(Task go, CancellationToken cancellationToken)
        {
            await go.ConfigureAwait(false);
            return await BuildUsersAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task<StorageTranslator> WithUsersAsync(CancellationToken cancellationToken)
        {
            if (_withUsers != null) return _withUsers;
            var directory = await UsersAsync(cancellationToken).ConfigureAwait(false);
            _withUsers ??= new StorageTranslator(Context(directory.Map));
            return _withUsers;
        }

        private async Task<UserDirectory> BuildUsersAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await UserDirectory.BuildAsync(_dataCenter, _cloud, _userMapPath, _log, cancellationToken).ConfigureAwait(false);
            }
            catch (UserMapFileException e)
            {
                throw new SyncRunException(UserMapInvalid, $"The user map cannot be used, so no mention can cross: {e.Message}");
            }
        }

        private TranslationContext Context(IUserMap users) => new TranslationContext(users, _pages, _spaceKeys)
        {
            DataCenterBaseUrl = _dataCenter.BaseUrl,
            CloudBaseUrl = _cloud.BaseUrl,
        };
    }

    /// <summary>
    /// The pair table as links need it: the run's own space as the run keeps it (pairs made during the run count at once),
    /// every other space of the state file as stored (read on the first lookup).
    /// </summary>
    internal sealed class RunPageMap : IPageMap
    {
        private readonly StateStore _state;
        private readonly string _spaceKey;
        private readonly IReadOnlyDictionary<string, string> _cloudKeys;
        private readonly IReadOnlyDictionary<string, PairRecord>? _liveByDc;
        private readonly IReadOnlyDictionary<string, PairRecord>? _liveByCloud;
        private PageMap? _stored;

        public RunPageMap(StateStore state, string spaceKey, IReadOnlyDictionary<string, string> cloudKeys,
            IReadOnlyDictionary<string, PairRecord>? liveByDataCenter, IReadOnlyDictionary<string, PairRecord>? liveByCloud)
        {
            _state = state;
            _spaceKey = spaceKey;
            _cloudKeys = cloudKeys;
            _liveByDc = liveByDataCenter;
            _liveByCloud = liveByCloud;
        }

        public PageLocation? CloudPageFor(string dataCenterPageId)
        {
            if (_liveByDc != null && _liveByDc.TryGetValue(dataCenterPageId, out var pair)) return Cloud(pair);
            return Stored().CloudPageFor(dataCenterPageId);
        }

        public PageLocation? DataCenterPageFor(string cloudPageId)
        {
            if (_liveByCloud != null && _liveByCloud.TryGetValue(cloudPageId, out var pair)) return new PageLocation(pair.DataCenterPageId, pair.SpaceKey);
            return Stored().DataCenterPageFor(cloudPageId);
        }

        private PageLocation Cloud(PairRecord pair) =>
            new PageLocation(pair.CloudPageId, _cloudKeys.TryGetValue(pair.SpaceKey, out var key) ? key : pair.SpaceKey);

        private PageMap Stored()
        {
            if (_stored != null) return _stored;
            var pairs = new List<PagePair>();
            var dcSeen = new HashSet<string>(StringComparer.Ordinal);
            var cloudSeen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var space in _state.ListSpaces())
            {
                // The run's own pairs are the live ones: the stored rows may be older than what the run did.
                if (_liveByDc != null && string.Equals(space.SpaceKey, _spaceKey, StringComparison.Ordinal)) continue;
                foreach (var pair in _state.ListPairs(space.SpaceKey))
                {
                    if (_liveByDc != null && (_liveByDc.ContainsKey(pair.DataCenterPageId) || _liveByCloud!.ContainsKey(pair.CloudPageId))) continue;
                    // A page the state holds twice (it should not) maps by its first pair rather than stopping the run.
                    if (!dcSeen.Add(pair.DataCenterPageId) | !cloudSeen.Add(pair.CloudPageId)) continue;
                    pairs.Add(new PagePair(new PageLocation(pair.DataCenterPageId, pair.SpaceKey), Cloud(pair)));
                }
            }

            _stored = new PageMap(pairs);
            return _stored;
        }
    }
}
