using System.Text.RegularExpressions;
using DirSync.Tests.Support;

namespace DirSync.Tests.Design;

/// <summary>The namespaces of DirSync.Core depend on each other without cycles, so each area can be read, tested and changed from the bottom up.</summary>
/// <remarks>
/// The graph is read from the source files under src/DirSync.Core rather than from the compiled assembly: a type used only
/// inside a method body (a helper call, a constant) leaves no trace in signatures, base types or fields, but it does in the
/// file's <c>using</c> directives or as a qualified name. The root namespace <c>DirSync.Core</c> (the exceptions, the hint
/// catalog, fault points) is the shared kernel every namespace sees by the language's rules, so it is not part of the graph.
/// </remarks>
public sealed partial class NamespaceDependencyTests
{
    private const string Root = "DirSync.Core";

    // The change-set model (ChangeRecord, ChangeSetHeader, IChangeSetReader/Writer) lives in Sync, which also picks the codecs
    // and connectors that implement it. Untangling that means giving the model a namespace of its own, a wide rename left
    // for later; until then these back edges, and only these, are allowed. A test below fails once one is gone.
    private static readonly (string From, string To)[] KnownBackEdges =
    [
        ("DirSync.Core.Connectors", "DirSync.Core.Sync"),
        ("DirSync.Core.Formats", "DirSync.Core.Sync"),
        ("DirSync.Core.Formats.EdkDirSync", "DirSync.Core.Sync"),
        ("DirSync.Core.Formats.Ldif", "DirSync.Core.Sync"),
    ];

    [Fact]
    public void CoreNamespaces_HaveNoCycles()
    {
        var graph = Graph();
        foreach (var (from, to) in KnownBackEdges)
        {
            graph[from].Remove(to);
        }

        var cycles = Cycles(graph);

        Assert.True(cycles.Count == 0, "namespace cycles in DirSync.Core: " + string.Join("; ", cycles.Select(c => string.Join(" -> ", c))));
    }

    [Fact]
    public void KnownBackEdges_AreStillThere()
    {
        var graph = Graph();

        foreach (var (from, to) in KnownBackEdges)
        {
            Assert.True(graph.TryGetValue(from, out var targets) && targets.Contains(to), $"{from} no longer uses {to}; remove it from {nameof(KnownBackEdges)}");
        }
    }

    [Fact]
    public void Graph_SeesTheAreasAndTheirDependencies()
    {
        var graph = Graph();

        // A few edges that hold by design, so a reader that silently found nothing cannot pass the test above.
        Assert.True(graph.Count >= 14, $"{graph.Count} namespaces");
        Assert.Contains("DirSync.Core.Storage", graph["DirSync.Core.Sync"]);
        Assert.Contains("DirSync.Core.Gal", graph["DirSync.Core.Hub"]);
        Assert.Contains("DirSync.Core.Transport", graph["DirSync.Core.Hub"]);
        Assert.DoesNotContain("DirSync.Core.Sync", graph["DirSync.Core.Storage"]);
        Assert.DoesNotContain("DirSync.Core.Hub", graph["DirSync.Core.Gal"]);
    }

    [Fact]
    public void Cycles_OfAGraphWithOne_NameIt()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };

        Assert.Equal(["A -> B -> C -> A"], Cycles(graph).Select(c => string.Join(" -> ", c)));
    }

    /// <summary>Each namespace of DirSync.Core (but the root) and the other namespaces of it that its files use.</summary>
    private static Dictionary<string, HashSet<string>> Graph()
    {
        var sources = Directory.GetFiles(Repository.File(Path.Combine("src", "DirSync.Core")), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: f, Text: File.ReadAllText(f)))
            .ToList();
        Assert.NotEmpty(sources);
        var namespaces = sources.ToDictionary(s => s.File, s =>
        {
            var declaration = NamespaceDeclaration().Match(s.Text);
            Assert.True(declaration.Success, $"{s.File} has no file-scoped namespace");
            return declaration.Groups[1].Value;
        });
        var known = namespaces.Values.ToHashSet(StringComparer.Ordinal);

        var graph = known.Where(n => n != Root).ToDictionary(n => n, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (file, text) in sources)
        {
            var ns = namespaces[file];
            if (ns == Root)
            {
                continue;
            }

            var code = UsingOrNamespaceLine().Replace(text, string.Empty);
            var used = UsingDirective().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(QualifiedName().Matches(code).Select(m => LongestNamespace(m.Value, known)));
            foreach (var target in used)
            {
                if (target != ns && target != Root)
                {
                    graph[ns].Add(target);
                }
            }
        }

        return graph;
    }

    // A qualified name (DirSync.Core.Formats.Ldif.LdifReader.Parse) belongs to the longest namespace it starts with.
    private static string LongestNamespace(string qualified, HashSet<string> namespaces)
    {
        for (var name = qualified; name.Contains('.', StringComparison.Ordinal); name = name[..name.LastIndexOf('.')])
        {
            if (namespaces.Contains(name))
            {
                return name;
            }
        }

        return Root;
    }

    /// <summary>One cycle per strongly connected component with more than one namespace, each starting at its smallest name.</summary>
    private static List<List<string>> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var cycles = new List<List<string>>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (reported.Contains(start) || PathBetween(graph, start, start) is not { } path)
            {
                continue;
            }

            reported.UnionWith(path);
            cycles.Add(path);
        }

        return cycles;
    }

    /// <summary>The shortest path from <paramref name="from"/> back to <paramref name="to"/> (both ends included), or null.</summary>
    private static List<string>? PathBetween(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(from);
        while (queue.TryDequeue(out var current))
        {
            foreach (var next in (graph.TryGetValue(current, out var targets) ? targets : []).Order(StringComparer.Ordinal))
            {
                if (next == to)
                {
                    var path = new List<string> { to };
                    for (var step = current; step != from; step = previous[step])
                    {
                        path.Add(step);
                    }

                    path.Add(from);
                    path.Reverse();
                    return path;
                }

                if (next != from && previous.TryAdd(next, current))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"^namespace (DirSync\.Core(?:\.\w+)*);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^using (?:static )?(DirSync\.Core(?:\.\w+)*);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^(?:global )?(?:using|namespace) [^\n]*$", RegexOptions.Multiline)]
    private static partial Regex UsingOrNamespaceLine();

    [GeneratedRegex(@"(?<![\w.])DirSync\.Core(?:\.\w+)+")]
    private static partial Regex QualifiedName();
}
