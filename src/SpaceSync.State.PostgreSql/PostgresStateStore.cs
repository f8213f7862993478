using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using SpaceSync.Core.State;

namespace SpaceSync.State.PostgreSql
{
    /// <summary>
    /// Opens a <see cref="StateStore"/> on PostgreSQL: the same store, statements and transactions as the SQLite file, so
    /// several machines (runbook workers, admins' workstations) can share one state.
    /// </summary>
    /// <remarks>
    /// One scope's state is one schema (default <c>spacesync</c>) in a database: a hosted PostgreSQL that gives a team one
    /// database still holds several scopes, each in its own schema, and dropping a schema forgets a scope whole. The schema
    /// is created when absent, with every table at the current version; a schema holding other tables, or a state from a
    /// newer SpaceSync, is refused as the SQLite file is. The connection string is a secret: it is never in a message,
    /// <see cref="StateStore.Path"/> or ToString (see <see cref="Describe"/>).
    /// </remarks>
    public static class PostgresStateStore
    {
        public const string DefaultSchema = "spacesync";

        // As the SQLite store waits for another writer's BEGIN IMMEDIATE.
        private static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

        // Unquoted identifier rules (lower case: PostgreSQL folds unquoted names), so the name needs no quoting anywhere.
        private static readonly Regex SchemaName = new Regex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant);

        /// <summary>Opens the scope's state in <paramref name="schema"/> of the database the connection string names.</summary>
        public static StateStore Open(string connectionString, string schema = DefaultSchema) => Open(connectionString, schema, clock: null);

        /// <summary>
        /// Opens the scope's state for a command that only reads it; null when there is no state yet (no schema of that name,
        /// or an empty one), which is then left as it was: reading creates no schema, as reading a SQLite state creates no file.
        /// An existing state is opened as <see cref="Open(string, string)"/> opens it (an older one is migrated forward, as a
        /// SQLite file is by its reading commands), and a schema holding anything but a state is refused, writing nothing.
        /// </summary>
        public static StateStore? OpenToRead(string connectionString, string schema = DefaultSchema)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new ArgumentException("The PostgreSQL connection string is empty.", nameof(connectionString));
            if (schema is null || !SchemaName.IsMatch(schema))
                throw new ArgumentException($"The PostgreSQL schema name '{schema}' is not a plain lower-case name (a-z, 0-9, _; at most 63).", nameof(schema));
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (ArgumentException)
            {
                throw new StateStoreException(StateErrorKind.CannotOpen, "The PostgreSQL connection string cannot be read (its text is not shown: it may hold a password).");
            }

            var location = Describe(builder, schema);
            try
            {
                using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Open();
                // Anything at all in the schema (a state, or something else, which Open refuses by name): open it.
                using var probe = new NpgsqlCommand(
                    "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @schema)", connection);
                probe.Parameters.AddWithValue("schema", schema);
                if (!(bool)probe.ExecuteScalar()!) return null;
            }
            catch (Exception ex) when (ex is NpgsqlException || ex is TimeoutException)
            {
                throw PostgresDialect.Instance.Failure(ex as NpgsqlException ?? new NpgsqlException(ex.Message, ex), location, DefaultBusyTimeout,
                    StateStore.OpeningIt, "Nothing was written to it.");
            }

