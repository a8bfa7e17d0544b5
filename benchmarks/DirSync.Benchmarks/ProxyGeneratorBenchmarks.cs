using BenchmarkDotNet.Attributes;
using DirSync.Benchmarks.Data;
using DirSync.Core.Addressing;
using DirSync.Core.Model;

namespace DirSync.Benchmarks;

/// <summary>Address generation from templates, per recipient: what every add and every rename pays.</summary>
[MemoryDiagnoser]
public class ProxyGeneratorBenchmarks
{
    private const int Count = 1000;

    private static readonly Func<ProxyAddress, CancellationToken, ValueTask<bool>> NeverTaken = (_, _) => ValueTask.FromResult(false);

    private readonly AddressTemplate _alias = AddressTemplate.Parse("SMTP", "%m@Site1.Testorg.com");
    private readonly AddressTemplate _names = AddressTemplate.Parse("SMTP", "%g.%s@example.com");
    private readonly ProxyGenerator _site = new([AddressTemplate.Parse("SMTP", "%m@Site1.Testorg.com"), AddressTemplate.Parse("EDK", "%m@Site1.Testorg.com")]);
    private ProxyGenerator _single = null!;
    private RecipientNames[] _people = [];
    private DirectoryObject[] _mailboxes = [];

    [GlobalSetup]
    public void Setup()
    {
        _single = new ProxyGenerator([_alias]);
        _mailboxes = Samples.Mailboxes(Count);
        _people = [.. _mailboxes.Select(RecipientNames.From)];
    }

    /// <summary>The default template, <c>%m@site</c>, with the address free at the first try.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<int> AliasTemplate()
    {
        var length = 0;
        foreach (var names in _people)
        {
            length += (await _single.GenerateAsync(_alias, names, NeverTaken)).Address.Length;
        }

        return length;
    }

    /// <summary><c>%g.%s@example.com</c>: two names substituted and folded.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<int> GivenSurnameTemplate()
    {
        var length = 0;
        foreach (var names in _people)
        {
            length += (await _single.GenerateAsync(_names, names, NeverTaken)).Address.Length;
        }

        return length;
    }

    /// <summary>The template's address and the next two fallbacks are taken: <c>%m3</c> wins.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<int> ThreeCollisions()
    {
        var length = 0;
        foreach (var names in _people)
        {
            var tries = 0;
            length += (await _single.GenerateAsync(_names, names, (_, _) => ValueTask.FromResult(++tries <= 3))).Address.Length;
        }

        return length;
    }

    /// <summary>What a new mailbox gets: SMTP and EDK primaries from the site's default templates.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<int> NewMailbox()
    {
        var count = 0;
        foreach (var mailbox in _mailboxes)
        {
            mailbox.ProxyAddresses.Clear();
            await _site.ApplyAsync(mailbox, ProxyUpdate.Create, NeverTaken);
            count += mailbox.ProxyAddresses.Count;
        }

        return count;
    }
}
