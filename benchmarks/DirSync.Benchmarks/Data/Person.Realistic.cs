using System.Globalization;
using System.Text;

namespace DirSync.Benchmarks.Data;

/// <summary>The realistic shape's people: shared display names and non-ASCII names, over the uniform shape's other values.</summary>
/// <remarks>
/// Every value depends only on the index and the seed, never on the directory's size, so the first N people of a
/// larger directory are those of a smaller one and the shares below are the same at every N (docs/benchmarks.md).
/// </remarks>
internal sealed partial record Person
{
    /// <summary>People come in blocks of this many; the shared names sit at the same offsets in every block.</summary>
    public const int BlockSize = 100;

    // Offsets in a block that share one display name: four pairs and a triple, 11 people in 5 names, spread over the block.
    private static readonly int[][] SharedNameGroups = [[7, 31], [12, 50, 76], [19, 64], [42, 88], [55, 97]];

    // For each offset: the offset whose names it takes (its own unless it is in a group), and its place in that group.
    private static readonly (int Donor, int Place)[] Donors = BuildDonors();

    // Diacritics put on the vowels of the second and fourth syllables of a surname; the third set also makes l into ł.
    // Each mark is dropped or spelled back to the plain letter by folding, so accented surnames stay as distinct as the plain ones.
    private static readonly string[] AccentSets = ["áéíóú", "äëïöü", "åęîøů"];

    private static readonly (string Name, char Initial)[] AccentedGivenNames =
    [
        ("José", 'j'), ("Zoë", 'z'), ("Łukasz", 'l'), ("Søren", 's'), ("François", 'f'), ("Jürgen", 'j'), ("Björn", 'b'),
        ("Małgorzata", 'm'), ("Renée", 'r'), ("Ángel", 'a'), ("ǅemal", 'd'), ("Åsa", 'a'), ("Øystein", 'o'), ("Zoltán", 'z'),
        ("Íñigo", 'i'), ("Anaïs", 'a'), ("Chloé", 'c'), ("Jiří", 'j'), ("Tomáš", 't'), ("Þóra", 't'), ("Ævar", 'a'),
        ("Siân", 's'), ("Ömer", 'o'), ("Şükrü", 's'), ("Đorđe", 'd'), ("Mónica", 'm'), ("Hélène", 'h'), ("Günther", 'g'),
        ("Eliška", 'e'), ("Ruairí", 'r'),
    ];

    private static readonly (string Name, char Initial)[] CyrillicGivenNames =
    [
        ("Иван", 'i'), ("Ольга", 'o'), ("Дмитрий", 'd'), ("Наталья", 'n'), ("Сергей", 's'), ("Анна", 'a'),
        ("Алексей", 'a'), ("Елена", 'e'), ("Михаил", 'm'), ("Татьяна", 't'), ("Юрий", 'y'), ("Светлана", 's'),
    ];

    private static readonly (string Name, char Initial)[] CjkGivenNames =
    [
        ("太郎", 't'), ("花子", 'h'), ("健太", 'k'), ("美咲", 'm'), ("翔", 's'), ("陽菜", 'h'),
        ("大輔", 'd'), ("さくら", 's'), ("伟", 'w'), ("芳", 'f'), ("秀英", 'x'), ("明", 'm'),
    ];

    // One Cyrillic letter for each Latin letter the syllables use, and one kanji for each syllable: both one to one.
    private const string LatinLetters = "abcdefghiklmnoprstuvz";
    private const string CyrillicLetters = "абцдефгхиклмнопрстувз";
    private const string Kanji = "山川田中本木村林森井上下大小高石松竹原野花島岡橋谷北西東南長前池";

    /// <summary>The person with number <paramref name="index"/> in <paramref name="shape"/>.</summary>
    public static Person Create(int index, ulong seed, DataShape shape) =>
        shape == DataShape.Uniform ? Create(index, seed) : CreateRealistic(index, seed);

