using System.Security.Cryptography;
using DirSync.Core.Formats;
using DirSync.Core.Formats.Ldif;
using DirSync.Tests.Support;

namespace DirSync.Tests.Fuzz;

public sealed class LdifReaderFuzzTests
{
    private const string Name = "fuzz.ldif";

    // Small limits make "past the limit" cheap to reach; one case in forty keeps the defaults, so the
    // limits that ship are crossed too (with inputs of a few megabytes).
    private static readonly LdifReaderOptions Small = new()
    {
        MaxValueBytes = 1024,
        MaxAttributesPerRecord = 64,
        MaxRecordBytes = 8 * 1024,
        Lines = new LineReaderOptions { MaxLineBytes = 4 * 1024, ReadBlockBytes = 4 * 1024 },
    };

    [Fact]
    public void Read_MutatedFiles_ParseOrFailWithFormatError()
    {
        var settings = FuzzSettings.FromEnvironment("LdifReader", nameof(LdifReaderFuzzTests));
        var report = FuzzHarness.RunAndAssert(settings, MakeCase);

        FuzzHarness.AssertVaried(settings, report, kinds: 20);
    }

    private static FuzzCase MakeCase(FuzzRandom random)
    {
        var options = random.OneIn(40) ? LdifReaderOptions.Default : Small;
        var mutator = new Mutator(new MutationLimits(options.Lines.MaxLineBytes, options.MaxValueBytes), MutationSyntax.Ldif);
        var log = new List<string>();
        var input = mutator.Mutate(random.Pick(FuzzCorpus.Ldif), random, log);
        var trickle = input.Length < 64 * 1024 && random.OneIn(4);
        var hash = random.OneIn(2);
        log.Add($"read with {(options == Small ? "small" : "default")} limits{(trickle ? ", a byte at a time" : "")}{(hash ? ", hashing" : "")}");
        var limit = options.Lines.MaxLineBytes + 2L * options.Lines.ReadBlockBytes + options.MaxValueBytes;
        return new FuzzCase(Name, input, log, FuzzBounds.Memory(input.Length, limit), () => Read(input, options, trickle, hash));
    }

    private static void Read(byte[] input, LdifReaderOptions options, bool trickle, bool hash)
    {
        using var reader = new LdifReader(trickle ? new TrickleStream(input) : new MemoryStream(input), Name, options);
        if (hash)
        {
            reader.EnableHash(HashAlgorithmName.SHA256);
        }

        while (reader.Read())
        {
            switch (reader.ItemKind)
            {
                case LdifItemKind.Record:
                    _ = reader.Record.Dn;
                    break;
                case LdifItemKind.Comment:
                    _ = reader.Comment;
                    if (hash)
                    {
                        _ = reader.GetHashBeforeCurrentItem();
                    }

                    break;
            }
        }

        if (hash)
        {
            _ = reader.GetHashBeforeCurrentItem();
        }
    }
}
