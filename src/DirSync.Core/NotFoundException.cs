namespace DirSync.Core;

/// <summary>A named thing the user referred to does not exist.</summary>
public sealed class NotFoundException : DirSyncException
{
    /// <summary>Creates the error for a missing <paramref name="kind"/> called <paramref name="name"/>.</summary>
    public NotFoundException(string kind, string name, string? hint = null)
        : base($"{kind} '{name}' does not exist{(hint is null ? "" : "; " + hint)}", ErrorCategory.NotFound)
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>What kind of thing was missing ("recipient", "container", ...).</summary>
    public string Kind { get; }

    /// <summary>The name that was looked up.</summary>
    public string Name { get; }
}
