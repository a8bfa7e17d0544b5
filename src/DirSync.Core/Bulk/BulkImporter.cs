using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Bulk;

/// <summary>Applies the Exchange administrator's bulk CSV (<c>admin /i</c>) to a store: creates, changes and deletes local recipients.</summary>
/// <remarks>
/// <para>Every row goes through <see cref="RecipientEditor"/>, so USNs, alias rules, validation and
/// proxy generation are exactly those of the <c>mailbox</c>, <c>custom-recipient</c> and <c>dl</c>
/// commands. The file is streamed: memory holds one row at a time, whatever the file's size.</para>
/// <para>With <see cref="BulkErrorPolicy.StopOnError"/> the whole file is read, checked and applied in one
/// transaction, so a bad row anywhere leaves the store as it was. That costs no memory: SQLite spills
/// the transaction's pages to its write-ahead log as its page cache fills, so the log on disk grows
/// with the file (roughly the size the rows take in the store) while the process does not; the log is
/// folded back into the store after the commit. With <see cref="BulkErrorPolicy.SkipErrors"/> the rows
/// are applied in transactions of <see cref="BulkImportOptions.BatchSize"/> rows, each committed as it
/// fills, and every bad row is written to the reject file instead; batches committed before an
/// unexpected failure stay applied.</para>
/// <para>A dry run (<see cref="BulkImportOptions.DryRun"/>) does all of that in one transaction and rolls it
/// back, so its counts, errors and reject file are those of the real run and the store is as it was.</para>
/// <para>With <see cref="BulkErrorPolicy.SkipErrors"/>, a file every row of which is rejected is an error (after
/// the reject file is written): a script must not take "nothing imported" for success.</para>
/// <para>A bad row has no effect: its values are checked, and the addresses it names looked up,
/// before anything is written. Should a row fail after the store began writing it (which the checks
/// are there to prevent), the batch it is in is rolled back and the import stops.</para>
/// </remarks>
public sealed class BulkImporter
{
    private const int ProgressEveryRows = 1024;

    private readonly IDirectoryStore _store;

