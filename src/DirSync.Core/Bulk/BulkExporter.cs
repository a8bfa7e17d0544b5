using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Bulk;

/// <summary>Writes live recipients as the Exchange administrator's bulk CSV (<c>admin /e</c>), which <see cref="BulkImporter"/> reads back.</summary>
/// <remarks>
/// <para>The columns are always the same: <c>Obj-Class</c>, then every writable attribute in schema
/// order, in the Exchange spelling (<see cref="Columns"/>), whether or not any recipient has a value.
/// Knowing which columns have values would take a second pass over the store; a fixed header is
/// one pass, and the same for every export, so scripts and spreadsheets can rely on it.</para>
/// <para>Rows come mailboxes first, then custom recipients, each by alias, then distribution lists,
/// each after the lists it contains, so that importing the file finds every member already there.
/// (Lists that contain each other in a circle cannot all be ordered so: the circle is cut at the list
/// first by alias, and an import of them needs a second pass.) The export reads inside one transaction, never committed, so the
/// file shows one moment of the store; writers wait meanwhile. The file is written under a temporary
/// name and renamed into place once complete.</para>
/// <para>Inside a multi-valued field a <c>%</c> or <c>\</c> of a value is written <c>\%</c> or <c>\\</c>, as
/// Exchange writes them (<see cref="BulkCsvSyntax.JoinValues"/>). A value the format cannot carry is refused,
/// naming the recipient and attribute, rather than written to come back different: an empty value of a
/// multi-valued attribute, or a value that reads as <c>~DEL</c>.</para>
/// </remarks>
public sealed class BulkExporter
{
    private const int ProgressEveryRows = 1024;

    private readonly IDirectoryStore _store;

    /// <summary>Creates an exporter for <paramref name="store"/>.</summary>
    public BulkExporter(IDirectoryStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The columns of every export: <c>Obj-Class</c>, then the writable attributes in schema order.</summary>
    public static IReadOnlyList<AttributeDefinition> Columns { get; } =
        [AttributeCatalog.ObjectClass, .. AttributeCatalog.All.Where(a => a.IsWritable && a != AttributeCatalog.ObjectClass)];

    /// <summary>Writes the recipients <paramref name="options"/> selects to <paramref name="path"/>, replacing the file.</summary>
    /// <exception cref="NotFoundException">The container does not exist.</exception>
    /// <exception cref="InvalidValueException">A value cannot be written in the format; no file was written.</exception>
    /// <exception cref="DirSyncException">The file cannot be written.</exception>
    public async Task<BulkExportResult> ExportAsync(string path, BulkExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= BulkExportOptions.Default;
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        if (options.Container is { } container && !await transaction.ContainerExistsAsync(container, cancellationToken))
        {
            throw new NotFoundException("container", container.Value, $"see '{CommandHints.ContainerList()}'");
        }

        using var file = AtomicFile.Create(path);
        var counts = new long[4];
        using (var writer = new BulkCsvWriter(file.Stream))
        {
            foreach (var column in Columns)
            {
                writer.WriteField(column.ExchangeName);
            }

            writer.EndRow();
            var filter = new RecipientFilter(options.Container, options.IncludeSubcontainers);
            var rows = 0L;
            void Written(DirectoryObject value)
            {
                counts[(int)value.Class]++;
                if (++rows % ProgressEveryRows == 0)
                {
                    options.Progress?.Report(new BulkProgress(rows, writer.BytesWritten, null));
                }
            }

            foreach (var objectClass in new[] { ObjectClass.Mailbox, ObjectClass.CustomRecipient })
            {
                if (options.Class is null || options.Class == objectClass)
                {
                    await foreach (var value in transaction.ListAsync(filter with { Class = objectClass }, cancellationToken))
                    {
                        WriteRow(writer, value);
                        Written(value);
                    }
                }
            }

            if (options.Class is null or ObjectClass.DistributionList)
            {
                foreach (var guid in await OrderListsAsync(transaction, filter with { Class = ObjectClass.DistributionList }, cancellationToken))
                {
                    var value = await transaction.FindByGuidAsync(guid, cancellationToken: cancellationToken)
                        ?? throw new InvalidOperationException($"List {guid} vanished inside the export's transaction.");
                    WriteRow(writer, value);
                    Written(value);
                }
            }

            writer.Flush();
            options.Progress?.Report(new BulkProgress(rows, writer.BytesWritten, null));
        }

        file.Commit();
        return new BulkExportResult(
            file.Path, counts[(int)ObjectClass.Mailbox], counts[(int)ObjectClass.CustomRecipient], counts[(int)ObjectClass.DistributionList]);
    }

    /// <summary>The lists the filter selects, each after the selected lists it contains, otherwise by alias.</summary>
    /// <remarks>Two passes keep memory to the lists and their nesting, not their whole membership.</remarks>
    private static async Task<List<Guid>> OrderListsAsync(IDirectoryTransaction transaction, RecipientFilter filter, CancellationToken cancellationToken)
    {
        var lists = new List<Guid>();
        var index = new Dictionary<Guid, int>();
        await foreach (var value in transaction.ListAsync(filter, cancellationToken))
        {
            index.Add(value.Guid, lists.Count);
            lists.Add(value.Guid);
        }

        var nested = new int[lists.Count][];
        await foreach (var value in transaction.ListAsync(filter, cancellationToken))
        {
            nested[index[value.Guid]] = [.. value.Members.Where(m => index.ContainsKey(m.Guid)).Select(m => index[m.Guid])];
        }

        // Depth first, children before parents; a list met again while its own children are being
        // written is part of a circle and is left where it falls.
        var order = new List<Guid>(lists.Count);
        var state = new byte[lists.Count];
        var stack = new Stack<(int List, int Next)>();
        for (var root = 0; root < lists.Count; root++)
        {
            if (state[root] != 0)
            {
                continue;
            }

            state[root] = 1;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (list, next) = stack.Pop();
                if (next < nested[list].Length)
                {
                    stack.Push((list, next + 1));
                    var child = nested[list][next];
                    if (state[child] == 0)
                    {
                        state[child] = 1;
                        stack.Push((child, 0));
                    }

                    continue;
                }

                state[list] = 2;
                order.Add(lists[list]);
            }
        }

        return order;
    }

