using System.Diagnostics.CodeAnalysis;

namespace DirSync.Core.Model;

/// <summary>The path of a container in a store's hierarchy, such as <c>Recipients/Sales</c>.</summary>
/// <remarks>Paths compare case-insensitively, as Exchange names do; the spelling first given is kept for display.</remarks>
public sealed class DirectoryPath : IEquatable<DirectoryPath>
{
    /// <summary>The longest container name accepted.</summary>
    public const int MaxSegmentLength = 64;

    /// <summary>The deepest hierarchy accepted.</summary>
    public const int MaxDepth = 16;

    private const string ForbiddenCharacters = "/\\";

    private DirectoryPath(string[] segments)
    {
        Segments = segments;
        Value = string.Join('/', segments);
    }

    /// <summary>The container every store starts with, and the default for new recipients.</summary>
    public static DirectoryPath Recipients { get; } = new(["Recipients"]);

    /// <summary>The names from the top down.</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>The path as text, segments joined by <c>/</c>.</summary>
    public string Value { get; }

    /// <summary>The last segment: the container's own name.</summary>
    public string Name => Segments[^1];

    /// <summary>The containing path, or null for a top-level container.</summary>
    public DirectoryPath? Parent => Segments.Count == 1 ? null : new DirectoryPath([.. Segments.Take(Segments.Count - 1)]);

    /// <summary>How deep the path is; a top-level container has depth 1.</summary>
    public int Depth => Segments.Count;

    /// <summary>The key stores index by: the path upper-cased culture-invariantly.</summary>
    public string Key => Value.ToUpperInvariant();

    /// <summary>A child of this container.</summary>
    public DirectoryPath Append(string name)
    {
        var error = ValidateSegment(name);
        if (error is not null)
        {
            throw new InvalidValueException($"invalid container name '{name}': {error}");
        }

        return new DirectoryPath([.. Segments, name]);
    }

    /// <summary>True when this path is <paramref name="other"/> or lies below it.</summary>
    public bool IsWithin(DirectoryPath other) =>
        Segments.Count >= other.Segments.Count
        && other.Segments.Select((s, i) => string.Equals(s, Segments[i], StringComparison.OrdinalIgnoreCase)).All(x => x);

    /// <summary>Reads a path such as <c>Recipients/Sales</c>; a leading or trailing <c>/</c> is ignored.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DirectoryPath? path, out string? error)
    {
        path = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a container path cannot be empty";
            return false;
        }

        var segments = text.Trim().Trim('/').Split('/');
        if (segments.Length > MaxDepth)
        {
            error = $"containers nest at most {MaxDepth} deep";
            return false;
        }

        foreach (var segment in segments)
        {
            error = ValidateSegment(segment);
            if (error is not null)
            {
                error = $"'{segment}' {error}";
                return false;
            }
        }

        error = null;
        path = new DirectoryPath(segments);
        return true;
    }

    /// <summary>Reads a path or throws a message naming what is wrong.</summary>
    /// <exception cref="InvalidValueException">The text is not a valid path.</exception>
    public static DirectoryPath Parse(string text) =>
        TryParse(text, out var path, out var error)
            ? path
            : throw new InvalidValueException($"invalid container path '{text}': {error}");

    private static string? ValidateSegment(string segment)
    {
        if (segment.Length == 0)
        {
            return "is empty (two slashes in a row?)";
        }

        if (segment.Length > MaxSegmentLength)
        {
            return $"is longer than {MaxSegmentLength} characters";
        }

        if (segment != segment.Trim())
        {
            return "starts or ends with white space";
        }

        if (segment is "." or "..")
        {
            return "is not a container name";
        }

        foreach (var c in segment)
        {
            if (char.IsControl(c) || ForbiddenCharacters.Contains(c))
            {
                return "contains a control character, '/' or '\\'";
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public bool Equals(DirectoryPath? other) =>
        other is not null && string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DirectoryPath);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => Value;

    /// <summary>Compares two paths case-insensitively.</summary>
    public static bool operator ==(DirectoryPath? left, DirectoryPath? right) => Equals(left, right);

    /// <summary>Compares two paths case-insensitively.</summary>
    public static bool operator !=(DirectoryPath? left, DirectoryPath? right) => !Equals(left, right);
}
