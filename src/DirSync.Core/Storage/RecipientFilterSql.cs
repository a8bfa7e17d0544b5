using System.Diagnostics.CodeAnalysis;
using System.Text;
using DirSync.Core.Model;

namespace DirSync.Core.Storage;

/// <summary>How one SQL store writes the two conditions of <see cref="RecipientFilterSql"/> that differ between backends.</summary>
/// <param name="Live">The condition that the object <c>o</c> is not a tombstone.</param>
/// <param name="ImportedFromEquals">The condition that <c>o.imported_from</c> equals text parameter number n, ignoring case.</param>
public sealed record RecipientFilterDialect(string Live, Func<int, string> ImportedFromEquals);

/// <summary>The WHERE clause over the objects table (aliased <c>o</c>) that selects what a <see cref="RecipientFilter"/> asks for; one builder for every SQL store.</summary>
public static class RecipientFilterSql
{
    /// <summary>Builds the clause, adding its text parameters to <paramref name="parameters"/> in order (numbered from 1).</summary>
    /// <returns>False when nothing can match: the filter names a container the store does not hold.</returns>
    public static bool TryBuild(
        RecipientFilter filter,
        IReadOnlyDictionary<long, DirectoryPath> containersById,
        RecipientFilterDialect dialect,
        List<string> parameters,
        [NotNullWhen(true)] out string? where)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(containersById);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(parameters);
        where = null;
        var sql = new StringBuilder(dialect.Live);
        if (filter.Class is { } objectClass)
        {
            sql.Append(" AND o.class = ").Append((int)objectClass);
        }

        if (filter.Container is { } container)
        {
            var ids = containersById
                .Where(c => filter.IncludeSubcontainers ? c.Value.IsWithin(container) : c.Value.Equals(container))
                .Select(c => c.Key)
                .ToList();
            if (ids.Count == 0)
            {
                return false;
            }

            sql.Append(" AND o.container_id IN (").AppendJoin(',', ids).Append(')');
        }

        if (filter.OriginSource is { } source)
        {
            // A literal, not a parameter: SQLite and PostgreSQL use the partial hub-owner index only for a term
            // they can see when the statement is prepared.
            sql.Append(" AND o.origin_source = '").Append(source.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
        }

        if (filter.ImportedFrom is { } importedFrom)
        {
            parameters.Add(importedFrom);
            sql.Append(" AND ").Append(dialect.ImportedFromEquals(parameters.Count));
        }

        where = sql.ToString();
        return true;
    }
}
