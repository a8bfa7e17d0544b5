using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>How <see cref="BulkImporter"/> applies a bulk CSV file.</summary>
public sealed record BulkImportOptions
{
    /// <summary>The rows applied in one transaction with <see cref="BulkErrorPolicy.SkipErrors"/>.</summary>
    public const int DefaultBatchSize = 50_000;

    /// <summary>The defaults: stop on the first bad row, applying nothing.</summary>
    public static BulkImportOptions Default { get; } = new();

    /// <summary>What a bad row does: stop everything (the default) or go to the reject file.</summary>
    public BulkErrorPolicy OnError { get; init; } = BulkErrorPolicy.StopOnError;

    /// <summary>With <see cref="BulkErrorPolicy.SkipErrors"/>, how many rows each transaction applies (default 50,000).</summary>
    /// <remarks>With <see cref="BulkErrorPolicy.StopOnError"/> the whole file is one transaction and this is not used.</remarks>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>True to read, check and apply everything as a real import would, then roll it all back: the counts say what the import would do.</summary>
    /// <remarks>The whole file is one transaction whatever <see cref="OnError"/> says, so each row sees the rows before it; a reject file is written as a real run would write it.</remarks>
    public bool DryRun { get; init; }

    /// <summary>True to pass over, with a warning, columns whose names DirSync does not know, instead of refusing the file.</summary>
    public bool IgnoreUnknownColumns { get; init; }

    /// <summary>Told each warning (a column passed over) once the header is read, before any row is applied; null to only return them in the result.</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>Where new recipients are created when their row has no <c>Obj-Container</c>; null for the store's Recipients container. Existing ones stay where they are.</summary>
    public DirectoryPath? Container { get; init; }

    /// <summary>Where rejected rows go; null for <c>&lt;file&gt;.rejects.csv</c> beside the input.</summary>
    public string? RejectPath { get; init; }

    /// <summary>Told how far the import has got, every thousand rows or so and at the end; null for no reports.</summary>
    public IProgress<BulkProgress>? Progress { get; init; }

    /// <summary>The reader's limits; null for the defaults.</summary>
    public BulkCsvReaderOptions? ReaderOptions { get; init; }
}