    /// <summary>Creates an importer for <paramref name="store"/>.</summary>
    public BulkImporter(IDirectoryStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Imports the bulk CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="InputFormatException">The header is bad, or (with <see cref="BulkErrorPolicy.StopOnError"/>) a row is, or (with <see cref="BulkErrorPolicy.SkipErrors"/>) every row is; nothing was applied.</exception>
    /// <exception cref="NotFoundException">The container for new recipients does not exist.</exception>
    /// <exception cref="InvalidValueException">The batch size is not positive.</exception>
    /// <exception cref="DirSyncException">The file cannot be read, or the reject file written.</exception>
    public async Task<BulkImportResult> ImportAsync(string path, BulkImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= BulkImportOptions.Default;
        if (options.BatchSize < 1)
        {
            throw new InvalidValueException($"the batch size must be at least 1, not {options.BatchSize}");
        }

        if (options.Container is { } container && !await _store.ContainerExistsAsync(container, cancellationToken))
        {
            throw new NotFoundException("container", container.Value, $"create it with '{CommandHints.ContainerAdd(container)}'");
        }

        await using var stream = OpenInput(path);
        var readerOptions = options.ReaderOptions ?? BulkCsvReaderOptions.Default;
        using var reader = new BulkCsvReader(stream, path, options.IgnoreUnknownColumns ? readerOptions with { IgnoreUnknownColumns = true } : readerOptions);
        foreach (var warning in reader.Header.Warnings)
        {
            options.Warning?.Invoke(warning);
        }

        var run = new Run(path, reader, options, stream.Length);
        if (options.OnError == BulkErrorPolicy.StopOnError)
        {
            await ApplyInOneTransactionAsync(run, cancellationToken);
            return run.Result(null);
        }

        using var rejects = new BulkRejectFile(options.RejectPath ?? path + ".rejects.csv", reader.Header);
        try
        {
            await ApplyInBatchesAsync(run, rejects, cancellationToken);
            rejects.Commit();
        }
        catch (Exception e) when (e is not OperationCanceledException and not InputFormatException && run.Batches > 0)
        {
            // Committed batches stay: the error line says which, so the administrator knows where to go on.
            throw ErrorNotes.Add(e, run.Finished
                ? $"all rows were applied ({Batches(run.Batches)} committed); only the reject file of {rejects.Count} rows could not be written"
                : $"{Batches(run.Batches)} committed before line {run.BatchStart} {(run.Batches == 1 ? "stays" : "stay")} applied (rows up to line {run.BatchStart - 1}); the rows from line {run.BatchStart} on are not");
        }

        if (rejects.First is { } first && rejects.Count == run.Rows)
        {
            // "0 added, N rejected" with exit code 0 reads as success to a script; a file none of whose rows could be used is an error.
            var (were, nothing) = options.DryRun ? ("would be", "nothing would be imported") : ("were", "nothing was imported");
            throw new InputFormatException(
                path,
                0,
                null,
                $"{(run.Rows == 1 ? "the only row" : $"all {run.Rows} rows")} {were} rejected, so {nothing}; each row's reason is in {rejects.Path} (the first, line {first.Line}: {first.Reason})");
        }

        return run.Result(rejects.Count > 0 ? rejects.Path : null);
    }

    private async Task ApplyInOneTransactionAsync(Run run, CancellationToken cancellationToken)
    {
        await using var transaction = await _store.BeginLoadAsync(cancellationToken);
        var editor = await RecipientEditor.CreateAsync(transaction, cancellationToken);
        while (run.Reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = run.Reader.Row;
            run.Rows++;
            if (row.Error is { } error)
            {
                throw error;
            }

            run.Count(await ApplyRowAsync(editor, row, run, cancellationToken));
            run.ReportProgress();
        }

        if (!run.Options.DryRun)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        run.Commit();
        run.ReportProgress(force: true);
    }

    private async Task ApplyInBatchesAsync(Run run, BulkRejectFile rejects, CancellationToken cancellationToken)
    {
        IDirectoryTransaction? transaction = null;
        RecipientEditor? editor = null;

        // A dry run is one transaction, never committed, so that every row sees the rows before it as a real run would.
        var batchSize = run.Options.DryRun ? long.MaxValue : run.Options.BatchSize;
        try
        {
            var inBatch = 0L;
            long batchStart = 0;
            while (run.Reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var row = run.Reader.Row;
                run.Rows++;
                if (row.Error is { } error)
                {
                    rejects.Write(row, error);
                    run.ReportProgress();
                    continue;
                }

                if (transaction is null)
                {
                    batchStart = row.Line;
                    run.BatchStart = batchStart;
                    transaction = await _store.BeginTransactionAsync(cancellationToken);
                    editor = await RecipientEditor.CreateAsync(transaction, cancellationToken);
                }

                var usn = await transaction.GetHighestUsnAsync(cancellationToken);
                try
                {
                    run.Count(await ApplyRowAsync(editor!, row, run, cancellationToken));
                }
                catch (InputFormatException e)
                {
                    if (await transaction.GetHighestUsnAsync(cancellationToken) != usn)
                    {
                        throw new InputFormatException(
                            run.File,
                            row.Line,
                            e.Column,
                            $"{e.Reason} (the store had begun writing this row, so the import stopped; {(run.Options.DryRun ? "nothing was applied" : $"rows before line {batchStart} are applied, the rest are not")})",
                            e);
                    }

                    rejects.Write(row, e);
                }

                if (++inBatch == batchSize)
                {
                    await transaction.CommitAsync(cancellationToken);
                    run.Commit();
                    run.Batches++;
                    await transaction.DisposeAsync();
                    transaction = null;
                    inBatch = 0;
                }

                run.ReportProgress();
            }

            if (transaction is not null)
            {
                if (!run.Options.DryRun)
                {
                    await transaction.CommitAsync(cancellationToken);
                }

                run.Commit();
                run.Batches++;
            }

            run.Finished = true;
            run.Rejected = rejects.Count;
            run.ReportProgress(force: true);
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    private static async ValueTask<Outcome> ApplyRowAsync(RecipientEditor editor, BulkCsvRow row, Run run, CancellationToken cancellationToken)
    {
        try
        {
            var transaction = editor.Transaction;
            var existing = await transaction.FindByAliasAsync(row.Alias, cancellationToken);
            if (existing is null)
            {
                return row.Mode is BulkMode.Modify or BulkMode.Delete
                    ? throw new NotFoundException("recipient", row.Alias, $"Mode {row.Mode} needs an existing recipient{(row.Mode == BulkMode.Modify ? " (Update creates one)" : "")}")
                    : await CreateAsync(editor, row, run, cancellationToken);
            }

            if (row.Mode == BulkMode.Create)
            {
                throw new ConflictException(
                    $"the alias '{row.Alias}' is already used by {existing.Class.ToToken()} '{existing.Alias}'; Mode Create only makes new recipients (Update changes existing ones)");
            }

            if (existing.Class != row.Class)
            {
                throw new InvalidValueException(
                    $"'{existing.Alias}' is a {existing.Class.ToExchangeName()} ({existing.Class.ToToken()}), not a {row.Class.ToExchangeName()}; a recipient's class cannot change");
            }

            if (row.Mode == BulkMode.Delete)
            {
                await editor.RemoveAsync(existing, cancellationToken);
                return Outcome.Deleted;
            }

            var changes = ToChanges(row, isNew: false, run.File);
            await EnsureAddressesFreeAsync(transaction, changes, existing.Guid, cancellationToken);
            var result = await editor.ModifyAsync(existing, changes, cancellationToken);
            return result.Changed ? Outcome.Modified : Outcome.Unchanged;
        }
        catch (DirSyncException e) when (e is not InputFormatException && e.Category is ErrorCategory.InvalidValue or ErrorCategory.NotFound or ErrorCategory.Conflict)
        {
            throw new InputFormatException(run.File, row.Line, null, e.Message, e);
        }
    }

    private static async ValueTask<Outcome> CreateAsync(RecipientEditor editor, BulkCsvRow row, Run run, CancellationToken cancellationToken)
    {
        var changes = ToChanges(row, isNew: true, run.File);
        if (row.Class == ObjectClass.CustomRecipient && changes.TargetAddress is null)
        {
            throw new InvalidValueException($"a {row.Class.ToExchangeName()} row needs a Target-Address (TYPE:address) to create the custom recipient '{row.Alias}'");
        }

        changes.Container = row.Container ?? run.Options.Container;
        await EnsureAddressesFreeAsync(editor.Transaction, changes, null, cancellationToken);
        await editor.AddAsync(row.Class, row.Alias, changes, cancellationToken: cancellationToken);
        return Outcome.Added;
    }

    /// <summary>The changes a row asks for; <c>~DEL</c> on a new recipient asks for nothing.</summary>
    private static RecipientChanges ToChanges(BulkCsvRow row, bool isNew, string file)
    {
        var changes = new RecipientChanges(row.Fields.Count);
        for (var f = 0; f < row.Fields.Count; f++)
        {
            var field = row.Fields[f];
            if (field.IsClear && isNew)
            {
                continue;
            }

            var attribute = field.Column.Attribute!;
            try
            {
                // Lists and descriptive attributes go in whole: RecipientChanges.Set finds the attribute by
                // name again for each value and copies a list for each value it adds, which at a million
                // rows is time the column already saved.
                if (attribute.Kind == AttributeKind.Descriptive)
                {
                    changes.Attributes[attribute] = [.. field.Values];
                }
                else if (attribute == AttributeCatalog.ProxyAddresses)
                {
                    changes.ProxyAddresses = [.. field.Values.Select(ProxyAddress.Parse)];
                }
                else if (attribute == AttributeCatalog.Member)
                {
                    changes.Members = [.. field.Values.Select(MemberAlias)];
                }
                else if (field.IsClear)
                {
                    changes.Set(attribute.LdapName, "");
                }
                else
                {
                    foreach (var value in field.Values)
                    {
                        changes.Set(attribute.LdapName, value);
                    }
                }
            }
            catch (DirSyncException e)
            {
                throw new InputFormatException(file, row.Line, field.Column.Index + 1, $"{field.Column.Name}: {e.Message}", e);
            }
        }

        return changes;
    }

    private static string MemberAlias(string value) =>
        BulkCsvSyntax.TryParseMember(value, out var alias)
            ? alias
            : throw new InvalidValueException($"the member '{value}' is a directory path that does not end in the member's cn=, such as Recipients/cn=Sales/cn=annb");

    // The editor checks the addresses it generates; those a row names are checked here, so that a taken
    // one fails the row before the store writes any of it.
    private static async ValueTask EnsureAddressesFreeAsync(IDirectoryTransaction transaction, RecipientChanges changes, Guid? self, CancellationToken cancellationToken)
    {
        foreach (var address in changes.ProxyAddresses ?? [])
        {
            await EnsureAddressFreeAsync(transaction, address, self, cancellationToken);
        }

        if (changes.TargetAddress is { } target)
        {
            await EnsureAddressFreeAsync(transaction, target, self, cancellationToken);
        }
    }

    private static async ValueTask EnsureAddressFreeAsync(IDirectoryTransaction transaction, ProxyAddress address, Guid? self, CancellationToken cancellationToken)
    {
        var owner = await transaction.FindAddressOwnerAsync(address, cancellationToken);
        if (owner is { } guid && guid != self)
        {
            var holder = await transaction.FindByGuidAsync(guid, cancellationToken: cancellationToken);
            throw new ConflictException($"the address {address} is already used by {holder?.Class.ToToken() ?? "recipient"} '{holder?.Alias ?? guid.ToString()}'");
        }
    }

    private static FileStream OpenInput(string path) =>
        InputFile.OpenRead(path, $"the bulk CSV file '{path}'");

    private static string Batches(long count) => count == 1 ? "1 batch" : $"{count} batches";

    private enum Outcome
    {
        Added,
        Modified,
        Deleted,
        Unchanged,
    }

    /// <summary>The state of one import: the input, counts pending in the open transaction and counts committed (or, in a dry run, settled).</summary>
    private sealed class Run(string file, BulkCsvReader reader, BulkImportOptions options, long totalBytes)
    {
        private readonly long[] _pending = new long[4];
        private readonly long[] _committed = new long[4];

        public string File { get; } = file;

        public BulkCsvReader Reader { get; } = reader;

        public BulkImportOptions Options { get; } = options;

        public long Rows { get; set; }

        public long Rejected { get; set; }

        /// <summary>How many batches were committed (with --skip-errors).</summary>
        public long Batches { get; set; }

        /// <summary>The line the batch being applied starts at.</summary>
        public long BatchStart { get; set; }

        /// <summary>True once every batch is committed.</summary>
        public bool Finished { get; set; }

        public void Count(Outcome outcome) => _pending[(int)outcome]++;

        public void Commit()
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                _committed[i] += _pending[i];
                _pending[i] = 0;
            }
        }

        public void ReportProgress(bool force = false)
        {
            if (Options.Progress is { } progress && (force || Rows % ProgressEveryRows == 0))
            {
                progress.Report(new BulkProgress(Rows, Reader.BytesRead, totalBytes));
            }
        }

        public BulkImportResult Result(string? rejectFile) =>
            new(File, Rows, _committed[(int)Outcome.Added], _committed[(int)Outcome.Modified], _committed[(int)Outcome.Deleted],
                _committed[(int)Outcome.Unchanged], Rejected, rejectFile, Options.DryRun, Reader.Header.Warnings);
    }
}