            return Open(connectionString, schema);
        }

        /// <param name="clock">Source of every time the store writes (lock expiry included); the system clock when null.</param>
        public static StateStore Open(string connectionString, string schema, TimeProvider? clock) =>
            Open(connectionString, schema, clock, PostgresSchema.Migrations, requireCurrent: true);

        // Its own method, never inlined: inside PowerShell the call below cannot bind (Core's TimeProvider is
        // Microsoft.Bcl.TimeProvider's, this assembly's the runtime's), and the JIT resolves a method's calls when it
        // compiles it. Only tests pass a clock, in a host where both are the same type.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static StateStore AttachWithClock(NpgsqlConnection connection, string location, int version, TimeProvider clock, TimeSpan busy,
            Func<DbConnection> connectAgain) =>
            StateStore.Attach(connection, PostgresDialect.Instance, location, version, clock, busy, connectAgain);

        internal static StateStore Open(string connectionString, string schema, TimeProvider? clock, IReadOnlyList<SchemaMigration> migrations,
            bool requireCurrent, TimeSpan? busyTimeout = null)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new ArgumentException("The PostgreSQL connection string is empty.", nameof(connectionString));
            if (schema is null || !SchemaName.IsMatch(schema))
                throw new ArgumentException($"The PostgreSQL schema name '{schema}' is not a plain lower-case name (a-z, 0-9, _; at most 63).", nameof(schema));
            var known = PostgresSchema.BaseVersion + migrations.Count;
            for (var i = 0; i < migrations.Count; i++)
                if (migrations[i].Version != PostgresSchema.BaseVersion + i + 1)
                    throw new InvalidOperationException($"PostgreSQL schema step #{i + 1} is numbered {migrations[i].Version}; steps go on from {PostgresSchema.BaseVersion}.");
            // SQLite's steps and PostgreSQL's move together: a state written by one provider reads the same on the other.
            if (requireCurrent && known != StateStore.CurrentSchemaVersion)
                throw new InvalidOperationException(
                    $"The PostgreSQL schema reaches version {known} but the state schema is at {StateStore.CurrentSchemaVersion}: add the missing PostgreSQL step.");

            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (ArgumentException)
            {
                // The parser's message may quote the string, password and all.
                throw new StateStoreException(StateErrorKind.CannotOpen, "The PostgreSQL connection string cannot be read (its text is not shown: it may hold a password).");
            }

            builder.SearchPath = schema;
            var location = Describe(builder, schema);
            var busy = busyTimeout ?? DefaultBusyTimeout;
            var connection = new NpgsqlConnection(builder.ConnectionString);
            try
            {
                connection.Open();
                Prepare(connection, schema, location, migrations, busy);
                var version = PostgresSchema.BaseVersion + migrations.Count;
                // Another connection to the schema now prepared (a run's lock heartbeat): no migration, just connect.
                var again = builder.ConnectionString;
                Func<DbConnection> connectAgain = () =>
                {
                    var another = new NpgsqlConnection(again);
                    try
                    {
                        another.Open();
                        return another;
                    }
                    catch
                    {
                        another.Dispose();
                        throw;
                    }
                };
                return clock is null
                    ? StateStore.Attach(connection, PostgresDialect.Instance, location, version, busy, connectAgain)
                    : AttachWithClock(connection, location, version, clock, busy, connectAgain);
            }
            catch (Exception ex) when (ex is NpgsqlException || ex is TimeoutException)
            {
                connection.Dispose();
                throw PostgresDialect.Instance.Failure(ex as NpgsqlException ?? new NpgsqlException(ex.Message, ex), location, busy, StateStore.OpeningIt,
                    "Nothing was written to it.");
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Where the state is, for messages and <see cref="StateStore.Path"/>: postgresql://user@host:port/database#schema.
        /// Built from the parts, never from the string itself, so no password (nor any other option) can leak.
        /// </summary>
        internal static string Describe(NpgsqlConnectionStringBuilder builder, string schema)
        {
            var user = string.IsNullOrEmpty(builder.Username) ? "" : builder.Username + "@";
            return string.Create(CultureInfo.InvariantCulture,
                $"postgresql://{user}{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}#{schema}");
        }

        /// <summary>
        /// Creates the schema at the current version, or migrates it forward, in one transaction under the state's write
        /// lock (two workers opening a new state at once: one creates it, the other finds it made). Refuses, writing
        /// nothing, a schema holding tables that are not a SpaceSync state and a state from a newer SpaceSync.
        /// </summary>
        private static void Prepare(NpgsqlConnection connection, string schema, string location, IReadOnlyList<SchemaMigration> migrations, TimeSpan busy)
        {
            var known = PostgresSchema.BaseVersion + migrations.Count;
            using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
            PostgresDialect.TakeWriteLock(connection, transaction, busy, schema);

            var schemaExists = Scalar<bool>(connection, transaction, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @schema)", schema);
            var hasVersionTable = schemaExists &&
                Scalar<bool>(connection, transaction, "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = @schema AND tablename = 'spacesync_schema')", schema);
            if (!hasVersionTable)
            {
                var objects = schemaExists
                    ? Scalar<long>(connection, transaction, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @schema", schema)
                    : 0;
                if (objects != 0)
                    throw new StateStoreException(StateErrorKind.NotSpaceSyncState,
                        $"The schema of '{location}' holds {objects} tables or other objects but no SpaceSync state. Name another schema " +
                        "(or an empty one) for the state. Nothing was written to it.");
                // Not "IF NOT EXISTS" when it exists: a user may own the schema without the right to create one in the database.
                if (!schemaExists) Run(connection, transaction, $"CREATE SCHEMA {schema}");
                foreach (var statement in PostgresSchema.CreateStatements())
                    Run(connection, transaction, statement);
                Run(connection, transaction, "INSERT INTO spacesync_schema (application_id, version, created_at) VALUES (@app, @version, @at)",
                    ("app", StateSchema.ApplicationId), ("version", PostgresSchema.BaseVersion),
                    ("at", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)));
            }

            var (applicationId, from) = ReadVersion(connection, transaction, location);
            if (applicationId != StateSchema.ApplicationId)
                throw new StateStoreException(StateErrorKind.NotSpaceSyncState,
                    $"The schema of '{location}' has a spacesync_schema table that is not SpaceSync's (application id {applicationId}). Nothing was written to it.");
            if (from > known)
                throw new StateStoreException(StateErrorKind.NewerSchema,
                    $"The PostgreSQL state '{location}' has schema version {from}, written by a newer SpaceSync; this SpaceSync " +
                    $"reads schema versions up to {known}. Upgrade SpaceSync to use this state.");
            for (var i = from - PostgresSchema.BaseVersion; i < migrations.Count; i++)
            {
                var step = migrations[i];
                try
                {
                    using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    step.Apply(command);
                }
                catch (Exception ex)
                {
                    throw new StateStoreException(StateErrorKind.MigrationFailed,
                        $"Upgrading the PostgreSQL state '{location}' from schema version {from} failed at step {step.Version} " +
                        $"({step.Description}): {ex.Message}. The state was left at version {from}.", ex);
                }
            }

            if (from < known)
                Run(connection, transaction, "UPDATE spacesync_schema SET version = @version", ("version", known));
            transaction.Commit();
        }

        private static (int ApplicationId, int Version) ReadVersion(NpgsqlConnection connection, NpgsqlTransaction transaction, string location)
        {
            using var command = new NpgsqlCommand("SELECT application_id, version FROM spacesync_schema", connection, transaction);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
                throw new StateStoreException(StateErrorKind.SchemaDamaged,
                    $"The PostgreSQL state '{location}' has no version row in spacesync_schema: it was changed outside SpaceSync. Restore it from a backup.");
            var result = (reader.GetInt32(0), reader.GetInt32(1));
            if (reader.Read())
                throw new StateStoreException(StateErrorKind.SchemaDamaged,
                    $"The PostgreSQL state '{location}' has more than one version row in spacesync_schema: it was changed outside SpaceSync.");
            return result;
        }

        private static T Scalar<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string schema)
        {
            using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue("schema", schema);
            return (T)command.ExecuteScalar()!;
        }

        private static void Run(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, object Value)[] parameters)
        {
            using var command = new NpgsqlCommand(sql, connection, transaction);
            foreach (var (name, value) in parameters)
                command.Parameters.AddWithValue(name, value);
            command.ExecuteNonQuery();
        }
    }
}
