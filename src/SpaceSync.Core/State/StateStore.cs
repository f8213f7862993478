using System;
using System.Collections.Generic;
using System.Data.Common;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// The sync state: pairs, create intents, runs, history, locks and conflicts, in the SQLite file at the scope's
    /// <c>state.path</c> or (SpaceSync.State.PostgreSql) in a PostgreSQL schema. One connection per instance; not
    /// thread-safe (give each thread or process its own store — the database's write lock keeps them consistent, see
    /// <see cref="StateDialect.BeginWrite"/>). Every public write is one transaction.
    /// </summary>
    public sealed partial class StateStore : IDisposable
    {
        // Another connection (a second run, a reader) may hold the write lock briefly; wait rather than fail.
        private static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

        private static int s_sqliteReady;

        private readonly DbConnection _connection;
        private readonly StateDialect _dialect;
        private readonly TimeProvider _clock;
        private readonly TimeSpan _busyTimeout;
        private DbTransaction? _transaction;
        /// <summary>Opens another store on the same state (a run's lock heartbeat); null where the provider gave no way.</summary>
        private Func<StateStore>? _openAgain;

        private StateStore(DbConnection connection, StateDialect dialect, string path, TimeProvider clock, TimeSpan busyTimeout)
        {
            _connection = connection;
            _dialect = dialect;
            _clock = clock;
            _busyTimeout = busyTimeout;
            Path = path;
        }

        /// <summary>
        /// Takes over an open connection to a database another provider (PostgreSQL) has created or migrated to
        /// <paramref name="schemaVersion"/>; the store disposes it. <paramref name="location"/> names the state in messages
        /// and <see cref="Path"/>: it must hold no credential.
        /// </summary>
        /// <summary>
        /// A provider's connection, on the system clock. No <see cref="TimeProvider"/> in the signature: inside PowerShell,
        /// Core (netstandard2.0) takes TimeProvider from Microsoft.Bcl.TimeProvider while a net8.0 provider takes the
        /// runtime's own, so a call carrying one does not bind there (MissingMethodException).
        /// </summary>
        /// <param name="connectAgain">Opens another connection to the same database and schema (for <see cref="OpenAnother"/>).</param>
        internal static StateStore Attach(DbConnection connection, StateDialect dialect, string location, int schemaVersion, TimeSpan busyTimeout,
            Func<DbConnection>? connectAgain = null) =>
            Attach(connection, dialect, location, schemaVersion, clock: null, busyTimeout, connectAgain);

        /// <summary>With a test's clock: only where both assemblies see the same TimeProvider (the test host).</summary>
        internal static StateStore Attach(DbConnection connection, StateDialect dialect, string location, int schemaVersion, TimeProvider? clock,
            TimeSpan busyTimeout, Func<DbConnection>? connectAgain = null)
        {
            var store = new StateStore(connection, dialect, location, clock ?? TimeProvider.System, busyTimeout) { SchemaVersion = schemaVersion };
            if (connectAgain != null)
                store._openAgain = () => Attach(ConnectAgain(connectAgain, dialect, location, busyTimeout), dialect, location, schemaVersion, clock,
                    busyTimeout, connectAgain);
            return store;
        }

        private static DbConnection ConnectAgain(Func<DbConnection> connect, StateDialect dialect, string location, TimeSpan busy)
        {
            try
            {
                return connect();
            }
            catch (DbException ex)
            {
                throw dialect.Failure(ex, location, busy, OpeningIt, "Nothing was written to it.");
            }
        }

        /// <summary>
        /// A second store on the same state, with its own connection and the same clock: a store is not thread-safe, so work
        /// that runs beside a run (its lock's heartbeat) needs its own. The caller disposes it.
        /// </summary>
        internal StateStore OpenAnother() =>
            _openAgain?.Invoke() ?? throw new InvalidOperationException($"The {this} cannot open a second connection to itself.");

        /// <summary>The full path of the state file; for a PostgreSQL state, its server, database and schema (no credential).</summary>
        public string Path { get; }

        /// <summary>The database holding the state: <c>SQLite</c> or <c>PostgreSQL</c>.</summary>
        public string Provider => _dialect.Name;

        /// <summary>The SQLite connection, for what only the state file has (PRAGMAs, ATTACH, its shape check).</summary>
        private SqliteConnection Sqlite => (SqliteConnection)_connection;

        /// <summary>Refuses, clearly, what only an SQLite state file can do.</summary>
        private void RequireFile(string what)
        {
            if (!_dialect.IsFile)
                throw new StateStoreException(StateErrorKind.NotSupportedByProvider,
                    $"{what} works on an SQLite state file only, not on {Named}. Nothing was changed.");
        }

        public override string ToString() => $"{_dialect.Name} state '{Path}'";

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

            // A path that holds nothing is a new state: made whole beside it and moved into place in one step, so the path never
            // holds half a state file (a crash while creating leaves only a temp file). Whatever is at the path is therefore a
            // state file to read — an empty or schema-less one was made or truncated by something else and is refused, never
            // taken for a new state (that would forget every pair and start over, creating duplicates on the next baseline).
            if (!File.Exists(fullPath))
                CreateWhole(fullPath, clock, migrations, busy); // false: another process made it meanwhile, and that one is opened
            if (new FileInfo(fullPath).Length == 0)
                throw new StateStoreException(StateErrorKind.EmptyFile,
                    $"The state file '{fullPath}' is empty (0 bytes). SpaceSync creates a state file whole, so this one was truncated or made " +
                    "by something else; it is not read as a new state, which would forget every synced pair. Restore it from a backup, " +
                    "or delete it if no space was ever baselined with it. Nothing was written to it.");
            var opened = Connect(fullPath, fullPath, SqliteOpenMode.ReadWrite, clock, busy, store => store.Prepare(migrations));
            opened._openAgain = () => Open(fullPath, clock, migrations, busyTimeout);
            return opened;
        }

        /// <summary>Opens an SQLite connection on <paramref name="file"/> and runs <paramref name="prepare"/>; SQLite's refusals name <paramref name="path"/>.</summary>
        private static StateStore Connect(string file, string path, SqliteOpenMode mode, TimeProvider? clock, TimeSpan busy, Action<StateStore> prepare)
        {
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = file,
                Mode = mode,
                // A pooled connection would keep the file open after Dispose (locks, temp-folder cleanup).
                Pooling = false,
                // Microsoft.Data.Sqlite retries a busy statement until its command timeout; keep it equal to SQLite's own.
                DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busy.TotalSeconds)),
            }.ToString();
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                var store = new StateStore(connection, SqliteDialect.Instance, path, clock ?? TimeProvider.System, busy);
                prepare(store);
                return store;
            }
            catch (SqliteException ex)
            {
                connection.Dispose();
                throw Failure(ex, path, busy, OpeningIt, "Nothing was written to it.");
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Makes a new state file at <paramref name="fullPath"/>: every migration applied to a temp file in the same folder, which
        /// is then moved to the path. False, leaving it alone, when a file is already there. Creators take turns through a
        /// gate file (<c>&lt;path&gt;.creating</c>): a move cannot refuse to replace on every platform, so the "is it there yet?"
        /// check and the move must not interleave with another creator's.
        /// </summary>
        private static bool CreateWhole(string fullPath, TimeProvider? clock, IReadOnlyList<SchemaMigration> migrations, TimeSpan busy)
        {
            var gatePath = fullPath + ".creating";
            using var gate = EnterCreationGate(gatePath, fullPath, busy);
            if (File.Exists(fullPath))
                return false;
            var folder = System.IO.Path.GetDirectoryName(fullPath) ?? ".";
            var temp = System.IO.Path.Combine(folder, "." + System.IO.Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".new");
            try
            {
                // The rollback journal (SQLite's default) leaves one self-contained file once closed: nothing beside it to move.
                Connect(temp, fullPath, SqliteOpenMode.ReadWriteCreate, clock, busy, store => store.Migrate(migrations)).Dispose();
                try
                {
                    File.Move(temp, fullPath);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new StateStoreException(StateErrorKind.CannotOpen, $"Cannot create the state file '{fullPath}': {e.Message}", e);
                }

                // Only once the file is there: a creator still waiting on this gate then finds it and opens it. After a failure the
                // gate file stays (harmless, reused): deleting it could let two waiters pass two different gates while the path is free.
                TryDeleteFile(gatePath);
                return true;
            }
            finally
            {
                TryDeleteFile(temp);
                TryDeleteFile(temp + "-journal");
            }
        }

        /// <summary>
        /// Holds <paramref name="gatePath"/> exclusively (released by the system if the process dies), waiting up to
        /// <paramref name="busy"/> for another creator.
        /// </summary>
        private static FileStream EnterCreationGate(string gatePath, string fullPath, TimeSpan busy)
        {
            // Unix: FileShare.None is an exclusive flock. Windows: share delete only, so the holder can delete the gate it holds.
            var share = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)
                ? FileShare.Delete : FileShare.None;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return new FileStream(gatePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
                }
                catch (IOException) when (waited.Elapsed < busy && File.Exists(gatePath))
                {
                    Thread.Sleep(25); // another creator holds it: its file is nearly there
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new StateStoreException(File.Exists(gatePath) ? StateErrorKind.Busy : StateErrorKind.CannotOpen,
                        $"Cannot create the state file '{fullPath}': {e.Message}", e);
                }
            }
        }

        private static void TryDeleteFile(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // A temp file left behind is named as one (.<name>.<id>.new); the state file is what counts.
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

            // The first read of the file: SQLite reports "not a database" here. One read transaction, so one snapshot: another
            // process may be migrating the file right now, and a mix of before and after would look damaged.
            long applicationId, objects;
            int version;
            HashSet<string> shape;
            using (var read = Sqlite.BeginTransaction(deferred: true))
            {
                _transaction = read;
                try
                {
                    (applicationId, version, objects) = Query(
                        @"SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version),
                                 (SELECT count(*) FROM sqlite_master)",
                        r => (r.GetInt64(0), r.GetInt32(1), r.GetInt64(2)))[0];
                    shape = ReadShape(Sqlite, read);
                    read.Commit();
                }
                finally
                {
                    _transaction = null;
                }
            }

            // Every check below comes before the first write (the journal mode): a refused file is left as it was, byte for byte.
            if (applicationId == 0 && version == 0 && objects == 0)
                throw new StateStoreException(StateErrorKind.NoSchema,
                    $"The state file '{Path}' is an SQLite database with no tables at all, not a state file SpaceSync made (it creates a state " +
                    "file whole, schema included). It is not read as a new state, which would forget every synced pair. Restore the state " +
                    "file from a backup, or delete this one if no space was ever baselined with it. Nothing was written to it.");
            if (applicationId != StateSchema.ApplicationId)
                throw new StateStoreException(StateErrorKind.NotSpaceSyncState,
                    $"'{Path}' is an SQLite database but not a SpaceSync state file (application id {applicationId}, " +
                    $"{objects} schema objects). Point state.path at a new file or at a SpaceSync state file.");
            if (version > migrations.Count)
                throw NewerSchema(version, migrations.Count);
            CheckShape(shape, version, migrations);

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
            using var transaction = Sqlite.BeginTransaction(deferred: false);
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

        /// <summary>Refuses a file missing a table, column or index that its schema version has: nothing of it is migrated or written.</summary>
        private void CheckShape(HashSet<string> shape, int version, IReadOnlyList<SchemaMigration> migrations)
        {
            var expected = ExpectedShape(migrations, version);
            var missingTables = new HashSet<string>(expected.Where(e => e.StartsWith("table ", StringComparison.Ordinal) && !shape.Contains(e))
                .Select(e => e.Substring("table ".Length)), StringComparer.Ordinal);
            // Tables first, then columns and indexes; a missing table's columns go without saying.
            var missing = expected.Where(e => !shape.Contains(e))
                .Where(e => !(e.StartsWith("column ", StringComparison.Ordinal) && missingTables.Contains(e.Substring(7, e.IndexOf('.') - 7))))
                .OrderBy(e => e.StartsWith("table ", StringComparison.Ordinal) ? 0 : e.StartsWith("column ", StringComparison.Ordinal) ? 1 : 2)
                .ThenBy(e => e, StringComparer.Ordinal).ToList();
            if (missing.Count == 0) return;
            var named = string.Join(", ", missing.Take(5)) + (missing.Count > 5 ? $" and {missing.Count - 5} more" : "");
            throw new StateStoreException(StateErrorKind.SchemaDamaged,
                $"The state file '{Path}' (schema version {version}) is missing {named}: it was changed outside SpaceSync or damaged. " +
                "SpaceSync does not rebuild a damaged state, which would forget which pages are paired; restore the file from a backup. " +
                "Nothing was written to it.");
        }

        /// <summary>The tables, columns and indexes a file at <paramref name="version"/> has: the first steps applied to an in-memory database.</summary>
        private static HashSet<string> ExpectedShape(IReadOnlyList<SchemaMigration> migrations, int version)
        {
            using var memory = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ":memory:", Pooling = false }.ToString());
            memory.Open();
            foreach (var step in migrations.Take(version))
            {
                using var command = memory.CreateCommand();
                step.Apply(command);
            }

            return ReadShape(memory, null);
        }

        /// <summary>"table t", "column t.c" and "index i" for every object of the schema (SQLite's own and automatic indexes left out).</summary>
        private static HashSet<string> ReadShape(SqliteConnection connection, SqliteTransaction? transaction)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = @"
SELECT 'table ' || name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'
UNION ALL
SELECT 'column ' || m.name || '.' || c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!'
UNION ALL
SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL";
            using var reader = command.ExecuteReader();
            var shape = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
                shape.Add(reader.GetString(0));
            return shape;
        }
    }
}
