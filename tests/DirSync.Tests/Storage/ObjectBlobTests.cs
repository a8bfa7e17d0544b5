using System.Buffers;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using Xunit;

namespace DirSync.Tests.Storage;

public sealed class ObjectBlobTests
{
    private static DirectoryObject Sample()
    {
        var value = new DirectoryObject(Guid.Parse("01a24281-e568-7301-98ef-471d89edce4e"), ObjectClass.Mailbox, "zoe", DirectoryPath.Recipients);
        value.ProxyAddresses.Add(ProxyAddress.Parse("SMTP:zoe@x.com"));
        value.ProxyAddresses.Add(ProxyAddress.Parse("x400:c=US;s=Z"));
        value.Attributes.Set(AttributeCatalog.GivenName, ["Zoë"]);
        value.Attributes.Set(AttributeCatalog.Get("otherTelephone"), ["1", "22"]);
        return value;
    }

    [Fact]
    public void Encode_WritesTheVersionOneLayoutByteForByte()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write("left from an earlier object"u8);

        ObjectBlob.Encode(Sample(), output);

        byte[] expected =
        [
            1, // version
            2, // proxy addresses
            1, 14, .. "SMTP:zoe@x.com"u8, // primary, length, TYPE:address
            0, 13, .. "X400:c=US;s=Z"u8, // secondary: the type upper case, the flag says which
            2, // attributes, in schema order
            20, 1, 4, .. "Zo\u00eb"u8, // givenName (id 20): one value, four UTF-8 bytes
            28, 2, 1, .. "1"u8, 2, .. "22"u8, // otherTelephone (id 28): two values
        ];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Decode_OfEncode_GivesTheSameAddressesAndAttributes()
    {
        var output = new ArrayBufferWriter<byte>();
        var original = Sample();
        ObjectBlob.Encode(original, output);
        var copy = new DirectoryObject(original.Guid, original.Class, original.Alias, original.Container);

        ObjectBlob.Decode(output.WrittenSpan, copy);

        Assert.Equal(["SMTP:zoe@x.com", "x400:c=US;s=Z"], copy.ProxyAddresses.Select(p => p.ToString()));
        Assert.True(copy.Attributes.ContentEquals(original.Attributes));
        Assert.Equal(["SMTP:ZOE@X.COM", "X400:C=US;S=Z"], ObjectBlob.DecodeProxyKeys(output.WrittenSpan));
    }
}
