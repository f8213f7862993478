using System;
using System.Text;
using Microsoft.Data.Sqlite;

namespace SpaceSync.StateQuery
{
    /// <summary>
    /// <c>SpaceSync.StateQuery &lt;file&gt; &lt;sql&gt;</c>: runs one query read-only and prints each row as tab-separated
    /// values (NULL as empty), like <c>sqlite3 -readonly -separator '\t'</c>. Exit 1 with SQLite's message on failure.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: SpaceSync.StateQuery <state file> <sql>");
                return 2;
            }

            try
            {
                var builder = new SqliteConnectionStringBuilder { DataSource = args[0], Mode = SqliteOpenMode.ReadOnly, Pooling = false };
                using var connection = new SqliteConnection(builder.ToString());
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = args[1];
                using var reader = command.ExecuteReader();
                var line = new StringBuilder();
                while (reader.Read())
                {
                    line.Clear();
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        if (i > 0)
                            line.Append('\t');
                        if (!reader.IsDBNull(i))
                            line.Append(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                    }

                    Console.Out.WriteLine(line.ToString());
                }

                return 0;
            }
            catch (SqliteException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        }
    }
}
