using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// The SQLite state file at the scope's <c>state.path</c>: pairs, create intents, runs, history, locks and
    /// conflicts. One connection per instance; not thread-safe (give each thread or process its own store —
    /// SQLite's locking and <c>BEGIN IMMEDIATE</c> keep them consistent). Every public write is one transaction.
    /// </summary>
    public sealed partial class StateStore : IDisposable
    {
        // Another connection (a second run, a reader) may hold the write lock briefly; wait rather than fail.
        private static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

        private static int s_sqliteReady;

        private readonly SqliteConnection _connection;
        private readonly TimeProvider _clock;
        private readonly TimeSpan _busyTimeout;
        private SqliteTransaction? _transaction;

        private StateStore(SqliteConnection connection, string path, TimeProvider clock, TimeSpan busyTimeout)
        {
            _connection = connection;
            _clock = clock;
            _busyTimeout = busyTimeout;
            Path = path;
        }

        /// <summary>The full path of the state file.</summary>
        public string Path { get; }

        /// <summary>The schema version of the open file (always <see cref="CurrentSchemaVersion"/> once open).</summary>
        public int SchemaVersion { get; private set; }

        /// <summary>The journal mode SQLite granted: <c>wal</c>, unless the file system cannot do WAL.</summary>
        public string JournalMode { get; private set; } = "";

        /// <summary>The schema version this SpaceSync writes.</summary>
        public static int CurrentSchemaVersion => StateSchema.CurrentVersion;

        /// <summary>
        /// Opens the state file, creating it if absent and migrating an older one forward (in one transaction).
        /// Refuses a file that is not SQLite, an SQLite file that is not SpaceSync's, and one from a newer SpaceSync.
        /// </summary>
        public static StateStore Open(string path) => Open(path, clock: null);

        /// <param name="clock">Source of every time the store writes (lock expiry included); the system clock when null.</param>
        /// <remarks>
        /// Kept apart from <see cref="Open(string)"/>: TimeProvider comes from Microsoft.Bcl.TimeProvider on netstandard2.0, and
        /// a caller outside the module's load context (the cmdlet assembly) must not bind to a signature that names it.
        /// </remarks>
        public static StateStore Open(string path, TimeProvider? clock) =>
            Open(path, clock, StateSchema.Migrations);

        internal static StateStore Open(string path, TimeProvider? clock, IReadOnlyList<SchemaMigration> migrations,
            TimeSpan? busyTimeout = null)
        {
            var busy = busyTimeout ?? DefaultBusyTimeout;
            if (string.IsNullOrWhiteSpace(path))
                throw new ArgumentException("The state file path is empty.", nameof(path));
            for (var i = 0; i < migrations.Count; i++)
                if (migrations[i].Version != i + 1)
                    throw new InvalidOperationException($"Schema migration #{i + 1} is numbered {migrations[i].Version}; steps must be 1, 2, 3, ...");

            EnsureSqliteReady();
            var fullPath = System.IO.Path.GetFullPath(path);
            var folder = System.IO.Path.GetDirectoryName(fullPath);
            // SQLite would only say "unable to open database file"; name the real cause. No folder is created:
            // a mistyped state.path must not silently start a fresh, empty state somewhere else.
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"Cannot open the state file '{fullPath}': the folder '{folder}' does not exist.");
            if (Directory.Exists(fullPath))
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"Cannot open the state file '{fullPath}': it is a folder.");

            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = fullPath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                // A pooled connection would keep the file open after Dispose (locks, temp-folder cleanup).
                Pooling = false,
                // Microsoft.Data.Sqlite retries a busy statement until its command timeout; keep it equal to SQLite's own.
                DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busy.TotalSeconds)),
            }.ToString();
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                var store = new StateStore(connection, fullPath, clock ?? TimeProvider.System, busy);
                store.Prepare(migrations);
                return store;
            }
            catch (SqliteException ex)
            {
                connection.Dispose();
                throw TranslateOpenError(ex, fullPath);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public void Dispose() => _connection.Dispose();

        /// <summary>A lock owner id for this process (see <see cref="LockOwner"/>).</summary>
        public static string NewLockOwnerId() => LockOwner.NewId();

        private static void EnsureSqliteReady()
        {
            // On Windows PowerShell 5.1 the native library must be in the process before SQLitePCL binds to it.
            SqliteNativeLibrary.EnsureLoaded();
            // Idempotent, but cheap to skip: binds SQLitePCL to the bundled e_sqlite3 native library.
            if (Interlocked.Exchange(ref s_sqliteReady, 1) == 0)
                SQLitePCL.Batteries_V2.Init();
        }

        private void Prepare(IReadOnlyList<SchemaMigration> migrations)
        {
            // PRAGMA values cannot be bound as parameters; this and the versions below are integers from code.
            Execute($"PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds}");

            // The first read of the file: SQLite reports "not a database" here. One statement, so one snapshot:
            // another process may be creating the schema right now, and a mix of before and after would look foreign.
            var (applicationId, version, objects) = Query(
                @"SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version),
                         (SELECT count(*) FROM sqlite_master)",
                r => (r.GetInt64(0), r.GetInt32(1), r.GetInt64(2)))[0];
            var isNew = applicationId == 0 && version == 0 && objects == 0;
            if (applicationId != StateSchema.ApplicationId && !isNew)
                throw new StateStoreException(StateErrorKind.NotSpaceSyncState,
                    $"'{Path}' is an SQLite database but not a SpaceSync state file (application id {applicationId}, " +
                    $"{objects} schema objects). Point state.path at a new file or at a SpaceSync state file.");
            if (version > migrations.Count)
                throw NewerSchema(version, migrations.Count);

            // WAL: readers (Get-SyncHistory) never block a running sync; FULL: a committed create intent
            // survives a power cut, which is what keeps the next run from creating a duplicate page.
            JournalMode = Scalar<string>("PRAGMA journal_mode = WAL");
            Execute("PRAGMA synchronous = FULL");

            if (version < migrations.Count)
                Migrate(migrations);
            // Off during migrations (a table rebuild must not cascade); checked before their commit.
            Execute("PRAGMA foreign_keys = ON");
            SchemaVersion = migrations.Count;
        }

        private void Migrate(IReadOnlyList<SchemaMigration> migrations)
        {
            Execute("PRAGMA foreign_keys = OFF");
            using var transaction = _connection.BeginTransaction(deferred: false);
            _transaction = transaction;
            try
            {
                // Read again under the write lock: another process may have migrated meanwhile.
                var from = (int)Scalar<long>("PRAGMA user_version");
                if (from > migrations.Count)
                    throw NewerSchema(from, migrations.Count);
                for (var i = from; i < migrations.Count; i++)
                {
                    var step = migrations[i];
                    try
                    {
                        using var command = Command("");
                        step.Apply(command);
                    }
                    catch (Exception ex)
                    {
                        throw new StateStoreException(StateErrorKind.MigrationFailed,
                            $"Upgrading the state file '{Path}' from schema version {from} failed at step {step.Version} " +
                            $"({step.Description}): {ex.Message}. The file was left at version {from}.", ex);
                    }
                }
                var broken = Scalar<long>("SELECT count(*) FROM pragma_foreign_key_check");
                if (broken != 0)
                    throw new StateStoreException(StateErrorKind.MigrationFailed,
                        $"Upgrading the state file '{Path}' from schema version {from} left {broken} broken references; " +
                        $"the file was left at version {from}.");
                Execute($"PRAGMA user_version = {migrations.Count}");
                Execute($"PRAGMA application_id = {StateSchema.ApplicationId}");
                transaction.Commit();
            }
            finally
            {
                _transaction = null;
            }
        }

        private StateStoreException NewerSchema(int fileVersion, int knownVersion) =>
            new StateStoreException(StateErrorKind.NewerSchema,
                $"The state file '{Path}' has schema version {fileVersion}, written by a newer SpaceSync; this SpaceSync " +
                $"reads schema versions up to {knownVersion}. Upgrade SpaceSync to use this file.");

        private static StateStoreException TranslateOpenError(SqliteException ex, string path) => ex.SqliteErrorCode switch
        {
            26 => new StateStoreException(StateErrorKind.NotADatabase,
                $"'{path}' is not a SpaceSync state file: it is not an SQLite database. " +
                "Point state.path at a new file or at a SpaceSync state file.", ex),
            11 => new StateStoreException(StateErrorKind.NotADatabase,
                $"The state file '{path}' is damaged (SQLite: {ex.Message}).", ex),
            _ => new StateStoreException(StateErrorKind.CannotOpen,
                $"Cannot open the state file '{path}': {ex.Message}", ex),
        };
    }
}
