using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Support;

/// <summary>Reads a store file's rows directly, for the tests that check its schema and its query plans.</summary>
internal static class SqliteRows
{
    /// <summary>One column of every row <paramref name="sql"/> returns, as text, in order.</summary>
    public static List<string> Column(SqliteConnection connection, string sql, int column, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var values = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(reader.GetValue(column).ToString()!);
        }

        return values;
    }

    /// <summary>What SQLite's EXPLAIN QUERY PLAN says it does for <paramref name="sql"/>, a line a step.</summary>
    public static List<string> Plan(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters) =>
        Column(connection, "EXPLAIN QUERY PLAN " + sql, 3, parameters);
}
