using System;
using System.Data.Common;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace SpaceSync.Core.State
{
    // Command plumbing: values always travel as parameters; every public write runs inside InTransaction.
    public sealed partial class StateStore
    {
        private DateTimeOffset Now() => _clock.GetUtcNow();

        private DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = _transaction;
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            return command;
        }

        private int Execute(string sql, params (string Name, object? Value)[] parameters) => Guarded(() =>
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        });

        private T Scalar<T>(string sql, params (string Name, object? Value)[] parameters) => Guarded(() =>
        {
            using var command = Command(sql, parameters);
            var value = command.ExecuteScalar();
            return value is T typed ? typed : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture)!;
        });

        private List<T> Query<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters) => Guarded(() =>
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
                rows.Add(read(reader));
            return rows;
        });

        /// <summary>
        /// Every statement runs through here: outside a transaction (reads, PRAGMAs, ATTACH) the database's failures become
        /// <see cref="StateStoreException"/>s naming the file; inside one, <see cref="InTransaction{T}"/> does it, naming the write.
        /// No raw DbException (SqliteException, NpgsqlException) leaves the store (a table dropped under a running sync included).
        /// </summary>
        private T Guarded<T>(Func<T> work)
        {
            if (_transaction != null)
                return work();
            try
            {
                return work();
            }
            catch (DbException ex)
            {
                throw _dialect.Failure(ex, Path, _busyTimeout, "reading it", "Nothing was written to it.");
            }
        }

        private T? QuerySingle<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
            where T : class
        {
            var rows = Query(sql, read, parameters);
            return rows.Count == 0 ? null : rows[0];
        }

        /// <summary>
        /// Runs <paramref name="work"/> in one write transaction that takes the state's write lock up front (SQLite:
        /// <c>BEGIN IMMEDIATE</c>; PostgreSQL: an advisory transaction lock, see <see cref="StateDialect.BeginWrite"/>), so
        /// read-then-write cannot interleave with another connection. Nested calls join the outer transaction.
        /// SQLite's failures become <see cref="StateStoreException"/>s (a broken schema rule: WriteRejected; another
        /// process holding the file too long: Busy); nothing of the failed unit is kept.
        /// </summary>
        /// <param name="fenced">
        /// False for the writes a run may make whatever became of its lock (the lock itself, its own runs row): every other
        /// write first checks, under the write lock, that the run still holds the space (<see cref="Fence"/>).
        /// </param>
        private T InTransaction<T>(string what, Func<T> work, bool fenced = true)
        {
            if (_transaction != null)
                return work();
            try
            {
                using var transaction = _dialect.BeginWrite(_connection, _busyTimeout);
                _transaction = transaction;
                try
                {
                    if (fenced) CheckFence(what);
                    var result = work();
                    transaction.Commit();
                    return result;
                }
                finally
                {
                    _transaction = null;
                }
            }
            catch (DbException ex)
            {
                throw _dialect.Failure(ex, Path, _busyTimeout, what, "Nothing of it was written.");
            }
        }

        internal const string OpeningIt = "opening it";

        /// <summary>
        /// The store as messages name it: "the state file '/path'", or "the PostgreSQL state (schema x, postgresql://user@host:port/db)"
        /// (<see cref="Path"/>'s parts: never the connection string). Not "the state file" for what is not a file.
        /// </summary>
        internal string Named
        {
            get
            {
                if (_dialect.IsFile) return $"the state file '{Path}'";
                var hash = Path.LastIndexOf('#');
                return hash < 0 ? $"the {_dialect.Name} state '{Path}'" : $"the {_dialect.Name} state (schema {Path.Substring(hash + 1)}, {Path.Substring(0, hash)})";
            }
        }

        /// <summary>SQLite's failure as a <see cref="StateStoreException"/> naming the file, what was being done and what was kept.</summary>
        internal static StateStoreException Failure(SqliteException ex, string path, TimeSpan busy, string what, string nothing)
        {
            var message = ex.Message;
            switch (ex.SqliteErrorCode)
            {
                case 19:
                    return new StateStoreException(StateErrorKind.WriteRejected, $"The state file '{path}' refused {what}: {message}. {nothing}", ex);
                case 5:
                case 6:
                    return new StateStoreException(StateErrorKind.Busy,
                        $"The state file '{path}' stayed locked by another process for more than {busy.TotalSeconds:0.#} s while {what}. {nothing}", ex);
                case 26:
                    return new StateStoreException(StateErrorKind.NotADatabase,
                        $"'{path}' is not a SpaceSync state file: it is not an SQLite database. " +
                        "Point state.path at a new file or at a SpaceSync state file.", ex);
                case 11:
                    return new StateStoreException(StateErrorKind.NotADatabase, $"The state file '{path}' is damaged (SQLite: {message}). {nothing}", ex);
                case 1 when message.IndexOf("no such table", StringComparison.OrdinalIgnoreCase) >= 0 ||
                            message.IndexOf("no such column", StringComparison.OrdinalIgnoreCase) >= 0:
                    // The schema was checked when the file was opened: something changed it since, under the run.
                    return new StateStoreException(StateErrorKind.SchemaDamaged,
                        $"The state file '{path}' lost part of its schema while {what} ({message}): it was changed outside SpaceSync. " +
                        $"Restore it from a backup. {nothing}", ex);
                default:
                    if (what == OpeningIt)
                        return new StateStoreException(StateErrorKind.CannotOpen, $"Cannot open the state file '{path}': {message}", ex);
                    return new StateStoreException(StateErrorKind.StorageFailed, $"The state file '{path}' failed while {what}: {message}. {nothing}", ex);
            }
        }

        private void InTransaction(string what, Action work, bool fenced = true) => InTransaction(what, () => { work(); return 0; }, fenced);

        private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
        private static int? Int(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
        private static long? Long(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
        private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : StateText.ParseTime(r.GetString(i));

        /// <summary>
        /// A column list less its first column, the row id: inserts leave it out and the database numbers the row (an SQLite
        /// rowid alias, a PostgreSQL identity column), where SQLite alone would take an explicit NULL for it.
        /// </summary>
        private static string WithoutId(string columns) => columns.Substring(columns.IndexOf(',') + 1).TrimStart();

        private static void Require(string value, string name)
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"{name} is empty.", name);
        }
    }
}
