using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DirSync.Core.Storage;

/// <summary>What a store holds, in brief: the rows of each table and one checksum of every value, whichever backend keeps it.</summary>
/// <param name="Tables">Each table's name and row count, in <see cref="StoreTable.All"/> order.</param>
/// <param name="Checksum">SHA-256 of every table's name and rows in key order, as lower-case hex.</param>
public sealed record StoreContent(IReadOnlyList<KeyValuePair<string, long>> Tables, string Checksum)
{
    /// <summary>Reads a whole store and sums it up.</summary>
    public static async Task<StoreContent> MeasureAsync(IStoreTables store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var tables = new List<KeyValuePair<string, long>>();
        var buffer = new byte[9];
        foreach (var table in StoreTable.All)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(table.Name + "\n"));
            long rows = 0;
            await foreach (var row in store.ReadTableAsync(table, cancellationToken))
            {
                rows++;
                foreach (var value in row)
                {
                    Append(hash, value, buffer);
                }
            }

            tables.Add(KeyValuePair.Create(table.Name, rows));
        }

        return new StoreContent(tables, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>The total number of rows.</summary>
    public long Rows => Tables.Sum(t => t.Value);

    /// <summary>Fails when <paramref name="copy"/> does not hold what this does.</summary>
    /// <exception cref="StoreException">A table's row count or the checksum differ.</exception>
    public void EnsureSame(StoreContent copy, string copyName)
    {
        ArgumentNullException.ThrowIfNull(copy);
        foreach (var (table, rows) in Tables)
        {
            var copied = copy.Tables.FirstOrDefault(t => t.Key == table).Value;
            if (copied != rows)
            {
                throw new StoreException(copyName, $"the copy in '{copyName}' has {copied} rows in {table} where the store has {rows}; nothing was kept");
            }
        }

        if (copy.Checksum != Checksum)
        {
            throw new StoreException(copyName, $"the copy in '{copyName}' differs from the store in content (checksum {copy.Checksum} against {Checksum}); nothing was kept");
        }
    }

    /// <summary>Whether two summaries are of the same content.</summary>
    public bool Equals(StoreContent? other) =>
        other is not null && other.Checksum == Checksum && other.Tables.SequenceEqual(Tables);

    /// <inheritdoc/>
    public override int GetHashCode() => Checksum.GetHashCode(StringComparison.Ordinal);

    private static void Append(IncrementalHash hash, object? value, byte[] buffer)
    {
        switch (value)
        {
            case null:
                hash.AppendData([0]);
                break;
            case long number:
                buffer[0] = 1;
                BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(1), number);
                hash.AppendData(buffer);
                break;
            case int number:
                buffer[0] = 1;
                BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(1), number);
                hash.AppendData(buffer);
                break;
            case bool flag:
                hash.AppendData([5, flag ? (byte)1 : (byte)0]);
                break;
            case string text:
                AppendBytes(hash, 2, Encoding.UTF8.GetBytes(text), buffer);
                break;
            case byte[] bytes:
                AppendBytes(hash, 3, bytes, buffer);
                break;
            case Guid guid:
                hash.AppendData([4]);
                hash.AppendData(guid.ToByteArray(bigEndian: true));
                break;
            default:
                throw new ArgumentException($"a store value of an unexpected type {value.GetType().Name}", nameof(value));
        }
    }

    private static void AppendBytes(IncrementalHash hash, byte kind, byte[] bytes, byte[] buffer)
    {
        buffer[0] = kind;
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(1), bytes.Length);
        hash.AppendData(buffer);
        hash.AppendData(bytes);
    }
}