    /// <summary>The realistic shape's person <paramref name="index"/>: the uniform person's other values, with names that may be shared or non-ASCII.</summary>
    /// <remarks>
    /// Of every 100 people, 11 share a display name with one or two others (5 names; the 2nd and 3rd holders of a name
    /// get the first holder's alias with "2" or "3" appended, as administrators did); 9 have accented Latin names, 3
    /// Cyrillic and 1 Japanese (with ASCII aliases, as Exchange's are); a quarter of the Latin names read "Surname, Given".
    /// </remarks>
    public static Person CreateRealistic(int index, ulong seed = DefaultSeed)
    {
        var uniform = Create(index, seed);
        var (donor, place) = Donors[index % BlockSize];
        var names = RealisticNames(index - (index % BlockSize) + donor, seed);
        return uniform with
        {
            Alias = place == 1 ? names.Alias : string.Concat(names.Alias, place.ToString(CultureInfo.InvariantCulture)),
            DisplayName = names.DisplayName,
            GivenName = names.GivenName,
            Surname = names.Surname,
        };
    }

    /// <summary>How many of the first <paramref name="size"/> realistic people have a display name someone before them has (the names an import gives a 001 suffix).</summary>
    public static int LaterHoldersOfSharedNames(int size)
    {
        var count = 0;
        for (var offset = 0; offset < BlockSize; offset++)
        {
            if (Donors[offset].Place > 1)
            {
                count += (size / BlockSize) + (offset < size % BlockSize ? 1 : 0);
            }
        }

        return count;
    }

    private static (string Alias, string DisplayName, string GivenName, string Surname) RealisticNames(int index, ulong seed)
    {
        var uniform = Create(index, seed);
        var plain = uniform.Surname;
        var alias = uniform.Alias;

        // A stream of its own, so the uniform values above stay exactly those of the uniform shape.
        var random = new SplitMix64(~seed ^ ((ulong)index * 0xD1B54A32D192ED03UL));
        var script = random.Next(100);
        var reversed = random.Next(4) == 0;
        var accents = AccentSets[random.Next(AccentSets.Length)];
        string given;
        string surname;
        if (script < 9)
        {
            (given, var initial) = AccentedGivenNames[random.Next(AccentedGivenNames.Length)];
            surname = Accented(plain, accents);
            alias = initial + plain.ToLowerInvariant();
        }
        else if (script < 12)
        {
            (given, var initial) = CyrillicGivenNames[random.Next(CyrillicGivenNames.Length)];
            surname = Cyrillic(plain);
            return (initial + plain.ToLowerInvariant(), $"{given} {surname}", given, surname);
        }
        else if (script < 13)
        {
            (given, var initial) = CjkGivenNames[random.Next(CjkGivenNames.Length)];
            surname = InKanji(plain);
            return (initial + plain.ToLowerInvariant(), $"{surname} {given}", given, surname);
        }
        else
        {
            given = uniform.GivenName;
            surname = plain;
        }

        return (alias, reversed ? $"{surname}, {given}" : $"{given} {surname}", given, surname);
    }

    private static string Accented(string plain, string accents)
    {
        var builder = new StringBuilder(plain);
        foreach (var at in (ReadOnlySpan<int>)[2, 3, 6, 7])
        {
            var vowel = "aeiou".IndexOf(builder[at], StringComparison.Ordinal);
            if (vowel >= 0)
            {
                builder[at] = accents[vowel];
            }
            else if (builder[at] == 'l' && accents == AccentSets[2])
            {
                builder[at] = 'ł';
            }
        }

        return builder.ToString();
    }

    private static string Cyrillic(string plain)
    {
        var builder = new StringBuilder(plain.Length);
        foreach (var c in plain.ToLowerInvariant())
        {
            builder.Append(CyrillicLetters[LatinLetters.IndexOf(c, StringComparison.Ordinal)]);
        }

        builder[0] = char.ToUpperInvariant(builder[0]);
        return builder.ToString();
    }

    private static string InKanji(string plain)
    {
        var lower = plain.ToLowerInvariant();
        var builder = new StringBuilder(lower.Length / 2);
        for (var i = 0; i < lower.Length; i += 2)
        {
            builder.Append(Kanji[Array.IndexOf(Syllables, lower.Substring(i, 2))]);
        }

        return builder.ToString();
    }

    private static (int Donor, int Place)[] BuildDonors()
    {
        var donors = new (int Donor, int Place)[BlockSize];
        for (var offset = 0; offset < BlockSize; offset++)
        {
            donors[offset] = (offset, 1);
        }

        foreach (var group in SharedNameGroups)
        {
            for (var place = 0; place < group.Length; place++)
            {
                donors[group[place]] = (group[0], place + 1);
            }
        }

        return donors;
    }
}