    private static void WriteRow(BulkCsvWriter writer, DirectoryObject value)
    {
        foreach (var column in Columns)
        {
            if (column == AttributeCatalog.ObjectClass)
            {
                writer.WriteField(value.Class.ToExchangeName());
            }
            else if (column == AttributeCatalog.Alias)
            {
                writer.WriteField(Single(value, column, value.Alias));
            }
            else if (column == AttributeCatalog.DisplayName)
            {
                writer.WriteField(Single(value, column, value.DisplayName));
            }
            else if (column == AttributeCatalog.TargetAddress)
            {
                writer.WriteField(Single(value, column, value.TargetAddress?.ToString()));
            }
            else if (column == AttributeCatalog.ProxyAddresses)
            {
                writer.WriteField(Multiple(value, column, value.ProxyAddresses.Select(p => p.ToString()).ToList()));
            }
            else if (column == AttributeCatalog.Member)
            {
                writer.WriteField(Multiple(value, column, value.Members.Select(m => m.Alias).ToList()));
            }
            else if (column.IsMultiValued)
            {
                writer.WriteField(Multiple(value, column, value.Attributes.Get(column)));
            }
            else
            {
                writer.WriteField(Single(value, column, value.Attributes.GetSingle(column)));
            }
        }

        writer.EndRow();
    }

    private static string Single(DirectoryObject value, AttributeDefinition column, string? text) =>
        text is not null && string.Equals(text, BulkCsvSyntax.Clear, StringComparison.OrdinalIgnoreCase)
            ? throw Unwritable(value, column, $"its value '{text}' would read back as the {BulkCsvSyntax.Clear} that clears it")
            : text ?? "";

    private static string Multiple(DirectoryObject value, AttributeDefinition column, IReadOnlyList<string> values)
    {
        foreach (var text in values)
        {
            if (text.Length == 0)
            {
                throw Unwritable(value, column, "it holds an empty value, which a bulk CSV field cannot carry");
            }
        }

        return values.Count == 1 ? Single(value, column, BulkCsvSyntax.JoinValues(values)) : BulkCsvSyntax.JoinValues(values);
    }

    private static InvalidValueException Unwritable(DirectoryObject value, AttributeDefinition column, string why) =>
        new($"cannot export {value.Class.ToToken()} '{value.Alias}': {column.ExchangeName} cannot be written in a bulk CSV, as {why}");
}
