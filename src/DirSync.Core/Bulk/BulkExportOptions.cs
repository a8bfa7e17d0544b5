using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>Which recipients <see cref="BulkExporter"/> writes.</summary>
public sealed record BulkExportOptions
{
    /// <summary>Every live recipient.</summary>
    public static BulkExportOptions Default { get; } = new();

    /// <summary>Only this container; null for all.</summary>
    public DirectoryPath? Container { get; init; }

    /// <summary>With <see cref="Container"/>, also the containers below it.</summary>
    public bool IncludeSubcontainers { get; init; }

    /// <summary>Only this class; null for all.</summary>
    public ObjectClass? Class { get; init; }

    /// <summary>Told how far the export has got, every thousand rows or so and at the end; null for no reports.</summary>
    public IProgress<BulkProgress>? Progress { get; init; }
}
