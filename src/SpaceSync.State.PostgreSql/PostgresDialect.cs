using System;
using System.Data;
using System.Data.Common;
using System.Globalization;
using Npgsql;
using SpaceSync.Core.State;

namespace SpaceSync.State.PostgreSql
{
    /// <summary>
    /// What PostgreSQL does differently under <see cref="StateStore"/>: the write lock and the failures.
    /// </summary>
    /// <remarks>
    /// The write lock: every write transaction (READ COMMITTED) first takes a transaction-scoped advisory lock keyed by the
    /// state's schema, <c>pg_advisory_xact_lock(ApplicationId, hashtext(schema))</c>. So, as SQLite's <c>BEGIN IMMEDIATE</c>
    /// does, one writer at a time per state, on any machine, and each statement after the lock sees every earlier commit
    /// (READ COMMITTED takes a fresh snapshot per statement): a read-then-write such as taking a space's lock cannot
    /// interleave with another worker's. Chosen over SERIALIZABLE-with-retry (a retry re-runs the caller's work and
    /// counters) and over FOR UPDATE (a lock row that does not exist yet cannot be locked, so two first takers could both
    /// insert). The lock is released by commit or rollback, and by the server when a worker's connection dies: a killed
    /// worker never leaves it held. Writers of a state queue on it; each holds it for one page's outcome (milliseconds),
    /// while the work between outcomes is HTTP. Readers never wait (MVCC). Two schemas whose names hash alike only queue
    /// together: the key serialises, it does not identify.
    /// </remarks>
    internal sealed class PostgresDialect : StateDialect
    {
        public static readonly PostgresDialect Instance = new PostgresDialect();

        public override string Name => "PostgreSQL";

        public override bool IsFile => false;

        public override DbTransaction BeginWrite(DbConnection connection, TimeSpan busy)
        {
            var transaction = ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.ReadCommitted);
            try
            {
                TakeWriteLock((NpgsqlConnection)connection, transaction, busy, schema: null);
                return transaction;
            }
            catch
            {
                transaction.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Takes the state's write lock inside <paramref name="transaction"/>, waiting at most <paramref name="busy"/> (then
        /// lock_not_available: Busy). <paramref name="schema"/> null: the connection's schema (search_path), which must exist.
        /// </summary>
        internal static void TakeWriteLock(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan busy, string? schema)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // SET LOCAL: the timeout ends with the transaction, so a pooled connection goes back as it came.
            command.CommandText =
                "SET LOCAL lock_timeout = " + Math.Max(1, (long)busy.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "; " +
                "SELECT pg_advisory_xact_lock(" + StateSchema.ApplicationId.ToString(CultureInfo.InvariantCulture) + ", hashtext(" +
                (schema is null ? "current_schema()" : "@schema") + "))";
            if (schema != null) command.Parameters.AddWithValue("schema", schema);
            command.ExecuteNonQuery();
        }

        // spacesync_schema is this provider's version row (SQLite keeps it in PRAGMAs): each side's open writes its own.
        public override string TablesSql =>
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' " +
            "AND table_name <> 'spacesync_schema' ORDER BY 1";

        public override string ColumnsSql =>
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position";

        // REPEATABLE READ: every statement of the copy sees the snapshot its first one took.
        public override DbTransaction BeginSnapshot(DbConnection connection) =>
            ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.RepeatableRead);

        // Rows inserted with their ids leave the identity's sequence behind: the next insert would collide with a copied id.
        public override string? ResetIdentitySql(string table, string idColumn) =>
            $"SELECT setval(pg_get_serial_sequence('{table}', '{idColumn}'), COALESCE((SELECT MAX({idColumn}) FROM {table}), 0) + 1, false)";

        public override StateStoreException Failure(DbException ex, string location, TimeSpan busy, string what, string nothing)
        {
            if (ex is PostgresException pg)
            {
                // The words of SQLite's constraint failures lead, so a message reads the same whichever store refused.
                var rule = pg.SqlState switch
                {
                    PostgresErrorCodes.ForeignKeyViolation => "FOREIGN KEY constraint failed",
                    PostgresErrorCodes.UniqueViolation => "UNIQUE constraint failed",
                    PostgresErrorCodes.CheckViolation => "CHECK constraint failed",
                    PostgresErrorCodes.NotNullViolation => "NOT NULL constraint failed",
                    _ => null,
                };
                if (rule != null)
                    return new StateStoreException(StateErrorKind.WriteRejected,
                        $"The PostgreSQL state '{location}' refused {what}: {rule} ({pg.MessageText}). {nothing}", ex);
                switch (pg.SqlState)
                {
                    case PostgresErrorCodes.LockNotAvailable:
                    case PostgresErrorCodes.DeadlockDetected:
                    case PostgresErrorCodes.SerializationFailure:
                        return new StateStoreException(StateErrorKind.Busy,
                            $"The PostgreSQL state '{location}' stayed locked by another writer for more than {busy.TotalSeconds:0.#} s while {what}. {nothing}", ex);
                    case PostgresErrorCodes.UndefinedTable:
                    case PostgresErrorCodes.UndefinedColumn:
                    case PostgresErrorCodes.UndefinedFunction:
                        return new StateStoreException(StateErrorKind.SchemaDamaged,
                            $"The PostgreSQL state '{location}' lost part of its schema while {what} ({pg.MessageText}): it was changed outside SpaceSync. " +
                            $"Restore it from a backup. {nothing}", ex);
                }
            }

            // Npgsql's own messages (connection refused, timeout, authentication) name the server, never the password.
            return what == StateStore.OpeningIt
                ? new StateStoreException(StateErrorKind.CannotOpen, $"Cannot open the PostgreSQL state '{location}': {ex.Message}", ex)
                : new StateStoreException(StateErrorKind.StorageFailed, $"The PostgreSQL state '{location}' failed while {what}: {ex.Message}. {nothing}", ex);
        }
    }
}
