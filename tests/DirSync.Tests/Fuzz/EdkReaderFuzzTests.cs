using System.Security.Cryptography;
using DirSync.Core.Formats;
using DirSync.Core.Formats.EdkDirSync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Fuzz;

public sealed class EdkReaderFuzzTests
{
    private const string Name = "fuzz.dirsync";

    // Small limits make "past the limit" cheap to reach; one case in forty keeps the defaults.
    private static readonly EdkReaderOptions Small = new()
    {
        MaxValueBytes = 1024,
        MaxAttributeLinesPerRecord = 64,
        MaxValuesPerAttribute = 16,
        Lines = new LineReaderOptions { MaxLineBytes = 4 * 1024, ReadBlockBytes = 4 * 1024 },
    };

    [Fact]
    public void Read_MutatedFiles_ParseOrFailWithFormatError()
    {
        var settings = FuzzSettings.FromEnvironment("EdkReader", nameof(EdkReaderFuzzTests));
        var report = FuzzHarness.RunAndAssert(settings, MakeCase);

        FuzzHarness.AssertVaried(settings, report, kinds: 20);
    }

    private static FuzzCase MakeCase(FuzzRandom random)
    {
        var options = random.OneIn(40) ? EdkReaderOptions.Default : Small;
        var mutator = new Mutator(new MutationLimits(options.Lines.MaxLineBytes, options.MaxValueBytes), MutationSyntax.Edk);
        var log = new List<string>();
        var input = mutator.Mutate(random.Pick(FuzzCorpus.Edk), random, log);
        var trickle = input.Length < 64 * 1024 && random.OneIn(4);
        var hash = random.OneIn(2);
        log.Add($"read with {(options == Small ? "small" : "default")} limits{(trickle ? ", a byte at a time" : "")}{(hash ? ", hashing" : "")}");
        var limit = options.Lines.MaxLineBytes + 2L * options.Lines.ReadBlockBytes + options.MaxValueBytes;
        return new FuzzCase(Name, input, log, FuzzBounds.Memory(input.Length, limit), () => Read(input, options, trickle, hash));
    }

    private static void Read(byte[] input, EdkReaderOptions options, bool trickle, bool hash)
    {
        using var reader = new EdkReader(trickle ? new TrickleStream(input) : new MemoryStream(input), Name, options);
        if (hash)
        {
            reader.EnableHash(HashAlgorithmName.SHA256);
        }

        while (reader.Read())
        {
            if (reader.ItemKind == EdkItemKind.Record)
            {
                _ = reader.Record.Attributes.Count;
            }
            else if (hash)
            {
                _ = reader.GetHashBeforeCurrentLine();
            }
        }

        if (hash)
        {
            _ = reader.GetHashBeforeCurrentLine();
        }
    }
}
