using System.Formats.Asn1;
using System.Text;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>Encodes the request controls DirSync sends and decodes the response controls it reads.</summary>
internal static class Controls
{
    /// <summary>RFC 2696: <c>SEQUENCE { size INTEGER, cookie OCTET STRING }</c>.</summary>
    public static LdapControl PagedResults(int size, byte[] cookie)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        w.PushSequence();
        w.WriteInteger(size);
        w.WriteOctetString(cookie);
        w.PopSequence();
        return new LdapControl(LdapOids.PagedResults, false, w.Encode());
    }

    /// <summary>The cookie of a paged-results response control; empty when the search is complete.</summary>
    public static byte[] PagedResultsCookie(IReadOnlyList<LdapControl> controls)
    {
        var control = controls.FirstOrDefault(c => c.Oid == LdapOids.PagedResults);
        if (control?.Value is null)
        {
            return [];
        }

        var sequence = new AsnReader(control.Value, AsnEncodingRules.BER).ReadSequence();
        sequence.ReadInteger();
        return sequence.ReadOctetString();
    }

    /// <summary>RFC 4533 refreshOnly: <c>SEQUENCE { mode ENUMERATED, cookie OCTET STRING OPTIONAL, reloadHint BOOLEAN DEFAULT FALSE }</c>.</summary>
    public static LdapControl SyncRequest(byte[]? cookie)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        w.PushSequence();
        w.WriteEnumeratedValue(SyncMode.RefreshOnly);
        if (cookie is not null)
        {
            w.WriteOctetString(cookie);
        }

        w.PopSequence();
        return new LdapControl(LdapOids.SyncRequest, true, w.Encode());
    }

    /// <summary>RFC 4533 Sync State: the entry's state (0 present, 1 add, 2 modify, 3 delete) and UUID.</summary>
    public static (int State, Guid Uuid)? SyncState(IReadOnlyList<LdapControl> controls)
    {
        var control = controls.FirstOrDefault(c => c.Oid == LdapOids.SyncState);
        if (control?.Value is null)
        {
            return null;
        }

        var sequence = new AsnReader(control.Value, AsnEncodingRules.BER).ReadSequence();
        var state = ReadEnumerated(sequence);
        var uuid = Uuid(sequence.ReadOctetString());
        return (state, uuid);
    }

    /// <summary>RFC 4533 Sync Done: <c>SEQUENCE { cookie OCTET STRING OPTIONAL, refreshDeletes BOOLEAN DEFAULT FALSE }</c>.</summary>
    public static (byte[]? Cookie, bool RefreshDeletes)? SyncDone(IReadOnlyList<LdapControl> controls)
    {
        var control = controls.FirstOrDefault(c => c.Oid == LdapOids.SyncDone);
        if (control is null)
        {
            return null;
        }

        if (control.Value is null)
        {
            return (null, false);
        }

        var sequence = new AsnReader(control.Value, AsnEncodingRules.BER).ReadSequence();
        byte[]? cookie = null;
        var refreshDeletes = false;
        if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
        {
            cookie = sequence.ReadOctetString();
        }

        if (sequence.HasData)
        {
            refreshDeletes = sequence.ReadBoolean();
        }

        return (cookie, refreshDeletes);
    }

    /// <summary>An RFC 4533 syncInfo message (an intermediate response).</summary>
    public static SyncInfo ReadSyncInfo(byte[] value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.BER);
        var tag = reader.PeekTag();
        if (tag.TagClass != TagClass.ContextSpecific)
        {
            throw new AsnContentException("a syncInfo value is not a tagged choice");
        }

        switch (tag.TagValue)
        {
            case 0:
                return new SyncInfo(SyncInfoKind.NewCookie, reader.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)), false, []);
            case 1 or 2:
                {
                    var sequence = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, tag.TagValue, true));
                    byte[]? cookie = null;
                    if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
                    {
                        cookie = sequence.ReadOctetString();
                    }

                    return new SyncInfo(tag.TagValue == 1 ? SyncInfoKind.RefreshDelete : SyncInfoKind.RefreshPresent, cookie, false, []);
                }

            case 3:
                {
                    var sequence = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3, true));
                    byte[]? cookie = null;
                    var refreshDeletes = false;
                    if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
                    {
                        cookie = sequence.ReadOctetString();
                    }

                    if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                    {
                        refreshDeletes = sequence.ReadBoolean();
                    }

                    var uuids = new List<Guid>();
                    var set = sequence.ReadSetOf(skipSortOrderValidation: true);
                    while (set.HasData)
                    {
                        uuids.Add(Uuid(set.ReadOctetString()));
                    }

                    return new SyncInfo(SyncInfoKind.IdSet, cookie, refreshDeletes, uuids);
                }

            default:
                throw new AsnContentException($"unknown syncInfo choice [{tag.TagValue}]");
        }
    }

    /// <summary>AD DirSync: <c>SEQUENCE { flags INTEGER, maxAttributeCount INTEGER, cookie OCTET STRING }</c>.</summary>
    public static LdapControl DirSyncRequest(byte[] cookie, int flags)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        w.PushSequence();
        w.WriteInteger(flags);
        w.WriteInteger(int.MaxValue);
        w.WriteOctetString(cookie);
        w.PopSequence();
        return new LdapControl(LdapOids.DirSync, true, w.Encode());
    }

    /// <summary>AD DirSync's response: whether more changes wait, and the cookie to ask for them.</summary>
    public static (bool More, byte[] Cookie)? DirSyncResponse(IReadOnlyList<LdapControl> controls)
    {
        var control = controls.FirstOrDefault(c => c.Oid == LdapOids.DirSync);
        if (control?.Value is null)
        {
            return null;
        }

        var sequence = new AsnReader(control.Value, AsnEncodingRules.BER).ReadSequence();
        var more = sequence.ReadInteger() != 0;
        sequence.ReadInteger();
        return (more, sequence.ReadOctetString());
    }

    /// <summary>RFC 4527 post-read request: the attributes wanted back.</summary>
    public static LdapControl PostRead(params string[] attributes)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        w.PushSequence();
        foreach (var attribute in attributes)
        {
            w.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
        }

        w.PopSequence();
        return new LdapControl(LdapOids.PostRead, false, w.Encode());
    }

    /// <summary>The entry of an RFC 4527 post-read response control, or null.</summary>
    public static LdapEntry? PostReadEntry(IReadOnlyList<LdapControl> controls)
    {
        var control = controls.FirstOrDefault(c => c.Oid == LdapOids.PostRead);
        if (control?.Value is null)
        {
            return null;
        }

        var body = new AsnReader(control.Value, AsnEncodingRules.BER).ReadSequence(new Asn1Tag(TagClass.Application, LdapOperations.SearchEntry, true));
        var entry = new LdapEntry(Encoding.UTF8.GetString(body.ReadOctetString()));
        var attributes = body.ReadSequence();
        while (attributes.HasData)
        {
            var attribute = attributes.ReadSequence();
            var type = Encoding.UTF8.GetString(attribute.ReadOctetString());
            var values = attribute.ReadSetOf(skipSortOrderValidation: true);
            while (values.HasData)
            {
                entry.Add(type, values.ReadOctetString());
            }
        }

        return entry;
    }

    /// <summary>An RFC 4122 UUID in network byte order, as RFC 4533 sends it.</summary>
    public static Guid Uuid(byte[] bytes) =>
        bytes.Length == 16 ? new Guid(bytes, bigEndian: true) : throw new AsnContentException($"a UUID of {bytes.Length} bytes");

    private static int ReadEnumerated(AsnReader reader)
    {
        var bytes = reader.ReadEnumeratedBytes().Span;
        var value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private enum SyncMode
    {
        RefreshOnly = 1,
    }
}
