using System.Runtime.CompilerServices;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Benchmarks.Data;

/// <summary>Writes the requestor messages of the hub benchmark, signed as real requestors sign them.</summary>
/// <remarks>
/// <para>Cycle 0: every requestor's first T1, with its first entry — first contact, for which the server owes it
/// the whole directory (then a hundred entries). Cycle 1: the rest of its address list as adds, acknowledging
/// cycle 0's reply. Cycle 2: <c>updates</c> modifies of its own entries, reporting that it received everything
/// cycle 1 put in the master log — as if the cycle-1 replies had reached it. <c>run.sh</c> runs cycle 0's receive
/// and send and cycle 1's receive untimed, then times <c>server receive</c> and <c>server send</c> of cycle 2.
/// (Were cycle 1 the first contact, cycle 2's replies would carry the whole directory to each requestor:
/// 100 × 0.64 GB at a million.)</para>
/// <para>Writing the messages here, rather than running <c>requestor send</c> on a hundred stores, keeps the setup
/// minutes shorter; the files are the same: <see cref="MessageFile"/> writes them with each requestor's key.</para>
/// </remarks>
internal static class HubMessageGenerator
{
    /// <summary>The password of every benchmark requestor.</summary>
    public const string Password = "bench";

    private static readonly DateTimeOffset Now = new(2026, 1, 15, 9, 0, 0, TimeSpan.Zero);
    private static readonly AttributeDefinition Title = AttributeCatalog.Get("title");

    /// <summary>The postoffice name of requestor <paramref name="number"/>.</summary>
    public static string Name(int number) => $"NET/PO{number:D3}";

    /// <summary>Writes <c>cycle0/</c>, <c>cycle1/</c>, <c>cycle2/</c> and <c>requestors.txt</c> (one name per line) into <paramref name="folder"/>.</summary>
    public static async Task WriteAsync(string folder, int requestors, int entries, int updates, ulong seed, TextWriter log)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(updates, entries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)requestors * entries, Person.MaxCount);
        var cycle0 = Path.Combine(folder, "cycle0");
        var cycle1 = Path.Combine(folder, "cycle1");
        var cycle2 = Path.Combine(folder, "cycle2");
        Directory.CreateDirectory(cycle0);
        Directory.CreateDirectory(cycle1);
        Directory.CreateDirectory(cycle2);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var names = new List<string>();
        for (var p = 1; p <= requestors; p++)
        {
            var name = Name(p);
            names.Add(name);
            var key = HubKey.Derive(name, Password);
            var sender = new StoreInfo(Anchor(seed, -p), "Testorg", $"PO{p:D3}", $"PO{p:D3}", Now);
            var first = (p - 1) * entries;

            // Cycle 0: first contact with the first entry, transaction 1; nothing received yet.
            var update = new HubMessage(
                MessageKind.RequestorUpdate, Anchor(seed ^ 3, p), name, "*", ReqSync: 1, ReqSyncWas: 0, SrvSync: 0, SrvSyncWas: 0,
                ImpSync: 0, FirstTransaction: 1, ImportRequest: false, Export: false, ImportReply: false, Error: null);
            await WriteAsync(Path.Combine(cycle0, $"c0-{p:D3}.dsm"), sender, update, Records(name, p, first, 1, 1, seed, ChangeKind.Add), key);

            // Cycle 1: the rest of the list, transactions 2..entries; cycle 0's reply (every requestor's first entry) received.
            update = update with
            {
                Id = Anchor(seed ^ 1, p), ReqSync = entries, ReqSyncWas = 1, SrvSync = requestors, FirstTransaction = 2,
            };
            await WriteAsync(Path.Combine(cycle1, $"c1-{p:D3}.dsm"), sender, update, Records(name, p, first + 1, entries - 1, 1, seed, ChangeKind.Add), key);

            // Cycle 2: modifies, transactions entries+1..; the cycle-1 reply (SrvSync = every cycle-1 update) was received.
            var step = updates == 0 ? 1 : entries / updates;
            update = update with
            {
                Id = Anchor(seed ^ 2, p), ReqSync = entries + updates, ReqSyncWas = entries, SrvSync = (long)requestors * entries, FirstTransaction = entries + 1,
            };
            await WriteAsync(Path.Combine(cycle2, $"c2-{p:D3}.dsm"), sender, update, Records(name, p, first, updates, step, seed, ChangeKind.Modify), key);
        }

        await File.WriteAllLinesAsync(Path.Combine(folder, "requestors.txt"), names);
        log.WriteLine($"wrote {requestors} x 1 cycle-0 adds, {requestors} x {entries - 1} cycle-1 adds and {requestors} x {updates} cycle-2 modifies in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    /// <summary>A GUID that depends only on the seed and the number.</summary>
    public static Guid Anchor(ulong seed, long number)
    {
        var random = new SplitMix64(seed ^ ((ulong)number * 0x9E3779B97F4A7C15UL));
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, random.Next());
        BitConverter.TryWriteBytes(bytes[8..], random.Next());
        return new Guid(bytes);
    }

    private static async Task WriteAsync(string path, StoreInfo sender, HubMessage message, IAsyncEnumerable<ChangeRecord> records, string key)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await MessageFile.WriteAsync(stream, sender, message, ChangeSetMode.Incremental, records, key, Now);
    }

    private static async IAsyncEnumerable<ChangeRecord> Records(
        string owner, int postoffice, int first, int count, int step, ulong seed, ChangeKind kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        for (var k = 0; k < count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var index = first + (k * step);
            var person = Person.Create(index, seed);
            var record = new ChangeRecord(kind, Anchor(seed, index), person.Alias, DirectoryPath.Recipients)
            {
                Class = ObjectClass.Mailbox,
                DisplayName = person.DisplayName,
                Owner = owner,
            };
            record.ProxyAddresses.Add(new ProxyAddress("SMTP", $"{person.Alias}@po{postoffice:D3}.testorg.com", isPrimary: true));
            person.SetDescriptive(record.Attributes);
            if (kind == ChangeKind.Modify)
            {
                record.Attributes.Set(Title, ["Acting " + person.Title]);
            }

            yield return record;
        }
    }
}
