using System.Text;

namespace DirSync.Tests.Support;

/// <summary>Everything a store shows, as one string: two equal snapshots mean the store did not change.</summary>
/// <remarks>
/// Reads what scripts see (<c>info</c>, <c>recipients list</c>, <c>address-template list</c> and
/// <c>container list</c>, all as JSON) and, straight from the store, what they do not: every object
/// with its USNs and times, tombstones included, and the purge watermark.
/// </remarks>
public static class StoreSnapshot
{
    public static async Task<string> TakeAsync(string storePath)
    {
        var snapshot = new StringBuilder();
        foreach (var command in new[] { "info", "recipients list", "address-template list", "container list" })
        {
            var result = await CliRunner.RunAsync(storePath, [.. command.Split(' '), "--json"]);
            if (result.ExitCode != 0 || result.Error.Length > 0)
            {
                throw new InvalidOperationException($"'{command} --json' failed while taking a snapshot: {result}");
            }

            snapshot.Append("== ").Append(command).Append('\n').Append(result.Out);
        }

        await using var store = await TestStores.OpenAsync(storePath);
        snapshot.Append("== objects, purged through USN ").Append(await store.GetPurgedThroughUsnAsync()).Append('\n');
        await foreach (var value in store.GetChangesSinceAsync(0))
        {
            snapshot.Append($"{value.UsnCreated} {value.UsnChanged} {value.Guid} {value.Class} {value.Alias} deleted={value.IsDeleted} {value.WhenCreated:O} {value.WhenChanged:O}\n");
        }

        return snapshot.ToString();
    }
}
