using DirSync.Core.Formats.EdkDirSync;
using DirSync.Core.Formats.Ldif;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Benchmarks.Data;

/// <summary>The same generated mailboxes in the shapes each benchmark needs.</summary>
internal static class Samples
{
    /// <summary>The domain the default templates give the benchmark site.</summary>
    public const string Domain = "Site1.Testorg.com";

    /// <summary>The store identity every sample change set names.</summary>
    public static StoreInfo Source { get; } = new(HubMessageGenerator.Anchor(Person.DefaultSeed, -1), "Testorg", "Site1", "Server1", new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero));

    public static Person[] People(int count) => [.. Enumerable.Range(0, count).Select(i => Person.Create(i))];

    public static DirectoryObject[] Mailboxes(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Person.Create(i).ToMailbox(HubMessageGenerator.Anchor(Person.DefaultSeed, i), Domain))];

    /// <summary>Add records as a full export writes them.</summary>
    public static ChangeRecord[] AddRecords(int count) =>
        [.. Mailboxes(count).Select(m => Exporter.ToRecord(m, ChangeKind.Add, InstanceSettings.DefaultExportAttributes))];

    public static ChangeSetHeader Header(ChangeSetMode mode = ChangeSetMode.Full) =>
        new(Source, "E", mode, 1, 0, 1_000_000, Source.Created, InstanceSettings.DefaultExportAttributes);

    /// <summary>LDIF add records of the kind an LDAP tool or a change set holds: object class, the twelve attributes and two addresses.</summary>
    public static LdifRecord[] LdifRecords(int count) =>
        [.. People(count).Select(p => new LdifRecord
        {
            Dn = $"cn={p.Alias},cn=Recipients,ou=Site1,o=Testorg",
            ChangeType = LdifChangeType.Add,
            Attributes =
            [
                new LdifValue("objectClass", "mailbox"),
                .. Person.Attributes.Zip(p.Values, (a, v) => new LdifValue(a.LdapName, v)),
                new LdifValue("proxyAddresses", $"SMTP:{p.Alias}@{Domain}"),
                new LdifValue("proxyAddresses", $"EDK:{p.Alias}@{Domain}"),
            ],
        })];

    /// <summary>DIRSYNC add records with the same content, in the Exchange spelling.</summary>
    public static EdkRecord[] EdkRecords(int count) =>
        [.. People(count).Select(p => new EdkRecord(
            EdkOperation.Add,
            $"/o=Testorg/ou=Site1/cn=Recipients/cn={p.Alias}",
            [
                new EdkAttribute("Obj-Class", "Mailbox"),
                .. Person.Attributes.Zip(p.Values, (a, v) => new EdkAttribute(a.ExchangeName, v)),
                new EdkAttribute("Proxy-Addresses", [$"SMTP:{p.Alias}@{Domain}", $"EDK:{p.Alias}@{Domain}"], IsIndexed: true),
            ]))];
}
