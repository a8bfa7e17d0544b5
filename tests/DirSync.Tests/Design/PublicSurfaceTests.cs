using System.Xml.Linq;
using DirSync.Tests.Support;

namespace DirSync.Tests.Design;

/// <summary>The libraries are parts of the dirsync tool, not published APIs: only the tool is packed (README, Design rules).</summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void SourceProjects_OnlyTheToolIsPackable()
    {
        var projects = Directory.GetFiles(Repository.File("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(path => (Name: Path.GetFileNameWithoutExtension(path), Properties: Properties(path)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["DirSync.Cli", "DirSync.Core", "DirSync.Ldap", "DirSync.Postgres", "DirSync.Server", "DirSync.Sqlite"], projects.Select(p => p.Name));
        foreach (var (name, properties) in projects)
        {
            var tool = properties.GetValueOrDefault("PackAsTool") == "true";
            Assert.Equal(name == "DirSync.Cli", tool);
            Assert.True(tool || properties.GetValueOrDefault("IsPackable") == "false", $"{name} is packable; a library here is not published (set IsPackable false)");
        }
    }

    private static Dictionary<string, string> Properties(string project) =>
        XDocument.Load(project).Descendants("PropertyGroup").Elements()
            .GroupBy(e => e.Name.LocalName)
            .ToDictionary(g => g.Key, g => g.Last().Value.Trim(), StringComparer.Ordinal);
}
