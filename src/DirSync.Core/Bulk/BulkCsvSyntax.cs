using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Core.Bulk;

/// <summary>The words and characters of the Exchange administrator's bulk CSV.</summary>
public static class BulkCsvSyntax
{
    // Inside a multi-valued field Exchange writes a '%' or '\' that belongs to a value with a backslash before it.
    private static readonly SearchValues<char> MultiValueSpecials = SearchValues.Create("%\\");

    /// <summary>The name of the optional column that says what to do with each row.</summary>
    public const string ModeColumn = "Mode";

    /// <summary>A field holding exactly this (in any case) clears the attribute.</summary>
    public const string Clear = "~DEL";

    /// <summary>Separates the values of a multi-valued field.</summary>
    public const char ValueSeparator = '%';

    /// <summary>Inside a multi-valued field, comes before a <c>%</c> or a <c>\</c> that is part of a value.</summary>
    public const char ValueEscape = '\\';

    /// <summary>The accepted <c>Mode</c> values, for error messages.</summary>
    public const string AcceptedModes = "Create, Modify, Delete or Update";

    /// <summary>The accepted <c>Obj-Class</c> values, for error messages.</summary>
    public const string AcceptedClasses = "Mailbox, Remote or dl";

    /// <summary>Reads a <c>Mode</c> value, case-insensitively; an empty field means <see cref="BulkMode.Update"/>.</summary>
    public static bool TryParseMode(string text, out BulkMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        BulkMode? parsed = text.Trim().ToUpperInvariant() switch
        {
            "" or "UPDATE" => BulkMode.Update,
            "CREATE" => BulkMode.Create,
            "MODIFY" => BulkMode.Modify,
            "DELETE" => BulkMode.Delete,
            _ => null,
        };
        mode = parsed ?? BulkMode.Update;
        return parsed is not null;
    }

    /// <summary>Why <c>~DEL</c> cannot clear the attribute, or null when it can.</summary>
    public static string? WhyNotClearable(AttributeDefinition attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return attribute switch
        {
            _ when attribute == AttributeCatalog.Alias => "the alias names the recipient the row is about",
            _ when attribute == AttributeCatalog.DisplayName => "every recipient has a display name",
            _ when attribute == AttributeCatalog.TargetAddress => "a custom recipient always has a target address",
            _ => null,
        };
    }

    /// <summary>Writes the values of a multi-valued field as Exchange does: <c>%</c> between them, and <c>\%</c> and <c>\\</c> for a <c>%</c> or <c>\</c> inside one.</summary>
    /// <remarks>The values must not be empty: an empty value cannot be told from two separators in a row.</remarks>
    /// <exception cref="ArgumentException">A value is empty.</exception>
    public static string JoinValues(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 1)
        {
            return EscapeValue(values[0]);
        }

        var builder = new System.Text.StringBuilder();
        foreach (var value in values)
        {
            if (builder.Length > 0)
            {
                builder.Append(ValueSeparator);
            }

            builder.Append(EscapeValue(value));
        }

        return builder.ToString();
    }

    /// <summary>Reads the values of a multi-valued field: splits at each <c>%</c> and undoes <c>\%</c> and <c>\\</c>.</summary>
    /// <remarks>A backslash before any other character is an ordinary character, as is a backslash at the end.</remarks>
    /// <param name="text">The field, quotes already undone.</param>
    /// <param name="values">The values; one, <paramref name="text"/> itself, when it holds neither <c>%</c> nor <c>\</c>.</param>
    /// <returns>False when a value is empty (<c>a%%b</c>, <c>a%</c>).</returns>
    public static bool TrySplitValues(string text, out string[] values)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAny(MultiValueSpecials);
        if (first < 0)
        {
            // The common case — one value, nothing escaped — costs one vectorized search and no copy.
            values = [text];
            return text.Length > 0;
        }

        char[]? rented = null;
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        try
        {
            // Copies runs of ordinary characters whole, found by the same vectorized search, undoing escapes between them.
            // Every unescaped '%' ends a value, so the '%' count bounds the values; an escaped one only leaves a slot unused.
            var slots = new string[text.AsSpan().Count(ValueSeparator) + 1];
            var count = 0;
            var rest = text.AsSpan();
            int length = 0, start = 0;
            for (var at = first; ; at = rest.IndexOfAny(MultiValueSpecials))
            {
                if (at < 0)
                {
                    rest.CopyTo(buffer[length..]);
                    length += rest.Length;
                    break;
                }

                rest[..at].CopyTo(buffer[length..]);
                length += at;
                if (rest[at] == ValueSeparator)
                {
                    if (length == start)
                    {
                        values = [];
                        return false;
                    }

                    slots[count++] = new string(buffer[start..length]);
                    start = length;
                    rest = rest[(at + 1)..];
                }
                else if (at + 1 < rest.Length && rest[at + 1] is ValueSeparator or ValueEscape)
                {
                    buffer[length++] = rest[at + 1];
                    rest = rest[(at + 2)..];
                }
                else
                {
                    buffer[length++] = ValueEscape;
                    rest = rest[(at + 1)..];
                }
            }

            if (length == start)
            {
                values = [];
                return false;
            }

            slots[count++] = new string(buffer[start..length]);
            values = count == slots.Length ? slots : slots[..count];
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Reads an <c>Obj-Container</c> value: Exchange's <c>/o=Org/ou=Site/cn=Recipients/cn=Sales</c> (the organization and site left out), or a path such as <c>Recipients/Sales</c>.</summary>
    public static bool TryParseContainer(string text, [NotNullWhen(true)] out DirectoryPath? container)
    {
        ArgumentNullException.ThrowIfNull(text);
        container = null;
        var segments = new List<string>();
        foreach (var part in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                segments.Add(part);
                continue;
            }

            var type = part[..equals].Trim();
            if (type.Equals("o", StringComparison.OrdinalIgnoreCase) || type.Equals("ou", StringComparison.OrdinalIgnoreCase))
            {
                // The organization and site come before the containers, never among them.
                if (segments.Count > 0)
                {
                    return false;
                }
            }
            else if (type.Equals("cn", StringComparison.OrdinalIgnoreCase) && equals + 1 < part.Length)
            {
                segments.Add(part[(equals + 1)..]);
            }
            else
            {
                return false;
            }
        }

        return segments.Count > 0 && DirectoryPath.TryParse(string.Join('/', segments), out container, out _);
    }

    /// <summary>Reads a distribution list's member: an alias, or a directory path ending in the member's <c>cn=</c>, as Exchange writes them.</summary>
    /// <remarks>
    /// Exchange's export names members by path from the site, <c>Recipients/cn=Letters/cn=marketing</c>, or by
    /// their whole distinguished name, <c>/o=Org/ou=Site/cn=Recipients/cn=marketing</c>. An alias cannot hold a
    /// <c>/</c>, so a value with one is a path; its last <c>cn=</c> is the member's alias, which is unique in a store,
    /// so the containers before it are not compared (an import may have put everything in one container).
    /// </remarks>
    public static bool TryParseMember(string text, out string alias)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('/', StringComparison.Ordinal))
        {
            alias = text;
            return true;
        }

        return DistinguishedNames.TryParseEdk(text, out alias, out _);
    }

    private static string EscapeValue(string value)
    {
        if (value.Length == 0)
        {
            throw new ArgumentException("A value of a multi-valued field cannot be empty.", nameof(value));
        }

        if (value.AsSpan().IndexOfAny(MultiValueSpecials) < 0)
        {
            return value;
        }

        var builder = new System.Text.StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is ValueSeparator or ValueEscape)
            {
                builder.Append(ValueEscape);
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
