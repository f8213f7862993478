using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace SpaceSync.Core.State
{
    // Copying a whole state to another store (StateCopy, Copy-SyncState).
    //
    // The copier names every table of the schema, in the order rows can be inserted (a row's parents first). Columns are read
    // from each database, not written here, so a column added by a later step is copied without touching this code; a table
    // neither listed here nor in NotCopied fails the copy (CopyUnknownTable) before anything is written, so a new table
    // cannot be forgotten silently. The source is read in one snapshot; the destination is written in one transaction
    // that also verifies it, so a refused or failed copy leaves the destination as it was.
    public sealed partial class StateStore
    {
        /// <summary>A table the copier writes: its name and the key its rows are read (and hashed) in order of.</summary>
        private sealed record CopiedTable(string Name, string Key, string? Identity);

        /// <summary>In insertion order: runs before spaces (last_run_id), spaces before pairs, pairs before what hangs on them.</summary>
        private static readonly CopiedTable[] CopiedTables =
        {
            new("runs", "run_id", "run_id"),
            new("spaces", "space_key", null),
            new("pairs", "pair_id", "pair_id"), // parent_pair_id points at any pair: set after all are in
            new("create_intents", "intent_id", "intent_id"),
            new("history", "history_id", "history_id"),
            new("conflicts", "conflict_id", "conflict_id"),
            new("attachment_pairs", "attachment_pair_id", "attachment_pair_id"),
            new("comment_pairs", "comment_pair_id", "comment_pair_id"),
            new("comment_intents", "intent_id", "intent_id"),
            new("cloud_folders", "space_key, folder_id", null),
            new("unsettled_pages", "space_key, side, page_id", null),
            new("restricted_pages", "space_key, page_key", null),
            new("pair_changes", "generation", null), // one row, always there: its value is set, not inserted
        };

        // Space locks are not copied: a lock is a live run's lease on the source (that run keeps writing there, not to the copy),
        // and a copied one would only block the copy's first runs until it expired. A live one in the source refuses the copy.
        private const string LocksTable = "locks";

        private const string CopyingIt = "copying a state into it";

        private const string ReadingSource = "reading it as the copy's source";

        internal static StateCopyResult CopyState(StateStore source, StateStore destination, bool force)
        {
            if (ReferenceEquals(source, destination) || (source.Provider == destination.Provider && source.Path == destination.Path))
                throw new StateStoreException(StateErrorKind.DestinationNotEmpty,
                    $"The destination is the source itself ({source}): a state cannot be copied onto itself. Nothing was written.");
            if (source.SchemaVersion != destination.SchemaVersion)
                throw new StateStoreException(StateErrorKind.CopyMismatch,
                    $"The source ({source}) is at schema version {source.SchemaVersion} and the destination ({destination}) at {destination.SchemaVersion}; " +
                    "open both with this SpaceSync (opening migrates) and copy again. Nothing was written.");

            // Every failure leaves tagged with the side it came from (StateCopy.SideOf), so the cmdlet names the store that failed:
            // the source is read inside the destination's transaction, whose own catch would otherwise claim its failures.
            return source.OnSide(StateCopySide.Source, ReadingSource, () => source.InSnapshot(() =>
            {
                var columns = source.CopyColumns();
                var now = source.Now();
                var liveSource = source.LiveLocks(now);
                if (liveSource.Count > 0)
                    throw new StateStoreException(StateErrorKind.LockHeldByOther,
                        $"A run holds space {string.Join(", ", liveSource)} of {source}: a copy now would miss what it writes next. " +
                        "Copy when no run is underway. Nothing was written.");
                var locksNotCopied = source.Scalar<long>($"SELECT COUNT(*) FROM {LocksTable}");

                return destination.OnSide(StateCopySide.Destination, CopyingIt, () => destination.InTransaction(CopyingIt, () =>
                {
                    var theirs = destination.CopyColumns();
                    foreach (var table in CopiedTables)
                        if (!columns[table.Name].OrderBy(c => c, StringComparer.Ordinal).SequenceEqual(theirs[table.Name].OrderBy(c => c, StringComparer.Ordinal)))
                            throw new StateStoreException(StateErrorKind.CopyUnknownTable,
                                $"The table {table.Name} has columns ({string.Join(", ", columns[table.Name])}) in {source} but ({string.Join(", ", theirs[table.Name])}) " +
                                $"in {destination}. Nothing was written.");

                    var held = destination.CountCopiedRows().Values.Sum();
                    if (held > 0 && !force)
                        throw new StateStoreException(StateErrorKind.DestinationNotEmpty,
                            $"The destination {destination} already holds a state ({held} rows). Copy into a new file or schema, or use -Force to replace it. Nothing was written.");
                    if (held > 0)
                    {
                        var liveThere = destination.LiveLocks(now);
                        if (liveThere.Count > 0)
                            throw new StateStoreException(StateErrorKind.LockHeldByOther,
                                $"A run holds space {string.Join(", ", liveThere)} of the destination {destination}; it is not emptied under a run. Nothing was written.");
                        destination.EmptyForCopy();
                    }

                    var sourceDigests = new Dictionary<string, (long Rows, string Hash)>();
                    foreach (var table in CopiedTables)
                        sourceDigests[table.Name] = CopyTable(source, destination, table, columns[table.Name]);
                    foreach (var table in CopiedTables)
                        if (table.Identity != null && destination._dialect.ResetIdentitySql(table.Name, table.Identity) is { } reset)
                            destination.Scalar<object>(reset);

                    var tables = CopiedTables.Select(t =>
                    {
                        var (rows, hash) = destination.Digest(t, columns[t.Name], null);
                        return new StateCopyTable(t.Name, sourceDigests[t.Name].Rows, rows, sourceDigests[t.Name].Hash, hash);
                    }).ToList();
                    var differ = tables.Where(t => !t.Matches).ToList();
                    if (differ.Count > 0)
                        throw new StateStoreException(StateErrorKind.CopyMismatch,
                            $"The copy in {destination} differs from {source}: " +
                            string.Join("; ", differ.Select(t => WhatDiffers(source, destination, CopiedTables.First(c => c.Name == t.Table), columns[t.Table], t))) +
                            ". It was rolled back: nothing was written.");
                    return new StateCopyResult(source.ToString(), destination.ToString(), tables) { Emptied = held > 0, LocksNotCopied = (int)locksNotCopied };
                }));
            }));
        }

        /// <summary>
        /// Runs <paramref name="work"/> with this store as one side of a copy: the database's failures become this store's
        /// <see cref="StateStoreException"/>, and every failure not yet tagged is tagged with <paramref name="side"/>.
        /// </summary>
        private T OnSide<T>(StateCopySide side, string what, Func<T> work)
        {
            try
            {
                return work();
            }
            catch (DbException ex)
            {
                var failure = _dialect.Failure(ex, Path, _busyTimeout, what, "Nothing was written to the destination.");
                failure.Data[StateCopy.SideKey] = side;
                throw failure;
            }
            catch (StateStoreException ex) when (StateCopy.SideOf(ex) is null)
            {
                ex.Data[StateCopy.SideKey] = side;
                throw;
            }
        }

        /// <summary>
        /// What differs in one table, for the message: the row counts, else the first row (by key) that differs and its columns.
        /// Both sides are read again: the source's snapshot and the destination's transaction are still open.
        /// </summary>
        private static string WhatDiffers(StateStore source, StateStore destination, CopiedTable table, List<string> columns, StateCopyTable digest)
        {
            if (digest.SourceRows != digest.DestinationRows)
                return $"{table.Name} has {digest.SourceRows} rows in the source and {digest.DestinationRows} in the copy";
            var keys = table.Key.Split(',').Select(k => columns.IndexOf(k.Trim())).ToList();
            using var ours = source.Rows(table, columns).GetEnumerator();
            using var theirs = destination.Rows(table, columns).GetEnumerator();
            while (source.OnSide(StateCopySide.Source, ReadingSource, ours.MoveNext) && destination.OnSide(StateCopySide.Destination, CopyingIt, theirs.MoveNext))
            {
                var row = ours.Current;
                var differing = columns.Where((_, i) => Normalised(row[i]) != Normalised(theirs.Current[i])).ToList();
                if (differing.Count > 0)
                    return $"{table.Name}'s row {string.Join(", ", keys.Select(k => $"{columns[k]} {Shown(row[k])}"))} differs in {string.Join(", ", differing)}";
            }

            return $"{table.Name}'s rows hash differently";
        }

        private static string Shown(object? value)
        {
            var text = value is null || value is DBNull ? "null" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            return text.Length > 60 ? text.Substring(0, 60) + "…" : text;
        }

        /// <summary>The table's rows in key order, read as the digest reads them (inside the copy's snapshot or transaction).</summary>
        private IEnumerable<object[]> Rows(CopiedTable table, List<string> columns)
        {
            using var command = Command($"SELECT {string.Join(", ", columns)} FROM {table.Name} ORDER BY {table.Key}");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var values = new object[columns.Count];
                reader.GetValues(values);
                yield return values;
            }
        }

        /// <summary>Rows a copy would replace, per table (locks included, the one-row pair counter not).</summary>
        internal IReadOnlyDictionary<string, long> CountCopiedRows()
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var table in CopiedTables.Where(t => t.Name != "pair_changes"))
                counts[table.Name] = Scalar<long>($"SELECT COUNT(*) FROM {table.Name}");
            counts[LocksTable] = Scalar<long>($"SELECT COUNT(*) FROM {LocksTable}");
            return counts;
        }

        /// <summary>Each copied table's columns, read from the database; a table the copier does not know is refused.</summary>
        private Dictionary<string, List<string>> CopyColumns()
        {
            var tables = Query(_dialect.TablesSql, r => r.GetString(0));
            var known = CopiedTables.Select(t => t.Name).Concat(new[] { LocksTable }).ToList();
            var unknown = tables.Except(known, StringComparer.Ordinal).ToList();
            var missing = known.Except(tables, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0 || missing.Count > 0)
                throw new StateStoreException(StateErrorKind.CopyUnknownTable,
                    $"The {this} has " + (unknown.Count > 0 ? $"tables this SpaceSync's copier does not know ({string.Join(", ", unknown)})" : "") +
                    (unknown.Count > 0 && missing.Count > 0 ? " and " : "") +
                    (missing.Count > 0 ? $"no table {string.Join(", ", missing)}" : "") +
                    ": a copy would lose rows. Nothing was written.");
            return CopiedTables.ToDictionary(t => t.Name, t => Query(_dialect.ColumnsSql, r => r.GetString(0), ("@table", t.Name)), StringComparer.Ordinal);
        }

        private List<string> LiveLocks(DateTimeOffset now) =>
            Query($"SELECT space_key, expires_at FROM {LocksTable} ORDER BY space_key", r => (Key: r.GetString(0), Until: StateText.ParseTime(r.GetString(1))))
                .Where(l => l.Until > now).Select(l => l.Key).ToList();

        /// <summary>Deletes every copied row and every lock, children first (inside the copy's transaction).</summary>
        private void EmptyForCopy()
        {
            foreach (var table in Enumerable.Reverse(CopiedTables).Where(t => t.Name != "pair_changes"))
                Execute($"DELETE FROM {table.Name}");
            Execute($"DELETE FROM {LocksTable}");
        }

        /// <summary>
        /// Streams one table from the source into the destination in key order, in multi-row inserts (<see cref="RowBatch"/>);
        /// returns the source's count and hash.
        /// </summary>
        private static (long Rows, string Hash) CopyTable(StateStore source, StateStore destination, CopiedTable table, List<string> columns)
        {
            if (table.Name == "pair_changes")
            {
                // One row, always there: its value is set, not inserted.
                return source.OnSide(StateCopySide.Source, ReadingSource, () => source.Digest(table, columns, row =>
                    destination.OnSide(StateCopySide.Destination, CopyingIt, () => destination.Execute($"UPDATE pair_changes SET {columns[0]} = @p0", ("@p0", row[0])))));
            }

            var parentAt = table.Name == "pairs" ? columns.IndexOf("parent_pair_id") : -1;
            var idAt = columns.IndexOf("pair_id");
            var parents = new List<(object Id, object Parent)>();
            using var batch = new RowBatch(destination, table.Name, columns, parentAt);
            var digest = source.OnSide(StateCopySide.Source, ReadingSource, () => source.Digest(table, columns, row =>
            {
                if (parentAt >= 0 && row[parentAt] != DBNull.Value)
                    parents.Add((row[idAt], row[parentAt]));
                destination.OnSide(StateCopySide.Destination, CopyingIt, () => batch.Add(row));
            }));
            destination.OnSide(StateCopySide.Destination, CopyingIt, () =>
            {
                batch.Flush();
                destination.SetParents(parents);
                return 0;
            });
            return digest;
        }

        /// <summary>
        /// Sets copied pairs' parents once every pair is in (a parent may come after its child in key order), many per statement.
        /// </summary>
        private void SetParents(List<(object Id, object Parent)> parents)
        {
            const int perStatement = 400; // two parameters each: far below either database's limit
            for (var start = 0; start < parents.Count; start += perStatement)
            {
                var chunk = parents.Skip(start).Take(perStatement).ToList();
                var parameters = new List<(string, object?)>();
                var cases = new StringBuilder();
                for (var i = 0; i < chunk.Count; i++)
                {
                    cases.Append(" WHEN @i").Append(i).Append(" THEN @v").Append(i);
                    parameters.Add(("@i" + i, chunk[i].Id));
                    parameters.Add(("@v" + i, chunk[i].Parent));
                }

                Execute($"UPDATE pairs SET parent_pair_id = CASE pair_id{cases} END WHERE pair_id IN ({string.Join(", ", chunk.Select((_, i) => "@i" + i))})",
                    parameters.ToArray());
            }
        }

        /// <summary>
        /// Rows bound for one table, written as multi-row INSERTs: one statement per batch rather than per row, which on
        /// PostgreSQL is one network round trip per batch. A batch ends at <see cref="MaxRows"/> rows, at
        /// <see cref="MaxParameters"/> values (SQLite allows 32766 per statement, PostgreSQL 65535) or at about
        /// <see cref="MaxBytes"/> of text and blobs, whichever comes first; the full-size statement is built once and reused.
        /// </summary>
        private sealed class RowBatch : IDisposable
        {
            private const int MaxRows = 500;
            private const int MaxParameters = 4000;
            private const long MaxBytes = 4 * 1024 * 1024;

            private readonly StateStore _store;
            private readonly string _table;
            private readonly List<string> _columns;
            private readonly int _nullAt;
            private readonly int _rowsPerBatch;
            private readonly List<object[]> _rows = new List<object[]>();
            private long _bytes;
            private DbCommand? _full;

            /// <param name="nullAt">A column written as null whatever the row holds (pairs' parent, set afterwards); -1 for none.</param>
            public RowBatch(StateStore store, string table, List<string> columns, int nullAt)
            {
                _store = store;
                _table = table;
                _columns = columns;
                _nullAt = nullAt;
                _rowsPerBatch = Math.Max(1, Math.Min(MaxRows, MaxParameters / Math.Max(1, columns.Count)));
            }

            public int Add(object[] row)
            {
                var copy = (object[])row.Clone(); // the reader reuses its array
                if (_nullAt >= 0) copy[_nullAt] = DBNull.Value;
                _rows.Add(copy);
                foreach (var value in copy)
                    _bytes += value is string s ? s.Length * 2L : value is byte[] b ? b.Length : 8;
                if (_rows.Count >= _rowsPerBatch || _bytes >= MaxBytes)
                    Flush();
                return 0;
            }

            public void Flush()
            {
                if (_rows.Count == 0) return;
                var full = _rows.Count == _rowsPerBatch;
                var command = full ? _full ??= Build(_rowsPerBatch) : Build(_rows.Count);
                try
                {
                    for (var r = 0; r < _rows.Count; r++)
                        for (var c = 0; c < _columns.Count; c++)
                            command.Parameters[r * _columns.Count + c].Value = _rows[r][c] ?? DBNull.Value;
                    command.ExecuteNonQuery();
                }
                finally
                {
                    if (!full) command.Dispose();
                }

                _rows.Clear();
                _bytes = 0;
            }

            private DbCommand Build(int rows)
            {
                var sql = new StringBuilder($"INSERT INTO {_table} ({string.Join(", ", _columns)}) VALUES ");
                var parameters = new List<(string, object?)>(rows * _columns.Count);
                for (var r = 0; r < rows; r++)
                {
                    sql.Append(r == 0 ? "(" : ", (");
                    for (var c = 0; c < _columns.Count; c++)
                    {
                        var name = "@p" + (r * _columns.Count + c).ToString(CultureInfo.InvariantCulture);
                        sql.Append(c == 0 ? "" : ", ").Append(name);
                        parameters.Add((name, null));
                    }

                    sql.Append(')');
                }

                return _store.Command(sql.ToString(), parameters.ToArray());
            }

            public void Dispose() => _full?.Dispose();
        }

        /// <summary>
        /// The table's row count and a SHA-256 of its rows in key order, each value written with its kind (null, integer, text,
        /// blob, real) so the same rows hash alike on SQLite and PostgreSQL. <paramref name="each"/> sees every row's values.
        /// </summary>
        private (long Rows, string Hash) Digest(CopiedTable table, List<string> columns, Action<object[]>? each)
        {
            using var sha = SHA256.Create();
            long rows = 0;
            Guarded(() =>
            {
                using var command = Command($"SELECT {string.Join(", ", columns)} FROM {table.Name} ORDER BY {table.Key}");
                using var reader = command.ExecuteReader();
                var values = new object[columns.Count];
                while (reader.Read())
                {
                    reader.GetValues(values);
                    var line = new StringBuilder();
                    foreach (var value in values)
                        line.Append(Normalised(value));
                    var bytes = Encoding.UTF8.GetBytes(line.Append('\n').ToString());
                    sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
                    each?.Invoke(values);
                    rows++;
                }
                return 0;
            });
            sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
            return (rows, string.Concat(sha.Hash!.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))));
        }

        /// <summary>A value as kind and text, length-prefixed, so no two different rows can write the same line.</summary>
        private static string Normalised(object? value) => value switch
        {
            null => "n;",
            DBNull => "n;",
            string s => $"t{s.Length}:{s};",
            long or int or short or byte => $"i{Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)};",
            bool b => b ? "i1;" : "i0;",
            byte[] blob => $"b{string.Concat(blob.Select(x => x.ToString("x2", CultureInfo.InvariantCulture)))};",
            double or float or decimal => $"r{Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)};",
            _ => throw new StateStoreException(StateErrorKind.UnreadableValue, $"A value of type {value.GetType().Name} cannot be copied."),
        };

        /// <summary>Runs <paramref name="work"/> reading one snapshot of the state (see <see cref="StateDialect.BeginSnapshot"/>).</summary>
        private T InSnapshot<T>(Func<T> work)
        {
            if (_transaction != null)
                throw new InvalidOperationException("A snapshot cannot start inside a transaction.");
            try
            {
                using var snapshot = _dialect.BeginSnapshot(_connection);
                _transaction = snapshot;
                try
                {
                    var result = work();
                    snapshot.Commit();
                    return result;
                }
                finally
                {
                    _transaction = null;
                }
            }
            catch (DbException ex)
            {
                throw _dialect.Failure(ex, Path, _busyTimeout, "reading it to copy", "Nothing was written to it.");
            }
        }
    }
}
