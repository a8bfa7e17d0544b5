using System.Globalization;
using System.Text;
using DirSync.Core.Addressing;
using DirSync.Core.Formats.Ldif;
using DirSync.Core.Model;

namespace DirSync.Benchmarks.Data;

/// <summary>Writes the deterministic inputs of <c>benchmarks/run.sh</c>: the bulk CSV, the Modify CSV, the LDIF for slapadd and the SQL for sqlite3.</summary>
internal static class DataGenerator
{
    /// <summary>The organization and site of the benchmark store; the LDIF's mail values are what its SMTP template makes.</summary>
    public const string Organization = "Testorg";

    /// <summary>The site of the benchmark store.</summary>
    public const string Site = "Site1";

    /// <summary>The LDIF's suffix.</summary>
    public const string Suffix = "o=Testorg";

    /// <summary>How many rows the Modify CSV changes (fewer when the directory is smaller).</summary>
    public const int ModifyRows = 1000;

    /// <summary>The SMTP template <c>benchmarks/run.sh</c> sets on the stores it loads with the realistic shape, as sites named people's addresses.</summary>
    public const string RealisticSmtpTemplate = "%g.%s@" + Site + "." + Organization + ".com";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    // The twelve attributes under their inetOrgPerson names, in Person.Values order.
    private static readonly string[] LdapNames =
        ["cn", "displayName", "givenName", "sn", "title", "departmentNumber", "o", "physicalDeliveryOfficeName", "telephoneNumber", "mobile", "l", "postalCode"];

    private static readonly string[] SqlColumns =
        ["alias", "display_name", "given_name", "surname", "title", "department", "company", "office", "telephone", "mobile", "city", "postal_code"];

