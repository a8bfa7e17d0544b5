using System.Buffers;
using System.Globalization;
using System.Text;
using DirSync.Core.Storage;

namespace DirSync.Core.Gal;

/// <summary>Prefix search in the Global Address List, as a user types a name into the address book.</summary>
public static class GalSearch
{
    /// <summary>The most entries one search returns.</summary>
    public const int MaxLimit = 10000;

    /// <summary>How many entries a search returns unless told otherwise.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The longest search key, in characters, that the stores answer from their first-characters indexes.</summary>
    public const int ShortKeyMost = 2;

    /// <summary>How many characters (Unicode scalar values) <paramref name="key"/> has when it has 1 to <see cref="ShortKeyMost"/>; otherwise 0.</summary>
    /// <remarks>
    /// A key of one or two characters can match a tenth of a large GAL, and picking its first entries in GAL order
    /// from a range of the search index means sorting every match. Each store therefore also indexes every entry's
    /// first one and first two characters together with its rank, where such a key finds its first entries in GAL
    /// order directly; a longer key matches few entries and is searched by range. Characters are counted as the
    /// stores count them (SQLite's substr, PostgreSQL's left); a key that is not well-formed UTF-16 counts as 0.
    /// </remarks>
    public static int ShortKeyLength(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var count = 0;
        var rest = key.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != OperationStatus.Done || ++count > ShortKeyMost)
            {
                return 0;
            }

            rest = rest[used..];
        }

        return count;
    }

    /// <summary>Folds a display name or a typed prefix into the form search keys are compared in: lower case, without diacritics.</summary>
    /// <remarks>
    /// So <c>mull</c> finds <c>Müller</c>. Only marks that decompose away are removed: letters of their own such as
    /// <c>ø</c>, <c>ł</c> or <c>ß</c> stay as they are.
    /// </remarks>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Most directory names are ASCII, which has no marks to remove; this keeps a million-entry rebuild quick.
        if (Ascii.IsValid(text))
        {
            return text.ToLowerInvariant();
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(Rune.ToLowerInvariant(rune));
            }
        }

        // Recomposing keeps what survives (Hangul syllables, for one) as short as users type it.
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>The GAL entries whose display name starts with <paramref name="prefix"/> (folded), in GAL order.</summary>
    /// <exception cref="InvalidValueException">The prefix has nothing to search for, or the limit is not from 1 to <see cref="MaxLimit"/>.</exception>
    public static async Task<IReadOnlyList<GalEntry>> SearchAsync(
        IDirectoryReader store,
        string prefix,
        int limit = DefaultLimit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(prefix);
        if (limit is < 1 or > MaxLimit)
        {
            throw new InvalidValueException($"a search limit of {limit} is not valid; give a number from 1 to {MaxLimit}");
        }

        var key = string.IsNullOrWhiteSpace(prefix) ? "" : Fold(prefix);
        if (key.Length == 0)
        {
            throw new InvalidValueException("give at least one character to search for");
        }

        return await store.SearchGalAsync(key, limit, cancellationToken);
    }
}
