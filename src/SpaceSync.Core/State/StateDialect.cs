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

        // ---- copying a whole state (StateCopy)

        /// <summary>A query listing the state's tables (one text column), the provider's own bookkeeping left out.</summary>
        public abstract string TablesSql { get; }

        /// <summary>A query listing the columns of table <c>@table</c> (one text column), in their declared order.</summary>
        public abstract string ColumnsSql { get; }

        /// <summary>A read-only transaction that sees one snapshot of the state throughout, so a copy reads one moment of it.</summary>
        public abstract DbTransaction BeginSnapshot(DbConnection connection);

        /// <summary>
        /// A statement that makes the next generated id of <paramref name="table"/> follow its largest <paramref name="idColumn"/>
        /// after rows were inserted with their ids given; null where the database numbers from the largest id anyway (SQLite's rowid).
        /// </summary>
        public virtual string? ResetIdentitySql(string table, string idColumn) => null;
    }

    internal sealed class SqliteDialect : StateDialect
    {
        public static readonly SqliteDialect Instance = new SqliteDialect();

        public override string Name => "SQLite";

        public override bool IsFile => true;

        public override DbTransaction BeginWrite(DbConnection connection, TimeSpan busy) =>
            ((SqliteConnection)connection).BeginTransaction(deferred: false);

        public override string TablesSql => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite^_%' ESCAPE '^' ORDER BY name";

        public override string ColumnsSql => "SELECT name FROM pragma_table_info(@table) ORDER BY cid";

        // Deferred: the snapshot starts at the first read and holds (WAL) until the end, whatever writers commit meanwhile.
        public override DbTransaction BeginSnapshot(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

        public override StateStoreException Failure(DbException ex, string location, TimeSpan busy, string what, string nothing) =>
            ex is SqliteException sqlite
                ? StateStore.Failure(sqlite, location, busy, what, nothing)
                : new StateStoreException(StateErrorKind.StorageFailed, $"The state file '{location}' failed while {what}: {ex.Message}. {nothing}", ex);
    }
}
