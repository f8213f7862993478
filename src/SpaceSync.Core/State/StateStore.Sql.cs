using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace SpaceSync.Core.State
{
    // Command plumbing: values always travel as parameters; every public write runs inside InTransaction.
    public sealed partial class StateStore
    {
        private DateTimeOffset Now() => _clock.GetUtcNow();

        private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = _transaction;
            foreach (var (name, value) in parameters)
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            return command;
        }

        private int Execute(string sql, params (string Name, object? Value)[] parameters)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }

        private T Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
        {
            using var command = Command(sql, parameters);
            var value = command.ExecuteScalar();
            return value is T typed ? typed : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture)!;
        }

        private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
                rows.Add(read(reader));
            return rows;
        }

        private T? QuerySingle<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
            where T : class
        {
            var rows = Query(sql, read, parameters);
            return rows.Count == 0 ? null : rows[0];
        }

        /// <summary>
        /// Runs <paramref name="work"/> in one <c>BEGIN IMMEDIATE</c> transaction (taking the write lock up front,
        /// so read-then-write cannot interleave with another connection). Nested calls join the outer transaction.
        /// SQLite's failures become <see cref="StateStoreException"/>s (a broken schema rule: WriteRejected; another
        /// process holding the file too long: Busy); nothing of the failed unit is kept.
        /// </summary>
        private T InTransaction<T>(string what, Func<T> work)
        {
            if (_transaction != null)
                return work();
            try
            {
                using var transaction = _connection.BeginTransaction(deferred: false);
                _transaction = transaction;
                try
                {
                    var result = work();
                    transaction.Commit();
                    return result;
                }
                finally
                {
                    _transaction = null;
                }
            }
            catch (SqliteException ex)
            {
                throw ex.SqliteErrorCode switch
                {
                    19 => new StateStoreException(StateErrorKind.WriteRejected,
                        $"The state file '{Path}' refused {what}: {ex.Message}. Nothing of it was written.", ex),
                    5 or 6 => new StateStoreException(StateErrorKind.Busy,
                        $"The state file '{Path}' stayed locked by another process for more than {_busyTimeout.TotalSeconds:0.#} s " +
                        $"while {what}. Nothing of it was written.", ex),
                    _ => new StateStoreException(StateErrorKind.StorageFailed,
                        $"The state file '{Path}' failed while {what}: {ex.Message}. Nothing of it was written.", ex),
                };
            }
        }

        private void InTransaction(string what, Action work) => InTransaction(what, () => { work(); return 0; });

        private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
        private static int? Int(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
        private static long? Long(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
        private static DateTimeOffset? Time(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : StateText.ParseTime(r.GetString(i));

        private static void Require(string value, string name)
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"{name} is empty.", name);
        }
    }
}
