using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DirSync.Sqlite;

/// <summary>A statement prepared once on the store's connection and run many times through SQLite's own API.</summary>
/// <remarks>
/// The hot paths — reading and writing objects, addresses and keys — bind parameters by index and
/// read columns as spans, without the per-execution work of ADO.NET (measured here at about 2.7 µs
/// against 0.8 µs per lookup; at a million records, ten statements each, that is the difference).
/// Errors surface as <see cref="SqliteException"/> with SQLite's codes, as ADO.NET reports them.
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private sqlite3_stmt? _statement;

    public SqliteStatement(sqlite3 db, string sql)
    {
        _db = db;
        Sql = sql;
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }

        _statement = statement;
    }

    public string Sql { get; }

    private sqlite3_stmt Handle => _statement ?? throw new ObjectDisposedException(nameof(SqliteStatement));

    public SqliteStatement Bind(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(Handle, index));
            return this;
        }

        // Encoded into a stack or pooled buffer: SQLite copies the bytes, so nothing is allocated per bind.
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 1024)
        {
            Span<byte> buffer = stackalloc byte[max];
            var length = Encoding.UTF8.GetBytes(value, buffer);
            Check(raw.sqlite3_bind_text(Handle, index, buffer[..length]));
            return this;
        }

        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            Check(raw.sqlite3_bind_text(Handle, index, rented.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return this;
    }

    public SqliteStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(Handle, index, value));
        return this;
    }

    public SqliteStatement Bind(int index, ReadOnlySpan<byte> value)
    {
        Check(raw.sqlite3_bind_blob(Handle, index, value));
        return this;
    }

    public SqliteStatement Bind(int index, Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        return Bind(index, (ReadOnlySpan<byte>)bytes);
    }

    public SqliteStatement BindNull(int index)
    {
        Check(raw.sqlite3_bind_null(Handle, index));
        return this;
    }

    /// <summary>How many times SQLite has prepared this statement again since it was made (SQLITE_STMTSTATUS_REPREPARE).</summary>
    public int Reprepared => raw.sqlite3_stmt_status(Handle, 5, 0);

    /// <summary>How many virtual-machine steps the statement has run since it was made (SQLITE_STMTSTATUS_VM_STEP).</summary>
    public int Steps => raw.sqlite3_stmt_status(Handle, 4, 0);

    /// <summary>Moves to the next row; false when the statement is done.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(Handle);
        return rc switch
        {
            raw.SQLITE_ROW => true,
            raw.SQLITE_DONE => false,
            _ => throw Error(rc),
        };
    }

    /// <summary>Makes the statement ready for its next run: rewound, parameters cleared.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(Handle);
        raw.sqlite3_clear_bindings(Handle);
    }

    /// <summary>Runs a statement that returns no rows, then resets it.</summary>
    public void Execute()
    {
        try
        {
            while (Step())
            {
            }
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs a statement and returns the first column of its first row (null when there is none), then resets it.</summary>
    public long? ScalarInt64()
    {
        try
        {
            return Step() && !IsNull(0) ? Int64(0) : null;
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs a statement and returns the GUID in the first column of its first row (null when there is none), then resets it.</summary>
    public Guid? ScalarGuid()
    {
        try
        {
            return Step() && !IsNull(0) ? Guid(0) : null;
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>True when the statement returns a row, then resets it.</summary>
    public bool Exists()
    {
        try
        {
            return Step();
        }
        finally
        {
            Reset();
        }
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(Handle, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(Handle, column);

    public int Int32(int column) => raw.sqlite3_column_int(Handle, column);

    public string Text(int column)
    {
        var bytes = raw.sqlite3_column_blob(Handle, column);
        return bytes.IsEmpty ? "" : Encoding.UTF8.GetString(bytes);
    }

    public string? TextOrNull(int column) => IsNull(column) ? null : Text(column);

    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(Handle, column);

    public Guid Guid(int column) => new(Blob(column), bigEndian: true);

    /// <summary>The rowid of the last insert on the connection.</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    /// <summary>How many rows the last statement on the connection changed.</summary>
    public int Changes => raw.sqlite3_changes(_db);

    public void Dispose()
    {
        _statement?.Dispose();
        _statement = null;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }
    }

    // The primary code is the low byte; callers test it as ADO.NET's SqliteErrorCode.
    private SqliteException Error(int rc) =>
        new(raw.sqlite3_errmsg(_db).utf8_to_string(), rc & 0xFF, raw.sqlite3_extended_errcode(_db));
}
