using System.Text;
using System.Text.RegularExpressions;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using DirSync.Core.Transport;
using DirSync.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Crash;

/// <summary>Everything a crash scenario's folder holds that a rerun must reproduce, as one string without the parts that legitimately differ.</summary>
/// <remarks>
/// <para>Stores are read whole: every object with its tombstones (USNs, names, addresses, attributes, origins and
/// members — no times), instances, settings (the hub's numbers among them), the hub's queues, the GAL, containers,
/// and the output of <c>server status --json</c> and <c>requestor status --json</c>.</para>
/// <para>Other files are described by meaning: a change set or a Dir-Sync message by its header and records (not
/// its creation time or checksum), anything else by its text. Message files are listed per folder without their
/// names, which hold the time they were written. Times and GUIDs that did not exist in the starting state (new
/// objects, new message ids) are shown as <c>&lt;time&gt;</c> and <c>&lt;new&gt;</c>, so two runs compare equal
/// exactly when they made the same things.</para>
/// <para>Temporary files (<c>.dirsync-tmp-*</c>) are left out and listed apart: a crash may leave them behind, and
/// what matters is that they harm nothing.</para>
/// </remarks>
internal static partial class CrashSnapshot
{
    /// <summary>The snapshot of <paramref name="folder"/>; <paramref name="known"/> holds the GUIDs shown as they are (null: all of them).</summary>
    /// <param name="folder">The folder to read.</param>
    /// <param name="known">GUIDs of the starting state; others become <c>&lt;new&gt;</c>.</param>
    /// <param name="shownAs">The folder the scenario's paths name, when <paramref name="folder"/> is a copy of it.</param>
    public static async Task<string> TakeAsync(string folder, IReadOnlySet<string>? known, string? shownAs = null)
    {
        var text = new StringBuilder();
        var messages = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var stores = (await TestStores.InAsync(folder)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".db", StringComparison.Ordinal)).Concat(stores).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            var name = Path.GetFileName(file);
            if (name.StartsWith(AtomicFile.TemporaryPrefix, StringComparison.Ordinal)
                || name.EndsWith("-wal", StringComparison.Ordinal)
                || name.EndsWith("-shm", StringComparison.Ordinal)
                || name.EndsWith("-journal", StringComparison.Ordinal))
            {
                continue;
            }

