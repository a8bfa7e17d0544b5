using System.Globalization;
using System.Text;
using DirSync.Core.Formats.Ldif;

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

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    // The twelve attributes under their inetOrgPerson names, in Person.Values order.
    private static readonly string[] LdapNames =
        ["cn", "displayName", "givenName", "sn", "title", "departmentNumber", "o", "physicalDeliveryOfficeName", "telephoneNumber", "mobile", "l", "postalCode"];

    private static readonly string[] SqlColumns =
        ["alias", "display_name", "given_name", "surname", "title", "department", "company", "office", "telephone", "mobile", "city", "postal_code"];

    /// <summary>Writes every file for <paramref name="size"/> mailboxes into <paramref name="folder"/>; with <paramref name="csvOnly"/>, only the bulk CSV and the Modify CSV.</summary>
    public static void Write(string folder, int size, ulong seed, bool csvOnly, TextWriter log)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Person.MaxCount);
        Directory.CreateDirectory(folder);
        Timed(log, "mailboxes.csv", () => WriteBulkCsv(Path.Combine(folder, "mailboxes.csv"), size, seed));
        Timed(log, "modify.csv", () => WriteModifyCsv(Path.Combine(folder, "modify.csv"), size, seed));
        if (csvOnly)
        {
            return;
        }

        Timed(log, "slapd.ldif", () => WriteLdif(Path.Combine(folder, "slapd.ldif"), size, seed));
        Timed(log, "sqlite.sql", () => WriteSql(Path.Combine(folder, "sqlite.sql"), size, seed));
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

    private static void WriteBulkCsv(string path, int size, ulong seed)
    {
        using var writer = Create(path);
        writer.Write("Obj-Class,Mode");
        foreach (var attribute in Person.Attributes)
        {
            writer.Write(',');
            writer.Write(attribute.ExchangeName);
        }

        writer.Write("\r\n");
        for (var i = 0; i < size; i++)
        {
            writer.Write("Mailbox,Create");
            foreach (var value in Person.Create(i, seed).Values)
            {
                writer.Write(',');
                WriteCsvField(writer, value);
            }

            writer.Write("\r\n");
        }
    }

    private static void WriteModifyCsv(string path, int size, ulong seed)
    {
        using var writer = Create(path);
        writer.Write("Obj-Class,Mode,Common-Name,Title,Telephone-Office1\r\n");
        foreach (var i in ModifiedIndexes(size))
        {
            var person = Person.Create(i, seed);
            writer.Write("Mailbox,Modify,");
            WriteCsvField(writer, person.Alias);
            writer.Write(',');
            WriteCsvField(writer, "Acting " + person.Title);
            writer.Write(',');
            WriteCsvField(writer, string.Create(CultureInfo.InvariantCulture, $"+1 425 555 {(i * 7) % 10_000:D4} x{i % 1000:D3}"));
            writer.Write("\r\n");
        }
    }

    private static void WriteLdif(string path, int size, ulong seed)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new LdifWriter(stream);

        // No "version: 1" line: slapadd takes plain content records and refuses the version line as an attribute.
        Entry(writer, Suffix, ("objectClass", "organization"), ("o", Organization));
        Entry(writer, $"ou={Site},{Suffix}", ("objectClass", "organizationalUnit"), ("ou", Site));
        var parent = $"ou=Recipients,ou={Site},{Suffix}";
        Entry(writer, parent, ("objectClass", "organizationalUnit"), ("ou", "Recipients"));
        for (var i = 0; i < size; i++)
        {
            var person = Person.Create(i, seed);
            var values = person.Values;
            writer.WriteRecordStart($"cn={person.Alias},{parent}", LdifChangeType.None);
            writer.WriteAttribute("objectClass", "inetOrgPerson");
            for (var a = 0; a < LdapNames.Length; a++)
            {
                writer.WriteAttribute(LdapNames[a], values[a]);
            }

            writer.WriteAttribute("mail", Mail(person.Alias));
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

    private static void WriteSql(string path, int size, ulong seed)
    {
        using var writer = Create(path);
        writer.Write("CREATE TABLE mailboxes (obj_class TEXT NOT NULL");
        foreach (var column in SqlColumns)
        {
            writer.Write($", {column} TEXT");
        }

        writer.Write(", mail TEXT);\nBEGIN;\n");
        for (var i = 0; i < size; i++)
        {
            var person = Person.Create(i, seed);
            writer.Write("INSERT INTO mailboxes VALUES ('Mailbox'");
            foreach (var value in person.Values)
            {
                writer.Write(",'");
                writer.Write(value.Replace("'", "''", StringComparison.Ordinal));
                writer.Write('\'');
            }

            writer.Write(",'");
            writer.Write(Mail(person.Alias));
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
