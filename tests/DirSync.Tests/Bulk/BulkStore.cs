using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DirSync.Core.Bulk;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Bulk;

/// <summary>A store in a temp folder for the bulk tests, with ways to import into it and to state what it holds.</summary>
internal sealed class BulkStore : IDisposable
{
    private BulkStore(TempFolder folder)
    {
        Folder = folder;
        Path = folder.File("dirsync.db");
    }

    public TempFolder Folder { get; }

    public string Path { get; }

    public static async Task<BulkStore> CreateAsync()
    {
        var store = new BulkStore(new TempFolder());
        await (await StoreFactory.CreateAsync(store.Path)).DisposeAsync();
        return store;
    }

    /// <summary>Writes <paramref name="csv"/> to a file in the folder and returns its path.</summary>
    public string WriteFile(string name, string csv)
    {
        var path = Folder.File(name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(csv));
        return path;
    }

    public async Task<BulkImportResult> ImportAsync(string file, BulkImportOptions? options = null)
    {
        await using var store = await SqliteDirectoryStore.OpenAsync(Path);
        return await new BulkImporter(store).ImportAsync(file, options);
    }

    public async Task<BulkImportResult> ImportTextAsync(string csv, BulkImportOptions? options = null) =>
        await ImportAsync(WriteFile("input.csv", csv), options);

    public async Task<BulkExportResult> ExportAsync(string file, BulkExportOptions? options = null)
    {
        await using var store = await SqliteDirectoryStore.OpenAsync(Path);
        return await new BulkExporter(store).ExportAsync(file, options);
    }

    public async Task RunAsync(Func<IDirectoryStore, Task> work)
    {
        await using var store = await SqliteDirectoryStore.OpenAsync(Path);
        await work(store);
    }

    /// <summary>Every live recipient, by alias: <c>alias | display | class | container | proxies | target | attributes | members | usns</c>.</summary>
    public async Task<List<string>> DescribeAsync(bool withUsns = true)
    {
        var lines = new List<string>();
        await using var store = await SqliteDirectoryStore.OpenAsync(Path);
        await foreach (var value in store.ListAsync(RecipientFilter.All))
        {
            var attributes = string.Join(";", value.Attributes.Select(a => $"{a.Key.LdapName}={string.Join(',', a.Value)}"));
            lines.Add(string.Join(
                " | ",
                value.Alias,
                value.DisplayName,
                value.Class.ToToken(),
                value.Container.Value,
                string.Join(',', value.ProxyAddresses),
                value.TargetAddress?.ToString() ?? "-",
                attributes.Length == 0 ? "-" : BulkDump.Show(attributes),
                string.Join(',', value.Members.Select(m => m.Alias)),
                withUsns ? $"{value.UsnCreated}/{value.UsnChanged}" : "")
                .TrimEnd(' ', '|'));
        }

        return lines;
    }

    /// <summary>Every live recipient as indented JSON without the values that differ from run to run (anchors and times).</summary>
    public async Task<byte[]> ToJsonAsync()
    {
        var stream = new MemoryStream();
        await using (var store = await SqliteDirectoryStore.OpenAsync(Path))
        await using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            await foreach (var value in store.ListAsync(RecipientFilter.All))
            {
                json.WriteStartObject();
                json.WriteString("alias", value.Alias);
                json.WriteString("displayName", value.DisplayName);
                json.WriteString("class", value.Class.ToToken());
                json.WriteString("container", value.Container.Value);
                json.WriteStartArray("proxyAddresses");
                foreach (var proxy in value.ProxyAddresses)
                {
                    json.WriteStringValue(proxy.ToString());
                }

                json.WriteEndArray();
                if (value.TargetAddress is null)
                {
                    json.WriteNull("targetAddress");
                }
                else
                {
                    json.WriteString("targetAddress", value.TargetAddress.ToString());
                }

                json.WriteStartObject("attributes");
                foreach (var (attribute, values) in value.Attributes)
                {
                    json.WriteStartArray(attribute.LdapName);
                    foreach (var text in values)
                    {
                        json.WriteStringValue(text);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
                json.WriteStartArray("members");
                foreach (var member in value.Members)
                {
                    json.WriteStringValue(member.Alias);
                }

                json.WriteEndArray();
                json.WriteNumber("usnCreated", value.UsnCreated);
                json.WriteNumber("usnChanged", value.UsnChanged);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    public void Dispose() => Folder.Dispose();
}
