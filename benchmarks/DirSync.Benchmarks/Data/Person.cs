using System.Globalization;
using DirSync.Core.Model;

namespace DirSync.Benchmarks.Data;

/// <summary>One generated mailbox: an alias and twelve populated attributes, the same for the same index and seed on every machine.</summary>
/// <remarks>
/// Surnames are five syllables spelled from a bijection of the index, so aliases and display names never collide
/// (up to 2^25 people): a benchmark measures loading, not the suffixes a real directory's duplicate names get.
/// </remarks>
internal sealed partial record Person(
    string Alias,
    string DisplayName,
    string GivenName,
    string Surname,
    string Title,
    string Department,
    string Company,
    string Office,
    string Telephone,
    string Mobile,
    string City,
    string PostalCode)
{
    /// <summary>The seed every generator uses unless told otherwise.</summary>
    public const ulong DefaultSeed = 20_260_115;

    /// <summary>How many distinct people <see cref="Create"/> can make.</summary>
    public const int MaxCount = 1 << 25;

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "ba", "ri", "to", "ma", "ne", "sa", "lu",
        "go", "fe", "pa", "zi", "co", "da", "ve", "mo", "li", "na", "ro", "si", "tu", "be", "ga", "he",
    ];

    private static readonly string[] GivenNames =
    [
        "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David",
        "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel",
        "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Donald", "Sandra", "Steven",
        "Ashley", "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle", "Kevin",
        "Carol", "Brian", "Amanda", "George", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie", "Edward",
        "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob", "Kathleen", "Gary",
        "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna", "Stephen", "Brenda", "Larry",
        "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon", "Helen", "Benjamin", "Samantha", "Samuel",
        "Katherine", "Gregory", "Christine", "Alexander", "Debra", "Frank", "Rachel", "Patrick", "Carolyn", "Raymond",
        "Janet", "Jack", "Catherine", "Dennis", "Maria", "Jerry", "Heather", "Tyler", "Diane", "Aaron",
    ];

    private static readonly string[] Titles =
    [
        "Engineer", "Senior Engineer", "Manager", "Director", "Analyst", "Accountant", "Sales Representative",
        "Consultant", "Administrator", "Designer", "Technician", "Coordinator", "Specialist", "Architect",
        "Product Manager", "Support Engineer",
    ];

    private static readonly string[] Departments =
    [
        "Sales", "Marketing", "Engineering", "Finance", "Human Resources", "Operations", "Legal", "Support",
        "Research", "Manufacturing", "Purchasing", "Facilities",
    ];

    private static readonly string[] Companies = ["Testorg", "Testorg Europe", "Testorg Asia", "Testorg Labs"];

    private static readonly string[] Cities =
    [
        "Redmond", "Seattle", "Bellevue", "Dublin", "Reading", "Munich", "Paris", "Tokyo", "Sydney", "Toronto",
        "Austin", "Boston", "Chicago", "Denver", "Madrid", "Oslo",
    ];

    /// <summary>The twelve attributes every person carries, in bulk-CSV order (Common-Name first).</summary>
    public static IReadOnlyList<AttributeDefinition> Attributes { get; } =
    [
        AttributeCatalog.Alias, AttributeCatalog.DisplayName, AttributeCatalog.GivenName, AttributeCatalog.Surname,
        .. new[] { "title", "department", "company", "physicalDeliveryOfficeName", "telephoneNumber", "mobile", "l", "postalCode" }
            .Select(AttributeCatalog.Get),
    ];

    /// <summary>The descriptive attributes (the ten of <see cref="Attributes"/> that are not names of the object itself).</summary>
    public static IReadOnlyList<AttributeDefinition> Descriptive { get; } = [.. Attributes.Skip(2)];

    /// <summary>The values in the order of <see cref="Attributes"/>.</summary>
    public IReadOnlyList<string> Values =>
        [Alias, DisplayName, GivenName, Surname, Title, Department, Company, Office, Telephone, Mobile, City, PostalCode];

    /// <summary>The person with number <paramref name="index"/>.</summary>
    public static Person Create(int index, ulong seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, MaxCount);
        var random = new SplitMix64(seed ^ ((ulong)index * 0xD1B54A32D192ED03UL));

        // An odd multiplier is a bijection modulo 2^25: every index gets its own surname, spread over the alphabet.
        var code = (int)(((ulong)index * 2_654_435_761UL + seed) & (MaxCount - 1));
        Span<char> surname = stackalloc char[10];
        for (var i = 0; i < 5; i++)
        {
            var syllable = Syllables[(code >> (5 * i)) & 31];
            surname[2 * i] = i == 0 ? char.ToUpperInvariant(syllable[0]) : syllable[0];
            surname[(2 * i) + 1] = syllable[1];
        }

        var sn = new string(surname);
        var given = GivenNames[random.Next(GivenNames.Length)];
        var inv = CultureInfo.InvariantCulture;
        return new Person(
            Alias: string.Concat(given.AsSpan(0, 1), sn).ToLowerInvariant(),
            DisplayName: $"{given} {sn}",
            GivenName: given,
            Surname: sn,
            Title: Titles[random.Next(Titles.Length)],
            Department: Departments[random.Next(Departments.Length)],
            Company: Companies[random.Next(Companies.Length)],
            Office: string.Create(inv, $"B{random.Next(40) + 1}/{random.Next(900) + 100}"),
            Telephone: string.Create(inv, $"+1 425 555 {random.Next(10_000):D4}"),
            Mobile: string.Create(inv, $"+1 206 555 {random.Next(10_000):D4}"),
            City: Cities[random.Next(Cities.Length)],
            PostalCode: string.Create(inv, $"{random.Next(100_000):D5}"));
    }

    /// <summary>A mailbox object with this person's values, as a store would hold it (addresses included).</summary>
    public DirectoryObject ToMailbox(Guid guid, string domain)
    {
        var value = new DirectoryObject(guid, ObjectClass.Mailbox, Alias, DirectoryPath.Recipients) { DisplayName = DisplayName };
        SetDescriptive(value.Attributes);
        value.ProxyAddresses.Add(new ProxyAddress("SMTP", $"{Alias}@{domain}", isPrimary: true));
        value.ProxyAddresses.Add(new ProxyAddress("EDK", $"{Alias}@{domain}", isPrimary: true));
        return value;
    }

    /// <summary>Sets the descriptive values into <paramref name="attributes"/>.</summary>
    public void SetDescriptive(AttributeSet attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var values = Values;
        for (var i = 2; i < Attributes.Count; i++)
        {
            attributes.Set(Attributes[i], [values[i]]);
        }
    }
}
