using System.Numerics;

namespace DirSync.Core.Formats.Ldif;

/// <summary>The RFC 2849 grammar the reader and the writer share.</summary>
internal static class LdifSyntax
{
    /// <summary>Lines longer than this are folded by the writer, as RFC 2849 recommends.</summary>
    public const int LineWidth = 76;

    /// <summary>Finds where an attribute description stops following the grammar.</summary>
    /// <returns>-1 when <paramref name="name"/> is valid; otherwise the index of the first offending
    /// character, which is the length when the name ends too early (<c>2.5.</c>, <c>cn;</c>, or empty).</returns>
    /// <remarks>
    /// An attribute type is a keyword (<c>ALPHA *(ALPHA / DIGIT / "-")</c>) or a numeric OID, followed by
    /// any number of <c>;option</c>s. RFC 2849's OID rule allows only one dot, an erratum: dotted OIDs of
    /// any length are accepted, as LDAP itself does.
    /// </remarks>
    public static int FindInvalidNameChar<T>(ReadOnlySpan<T> name)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (name.IsEmpty)
        {
            return 0;
        }

        var i = 0;
        var first = uint.CreateTruncating(name[0]);
        if (IsAlpha(first))
        {
            i = 1;
            while (i < name.Length && IsKeyChar(uint.CreateTruncating(name[i])))
            {
                i++;
            }
        }
        else if (IsDigit(first))
        {
            while (true)
            {
                if (i == name.Length || !IsDigit(uint.CreateTruncating(name[i])))
                {
                    return i;
                }

                while (i < name.Length && IsDigit(uint.CreateTruncating(name[i])))
                {
                    i++;
                }

                if (i == name.Length || uint.CreateTruncating(name[i]) != '.')
                {
                    break;
                }

                i++;
            }
        }
        else
        {
            return 0;
        }

        while (i < name.Length)
        {
            if (uint.CreateTruncating(name[i]) != ';')
            {
                return i;
            }

            i++;
            if (i == name.Length || !IsKeyChar(uint.CreateTruncating(name[i])))
            {
                return i;
            }

            while (i < name.Length && IsKeyChar(uint.CreateTruncating(name[i])))
            {
                i++;
            }
        }

        return -1;
    }

    private static bool IsAlpha(uint c) => (c | 0x20) - 'a' <= 'z' - 'a';

    private static bool IsDigit(uint c) => c - '0' <= 9;

    private static bool IsKeyChar(uint c) => IsAlpha(c) || IsDigit(c) || c == '-';
}
