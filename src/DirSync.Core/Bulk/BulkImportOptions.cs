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

    /// <summary>Where new recipients are created; null for the store's Recipients container. Existing ones stay where they are.</summary>
    public DirectoryPath? Container { get; init; }

    /// <summary>Where rejected rows go; null for <c>&lt;file&gt;.rejects.csv</c> beside the input.</summary>
    public string? RejectPath { get; init; }

    /// <summary>Told how far the import has got, every thousand rows or so and at the end; null for no reports.</summary>
    public IProgress<BulkProgress>? Progress { get; init; }

    /// <summary>The reader's limits; null for the defaults.</summary>
    public BulkCsvReaderOptions? ReaderOptions { get; init; }
}
