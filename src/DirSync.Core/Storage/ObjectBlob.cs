using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using DirSync.Core.Model;

namespace DirSync.Core.Storage;

/// <summary>Encodes the proxy addresses and descriptive attributes of an object into one compact blob.</summary>
/// <remarks>
/// Layout (version 1): a version byte; a varint count of proxy addresses, each a flag byte
/// (1 = primary) and a length-prefixed UTF-8 <c>TYPE:address</c>; a varint count of attributes,
/// each a varint schema id, a varint value count and length-prefixed UTF-8 values. One row per
/// object keeps a million-object load to one B-tree write per object instead of a dozen. Every store
/// backend keeps the same bytes, so a store copied between backends carries its objects unchanged.
/// </remarks>
public static class ObjectBlob
{
    private const byte Version = 1;

    /// <summary>Writes the blob of <paramref name="value"/> into <paramref name="output"/>, replacing what it held.</summary>
    public static void Encode(DirectoryObject value, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        WriteByte(output, Version);
        WriteVarint(output, (ulong)value.ProxyAddresses.Count);
        foreach (var proxy in value.ProxyAddresses)
        {
            WriteByte(output, proxy.IsPrimary ? (byte)1 : (byte)0);
            WriteAddress(output, proxy);
        }

        WriteVarint(output, (ulong)value.Attributes.Count);
        foreach (var (attribute, values) in value.Attributes)
        {
            WriteVarint(output, (ulong)attribute.Id);
            WriteVarint(output, (ulong)values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                WriteString(output, values[i]);
            }
        }
    }

    /// <summary>Adds the proxy addresses and attributes a blob holds to <paramref name="target"/>.</summary>
    /// <exception cref="InvalidDataException">The blob is of an unknown version or names an unknown attribute.</exception>
    public static void Decode(ReadOnlySpan<byte> blob, DirectoryObject target)
    {
        if (blob.IsEmpty)
        {
            return;
        }

        if (blob[0] != Version)
        {
            throw new InvalidDataException($"Unknown object blob version {blob[0]}.");
        }

        var position = 1;
        var proxies = (int)ReadVarint(blob, ref position);
        for (var i = 0; i < proxies; i++)
        {
            var primary = blob[position++] == 1;
            var text = ReadString(blob, ref position);
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            target.ProxyAddresses.Add(ProxyAddress.FromStore(text[..colon], text[(colon + 1)..], primary));
        }

        var attributes = (int)ReadVarint(blob, ref position);
        for (var i = 0; i < attributes; i++)
        {
            var id = (int)ReadVarint(blob, ref position);
            var count = (int)ReadVarint(blob, ref position);
            var values = new string[count];
            for (var v = 0; v < count; v++)
            {
                values[v] = ReadString(blob, ref position);
            }

            if (!AttributeCatalog.TryGet(id, out var attribute))
            {
                throw new InvalidDataException($"Unknown attribute id {id} in object blob.");
            }

            target.Attributes.SetFromStore(attribute, values);
        }
    }

    /// <summary>The proxy addresses alone, for diffing the proxy index without decoding attributes.</summary>
    public static List<string> DecodeProxyKeys(ReadOnlySpan<byte> blob)
    {
        var keys = new List<string>();
        if (blob.IsEmpty)
        {
            return keys;
        }

        var position = 1;
        var proxies = (int)ReadVarint(blob, ref position);
        for (var i = 0; i < proxies; i++)
        {
            position++;
            keys.Add(ReadString(blob, ref position).ToUpperInvariant());
        }

        return keys;
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }

    // TYPE:address, as one length-prefixed string, without making that string.
    private static void WriteAddress(ArrayBufferWriter<byte> output, ProxyAddress proxy)
    {
        var typeLength = Encoding.UTF8.GetByteCount(proxy.Type);
        var length = typeLength + 1 + Encoding.UTF8.GetByteCount(proxy.Address);
        WriteVarint(output, (ulong)length);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(proxy.Type, span);
        span[typeLength] = (byte)':';
        Encoding.UTF8.GetBytes(proxy.Address, span[(typeLength + 1)..]);
        output.Advance(length);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint(output, (ulong)length);
        var written = Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(written);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> blob, ref int position)
    {
        ulong value = 0;
        var shift = 0;
        while (true)
        {
            var b = blob[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }

            shift += 7;
        }
    }

    private static string ReadString(ReadOnlySpan<byte> blob, ref int position)
    {
        var length = (int)ReadVarint(blob, ref position);
        var text = Encoding.UTF8.GetString(blob.Slice(position, length));
        position += length;
        return text;
    }
}