    /// <summary>Writes every file for <paramref name="size"/> mailboxes of <paramref name="shape"/> into <paramref name="folder"/>; with <paramref name="csvOnly"/>, only the bulk CSV and the Modify CSV.</summary>
    public static void Write(string folder, int size, ulong seed, DataShape shape, bool csvOnly, TextWriter log)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Person.MaxCount);
        Directory.CreateDirectory(folder);
        if (shape == DataShape.Realistic)
        {
            // run.sh's log keeps what the checks expect of this directory.
            log.WriteLine(
                $"realistic shape: {size} mailboxes, {DistributionList.Count(size, shape)} lists of {DistributionList.Size} members, " +
                $"{Person.LaterHoldersOfSharedNames(size)} display names someone before has, SMTP template {RealisticSmtpTemplate}");
        }

        Timed(log, "mailboxes.csv", () => WriteBulkCsv(Path.Combine(folder, "mailboxes.csv"), size, seed, shape));
        Timed(log, "modify.csv", () => WriteModifyCsv(Path.Combine(folder, "modify.csv"), size, seed, shape));
        if (csvOnly)
        {
            return;
        }

        Timed(log, "slapd.ldif", () => WriteLdif(Path.Combine(folder, "slapd.ldif"), size, seed, shape));
        Timed(log, "sqlite.sql", () => WriteSql(Path.Combine(folder, "sqlite.sql"), size, seed, shape));
    }

    /// <summary>The indexes of the people the Modify CSV changes: spread evenly over the directory.</summary>
    public static IEnumerable<int> ModifiedIndexes(int size)
    {
        var count = Math.Min(ModifyRows, size);
        var step = size / count;
        return Enumerable.Range(0, count).Select(k => k * step);
    }

    /// <summary>The mail address DirSync's default SMTP template gives the alias.</summary>
    public static string Mail(string alias) => $"{alias}@{Site}.{Organization}.com";

    /// <summary>The SMTP address each of the first <paramref name="size"/> people gets when a store with the shape's templates creates them in index order.</summary>
    /// <remarks>
    /// The realistic shape's addresses come from <see cref="RealisticSmtpTemplate"/> through DirSync's own generator,
    /// with the addresses made so far as the taken ones, as a bulk import makes them: a name that folds to one already
    /// used falls back to the alias.
    /// </remarks>
    public static IEnumerable<string> Mails(int size, ulong seed, DataShape shape)
    {
        if (shape == DataShape.Uniform)
        {
            for (var i = 0; i < size; i++)
            {
                yield return Mail(Person.Create(i, seed).Alias);
            }

            yield break;
        }

        var template = AddressTemplate.Parse("SMTP", RealisticSmtpTemplate);
        var generator = new ProxyGenerator([template]);
        var taken = new HashSet<ProxyAddress>();
        for (var i = 0; i < size; i++)
        {
            var person = Person.Create(i, seed, shape);
            var names = new RecipientNames(person.Alias, person.GivenName, person.Surname, person.DisplayName, null);
            var pending = generator.GenerateAsync(template, names, (address, _) => ValueTask.FromResult(taken.Contains(address)));

            // The look-up answers at once, so the generator never waits.
            var address = pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("the address generator did not complete synchronously");
            taken.Add(address);
            yield return address.Address;
        }
    }

    private static void WriteBulkCsv(string path, int size, ulong seed, DataShape shape)
    {
        using var writer = Create(path);
        var lists = DistributionList.Count(size, shape);
        writer.Write("Obj-Class,Mode");
        foreach (var attribute in Person.Attributes)
        {
            writer.Write(',');
            writer.Write(attribute.ExchangeName);
        }

        // The uniform file keeps its columns exactly, so figures taken with it stay comparable.
        var members = shape == DataShape.Realistic;
        writer.Write(members ? ",Member\r\n" : "\r\n");
        for (var i = 0; i < size; i++)
        {
            writer.Write("Mailbox,Create");
            foreach (var value in Person.Create(i, seed, shape).Values)
            {
                writer.Write(',');
                WriteCsvField(writer, value);
            }

            writer.Write(members ? ",\r\n" : "\r\n");
        }

        // Lists after every mailbox: a list's members must exist when its row is applied.
        for (var n = 0; n < lists; n++)
        {
            var list = DistributionList.Create(n, lists);
            writer.Write("dl,Create,");
            WriteCsvField(writer, list.Alias);
            writer.Write(',');
            WriteCsvField(writer, list.DisplayName);
            writer.Write(new string(',', Person.Descriptive.Count + 1));
            for (var m = 0; m < list.Members.Count; m++)
            {
                if (m > 0)
                {
                    writer.Write('%');
                }

                // Aliases hold no '%' or '\', so none needs the Member column's escapes.
                writer.Write(Person.Create(list.Members[m], seed, shape).Alias);
            }

            writer.Write("\r\n");
        }
    }

    private static void WriteModifyCsv(string path, int size, ulong seed, DataShape shape)
    {
        using var writer = Create(path);
        writer.Write("Obj-Class,Mode,Common-Name,Title,Telephone-Office1\r\n");
        foreach (var i in ModifiedIndexes(size))
        {
            var person = Person.Create(i, seed, shape);
            writer.Write("Mailbox,Modify,");
            WriteCsvField(writer, person.Alias);
            writer.Write(',');
            WriteCsvField(writer, "Acting " + person.Title);
            writer.Write(',');
            WriteCsvField(writer, string.Create(CultureInfo.InvariantCulture, $"+1 425 555 {(i * 7) % 10_000:D4} x{i % 1000:D3}"));
            writer.Write("\r\n");
        }
    }

    private static void WriteLdif(string path, int size, ulong seed, DataShape shape)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new LdifWriter(stream);

        // No "version: 1" line: slapadd takes plain content records and refuses the version line as an attribute.
        Entry(writer, Suffix, ("objectClass", "organization"), ("o", Organization));
        Entry(writer, $"ou={Site},{Suffix}", ("objectClass", "organizationalUnit"), ("ou", Site));
        var parent = $"ou=Recipients,ou={Site},{Suffix}";
        Entry(writer, parent, ("objectClass", "organizationalUnit"), ("ou", "Recipients"));
        using var mails = Mails(size, seed, shape).GetEnumerator();
        for (var i = 0; i < size; i++)
        {
            var person = Person.Create(i, seed, shape);
            mails.MoveNext();
            var values = person.Values;
            writer.WriteRecordStart($"cn={person.Alias},{parent}", LdifChangeType.None);
            writer.WriteAttribute("objectClass", "inetOrgPerson");
            for (var a = 0; a < LdapNames.Length; a++)
            {
                writer.WriteAttribute(LdapNames[a], values[a]);
            }

            writer.WriteAttribute("mail", mails.Current);
            writer.WriteRecordEnd();
        }
    }

    private static void Entry(LdifWriter writer, string dn, params (string Name, string Value)[] values)
    {
        writer.WriteRecordStart(dn, LdifChangeType.None);
        foreach (var (name, value) in values)
        {
            writer.WriteAttribute(name, value);
        }

        writer.WriteRecordEnd();
    }

    private static void WriteSql(string path, int size, ulong seed, DataShape shape)
    {
        using var writer = Create(path);
        writer.Write("CREATE TABLE mailboxes (obj_class TEXT NOT NULL");
        foreach (var column in SqlColumns)
        {
            writer.Write($", {column} TEXT");
        }

        writer.Write(", mail TEXT);\nBEGIN;\n");
        using var mails = Mails(size, seed, shape).GetEnumerator();
        for (var i = 0; i < size; i++)
        {
            var person = Person.Create(i, seed, shape);
            mails.MoveNext();
            writer.Write("INSERT INTO mailboxes VALUES ('Mailbox'");
            foreach (var value in person.Values)
            {
                writer.Write(",'");
                writer.Write(value.Replace("'", "''", StringComparison.Ordinal));
                writer.Write('\'');
            }

            writer.Write(",'");
            writer.Write(mails.Current.Replace("'", "''", StringComparison.Ordinal));
            writer.Write("');\n");
        }

        writer.Write("COMMIT;\n");
    }

    private static void WriteCsvField(TextWriter writer, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }

    private static StreamWriter Create(string path) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), Utf8, 1 << 16) { NewLine = "\n" };

    private static void Timed(TextWriter log, string what, Action write)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        write();
        log.WriteLine($"wrote {what} in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }
}
