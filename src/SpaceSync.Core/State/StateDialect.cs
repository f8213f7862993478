using System;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// The provider seam under <see cref="StateStore"/>: what the SQLite file and a PostgreSQL database do differently.
    /// Everything else (the SQL of every read and write, the transactions' boundaries, the records) is shared, so the two
    /// stores cannot drift: one store class, one test suite run against both. Opening, creating and migrating are each
    /// provider's own (SQLite: <see cref="StateStore.Open(string)"/>; PostgreSQL: SpaceSync.State.PostgreSql).
    /// </summary>
    internal abstract class StateDialect
    {
        /// <summary>"SQLite" or "PostgreSQL", for messages.</summary>
        public abstract string Name { get; }

        /// <summary>True for the SQLite file: archives, read-only opens and journal modes exist only there.</summary>
        public abstract bool IsFile { get; }

        /// <summary>
        /// Begins a write transaction that holds the state's write lock from its first statement: one writer at a time,
        /// as SQLite's <c>BEGIN IMMEDIATE</c> gives, so a read-then-write (the space lock) never interleaves with another's.
        /// Waits up to <paramref name="busy"/> for another writer; longer is the dialect's Busy failure.
        /// </summary>
        public abstract DbTransaction BeginWrite(DbConnection connection, TimeSpan busy);

        /// <summary>The database's failure as a <see cref="StateStoreException"/> naming the state (never a credential).</summary>
        public abstract StateStoreException Failure(DbException ex, string location, TimeSpan busy, string what, string nothing);
    }

    internal sealed class SqliteDialect : StateDialect
    {
        public static readonly SqliteDialect Instance = new SqliteDialect();

        public override string Name => "SQLite";

        public override bool IsFile => true;

        public override DbTransaction BeginWrite(DbConnection connection, TimeSpan busy) =>
            ((SqliteConnection)connection).BeginTransaction(deferred: false);

        public override StateStoreException Failure(DbException ex, string location, TimeSpan busy, string what, string nothing) =>
            ex is SqliteException sqlite
                ? StateStore.Failure(sqlite, location, busy, what, nothing)
                : new StateStoreException(StateErrorKind.StorageFailed, $"The state file '{location}' failed while {what}: {ex.Message}. {nothing}", ex);
    }
}