            if (stores.Contains(file))
            {
                text.Append("=== store ").Append(relative).Append('\n').Append(await StoreAsync(file));
            }
            else if (name.EndsWith(DropFolder.Extension, StringComparison.Ordinal))
            {
                var directory = Path.GetDirectoryName(relative) ?? "";
                if (!messages.TryGetValue(directory, out var list))
                {
                    messages[directory] = list = [];
                }

                list.Add(DescribeFile(file));
            }
            else
            {
                text.Append("=== file ").Append(MessageName().Replace(relative, "<message>")).Append('\n').Append(DescribeFile(file));
            }
        }

        foreach (var (directory, list) in messages)
        {
            list.Sort(StringComparer.Ordinal);
            text.Append("=== ").Append(list.Count).Append(" messages in ").Append(directory.Length == 0 ? "." : directory).Append('\n');
            foreach (var message in list)
            {
                text.Append(message);
            }
        }

        var result = text.ToString();
        if (shownAs is not null)
        {
            result = result.Replace(folder, shownAs, StringComparison.Ordinal);
        }

        return Normalize(result, known);
    }

    /// <summary>Every GUID a snapshot names.</summary>
    public static HashSet<string> Guids(string snapshot) =>
        [.. GuidPattern().Matches(snapshot).Select(m => m.Value.ToLowerInvariant())];

    /// <summary>The temporary files left in <paramref name="folder"/>, relative to it.</summary>
    public static List<string> TemporaryFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder, AtomicFile.TemporaryPrefix + "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f))
            .Order(StringComparer.Ordinal)];

    /// <summary>What is wrong with the stores in <paramref name="folder"/>: a failed integrity check, an alias or an origin anchor held twice.</summary>
    public static async Task<List<string>> ProblemsAsync(string folder)
    {
        var problems = new List<string>();
        foreach (var file in await TestStores.InAsync(folder))
        {
            var name = Path.GetFileName(file);
            if (!TestStores.OnPostgres)
            {
                await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
                connection.Open();
                using var check = connection.CreateCommand();
                check.CommandText = "PRAGMA integrity_check";
                var result = (string?)check.ExecuteScalar();
                if (result != "ok")
                {
                    problems.Add($"{name}: integrity check: {result}");
                }
            }

            await using var store = await TestStores.OpenAsync(file);
            var aliases = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var anchors = new Dictionary<(string, Guid), int>();
            await foreach (var value in store.ListAsync(RecipientFilter.All))
            {
                aliases[value.Alias] = aliases.GetValueOrDefault(value.Alias) + 1;
                if (value.Origin is { } origin)
                {
                    anchors[(origin.Source, origin.Anchor)] = anchors.GetValueOrDefault((origin.Source, origin.Anchor)) + 1;
                }
            }

            problems.AddRange(aliases.Where(a => a.Value > 1).Select(a => $"{name}: the alias '{a.Key}' is held by {a.Value} live recipients"));
            problems.AddRange(anchors.Where(a => a.Value > 1).Select(a => $"{name}: the origin {a.Key.Item1} anchor {a.Key.Item2} is held by {a.Value} live recipients"));
        }

        return problems;
    }

    private static async Task<string> StoreAsync(string path)
    {
        var text = new StringBuilder();
        await using (var store = await TestStores.OpenAsync(path))
        {
            text.Append("identity ").Append(store.Info.Identity).Append(' ').Append(store.Info.DisplayName).Append('\n');
            text.Append("highest USN ").Append(await store.GetHighestUsnAsync())
                .Append(", purged through ").Append(await store.GetPurgedThroughUsnAsync()).Append('\n');
            await foreach (var value in store.GetChangesSinceAsync(0))
            {
                text.Append($"{value.UsnCreated}/{value.UsnChanged} {value.Guid} {value.Class} '{value.Alias}' '{value.DisplayName}' in {value.Container}")
                    .Append(value.IsDeleted ? " deleted" : "")
                    .Append($" target={value.TargetAddress} origin={Origin(value.Origin)}\n");
                text.Append("  proxies: ").AppendJoin(", ", value.ProxyAddresses).Append('\n');
                foreach (var (attribute, values) in value.Attributes)
                {
                    text.Append("  ").Append(attribute.LdapName).Append(": ").AppendJoin(" | ", values).Append('\n');
                }

                text.Append("  members: ").AppendJoin(", ", value.Members.Select(m => m.Guid)).Append('\n');
            }

            foreach (var container in await store.ListContainersAsync())
            {
                text.Append("container ").Append(container.Path).Append(' ').Append(container.RecipientCount).Append('\n');
            }

            foreach (var template in await store.GetAddressTemplatesAsync())
            {
                text.Append("template ").Append(template.AddressType).Append(' ').Append(template.Template).Append('\n');
            }

            foreach (var instance in await store.ListInstancesAsync())
            {
                text.Append("instance ").Append(instance.Name).Append(' ')
                    .Append(InstanceJson.Serialize(instance.Settings)).Append(' ')
                    .Append(InstanceJson.Serialize(instance.State)).Append('\n');
            }

            foreach (var (key, value) in await store.ListSettingsAsync(""))
            {
                // The record of the last run says what that run did and how long it took: a rerun after a kill did
                // less (the rest was committed), so it differs by design; it is a view, not state that must converge.
                if (key.StartsWith(Core.Status.RunHistory.Prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                text.Append("setting ").Append(key).Append(' ').Append(value).Append('\n');
            }

            foreach (var queue in new[] { HubSettings.MasterLog, HubSettings.Outbox, HubSettings.Inbound })
            {
                await foreach (var entry in store.ReadQueueAsync(queue, 0))
                {
                    text.Append("queue ").Append(queue).Append(' ').Append(entry.Number).Append(' ').Append(entry.Origin).Append(' ')
                        .Append(Encoding.UTF8.GetString(entry.Payload)).Append('\n');
                }
            }

            await foreach (var entry in store.ListGalAsync())
            {
                text.Append($"gal {entry.Rank} '{entry.DisplayName}' {entry.Alias} {entry.Class} {entry.Address} {entry.Postoffice} {entry.Guid} {entry.SearchKey}\n");
            }
        }

        // What an administrator's scripts read: the hub numbers as the status commands print them.
        foreach (var role in new[] { "server", "requestor" })
        {
            var status = await CliRunner.RunAsync(path, role, "status", "--json");
            if (status.ExitCode == 0)
            {
                text.Append(role).Append(" status ").Append(status.Out);
            }
        }

        return text.ToString();
    }

    private static string DescribeFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return DescribeChangeSet(bytes, Path.GetFileName(path));
        }
        catch (DirSync.Core.DirSyncException)
        {
            // Not a whole change set (a CSV, a note, a cut-off file): its text is what it is.
        }

        return MessageName().Replace(Encoding.UTF8.GetString(bytes), "<message>") + "\n";
    }

    private static string DescribeChangeSet(byte[] bytes, string name)
    {
        var text = new StringBuilder();
        using var reader = ChangeSetCodecs.Default.OpenReader(new MemoryStream(bytes), name);
        var header = reader.Header;
        text.Append($"change set {reader.Format} from {header.Source.Identity} {header.Source.DisplayName} ({header.Instance}) {header.Mode} #{header.Sequence} USN {header.UsnFrom}-{header.UsnTo}")
            .Append(" attributes ").AppendJoin(",", header.Attributes.Select(a => a.LdapName)).Append('\n');
        foreach (var (key, value) in header.Extensions.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            text.Append("  ").Append(key).Append(": ").Append(value).Append('\n');
        }

        while (reader.Read(out var record))
        {
            text.Append("  ").Append(ChangeSetFile.Describe(record)).Append(" owner=").Append(record.Owner ?? "-").Append('\n');
        }

        text.Append("  records ").Append(reader.Trailer.Records).Append(reader.Trailer.Proof is null ? "" : ", with a proof").Append('\n');
        return text.ToString();
    }

    private static string Origin(ObjectOrigin? origin) => origin is null ? "-" : $"{origin.Source}|{origin.Anchor}|{origin.ImportedFrom}";

    private static string Normalize(string text, IReadOnlySet<string>? known)
    {
        text = TimePattern().Replace(text, "<time>");
        return known is null ? text : GuidPattern().Replace(text, m => known.Contains(m.Value.ToLowerInvariant()) ? m.Value : "<new>");
    }

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"\d{8}T\d{9}-[0-9a-f]{32}\.dsm")]
    private static partial Regex MessageName();
}
