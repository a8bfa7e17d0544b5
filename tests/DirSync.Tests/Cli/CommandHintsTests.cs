using System.Reflection;
using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Scheduling;

namespace DirSync.Tests.Cli;

/// <summary>Every recovery hint Core gives parses against the real command tree, so a renamed command or option cannot leave a stale one.</summary>
public sealed class CommandHintsTests
{
    public static TheoryData<string> Hints()
    {
        var data = new TheoryData<string>();
        foreach (var method in typeof(CommandHints).GetMethods(BindingFlags.Public | BindingFlags.Static).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            Assert.Equal(typeof(string), method.ReturnType);
            foreach (var args in Arguments(method))
            {
                data.Add((string)method.Invoke(null, args)!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Hints))]
    public void Hint_ParsesAgainstTheCommandTree(string hint)
    {
        var root = CommandTree.Build();
        var text = CommandTree.Substitute(hint, out var unknown);
        Assert.True(unknown is null, $"'{hint}': no sample for {unknown}; add one to CommandTree's samples");
        var commands = ReadmeSnippets.Split(text, 1);

        var command = Assert.Single(commands);
        Assert.Equal("dirsync", command.Words[0]);
        Assert.False(command.ShellSyntax, $"'{hint}' needs a shell to read it");
        Assert.Empty(CommandTree.ParseErrors(root, command.Words.Skip(1).ToList()));
        Assert.NotSame(root, CommandTree.Resolve(root, [.. command.Words.Skip(1)]).Command);
    }

    [Fact]
    public void Hints_CoverEveryMethodOfTheCatalog()
    {
        var methods = typeof(CommandHints).GetMethods(BindingFlags.Public | BindingFlags.Static);

        // Each method yields at least one hint; a method with a value a shell reads specially is tried with it too.
        Assert.True(Hints().Count >= methods.Length, $"{Hints().Count} hints for {methods.Length} methods");
    }

    [Fact]
    public void Hint_ValueWithSpacesOrShellCharacters_IsQuotedSoTheShellGivesItBack()
    {
        var hint = CommandHints.Recipient(ObjectClass.DistributionList, "remove", "Sales \"West\" $HOME");

        Assert.Equal("dirsync dl remove \"Sales \\\"West\\\" \\$HOME\"", hint);
        Assert.Equal(["dirsync", "dl", "remove", "Sales \"West\" $HOME"], ReadmeSnippets.Split(hint, 1)[0].Words);
    }

    [Fact]
    public void Hint_Placeholder_IsLeftAsItIs()
    {
        Assert.Equal("dirsync requestor apply-resync <file> --allow-deletes 7", CommandHints.RequestorApplyResync("<file>", 7));
    }

    // Sample values for every parameter the catalog's methods take, with awkward ones (spaces) where a value is free text.
    private static IEnumerable<object?[]> Arguments(MethodInfo method)
    {
        var parameters = method.GetParameters();
        var plain = parameters.Select(p => Sample(method, p, awkward: false)).ToArray();
        yield return plain;
        var awkward = parameters.Select(p => Sample(method, p, awkward: true)).ToArray();
        if (!awkward.SequenceEqual(plain))
        {
            yield return awkward;
        }

        if (parameters.Any(p => p.HasDefaultValue))
        {
            yield return parameters.Select(p => p.HasDefaultValue ? p.DefaultValue : Sample(method, p, awkward: false)).ToArray();
        }
    }

    private static object? Sample(MethodInfo method, ParameterInfo parameter, bool awkward) => (parameter.ParameterType, parameter.Name) switch
    {
        (var t, _) when t == typeof(long) || t == typeof(long?) => 25L,
        (var t, _) when t == typeof(CycleEvent) => CycleEvent.T3,
        (var t, _) when t == typeof(ObjectClass) => ObjectClass.CustomRecipient,
        (var t, _) when t == typeof(DirectoryPath) => DirectoryPath.Parse(awkward ? "Recipients/Sales West" : "Recipients/Sales"),
        (var t, "instance") when t == typeof(string) => awkward ? "EXP 2" : "EXP",
        (var t, "requestor") when t == typeof(string) => awkward ? "NET/PO 2" : "NET/PO2",
        (var t, "alias") when t == typeof(string) => awkward ? "Mailbox 11" : "Mailbox11",
        (var t, "verb") when t == typeof(string) => "set",
        (var t, "file") when t == typeof(string) => awkward ? "/srv/dir sync/resync.dat" : "/srv/resync.dat",
        _ => throw new InvalidOperationException($"CommandHints.{method.Name}: no sample for parameter {parameter.Name}; add one here"),
    };
}
