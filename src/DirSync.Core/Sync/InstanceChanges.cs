namespace DirSync.Core.Sync;

/// <summary>What <c>instance set</c> asks to change; null leaves a setting as it is (or at its default for a new instance).</summary>
public sealed record InstanceChanges
{
    /// <summary>Export, import or both.</summary>
    public InstanceDirection? Direction { get; init; }

    /// <summary>One file for whichever direction the instance has (not for both).</summary>
    public string? File { get; init; }

    /// <summary>The export file.</summary>
    public string? ExportFile { get; init; }

    /// <summary>The import file.</summary>
    public string? ImportFile { get; init; }

    /// <summary>The containers to export (paths).</summary>
    public IReadOnlyList<string>? Containers { get; init; }

    /// <summary>Whether to include sub-containers.</summary>
    public bool? IncludeSubcontainers { get; init; }

    /// <summary>The export list: attribute names in either spelling.</summary>
    public IReadOnlyList<string>? Attributes { get; init; }

    /// <summary>The classes to export.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Which source address becomes the target address.</summary>
    public string? AddressType { get; init; }

    /// <summary>Where imports create objects.</summary>
    public string? TargetContainer { get; init; }

    /// <summary>What imports create.</summary>
    public string? ImportObjectClass { get; init; }

    /// <summary>Append to multi-valued attributes on import.</summary>
    public bool? MultiValueAppend { get; init; }

    /// <summary>The delete guard's limit: a number, or "default" to go back to the default.</summary>
    public string? DeleteLimit { get; init; }

    /// <summary>Relay: also export what this store imported.</summary>
    public bool? Relay { get; init; }

    /// <summary>The export format.</summary>
    public string? Format { get; init; }
}
