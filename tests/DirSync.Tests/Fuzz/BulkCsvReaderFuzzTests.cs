using System.Text;
using DirSync.Core.Bulk;

namespace DirSync.Tests.Fuzz;

public sealed class BulkCsvReaderFuzzTests
{
    private const string Name = "fuzz.csv";

    // Small limits make "past the limit" cheap to reach; one case in forty keeps the defaults.
    private static readonly BulkCsvReaderOptions Small = new() { MaxRowBytes = 4 * 1024, ReadBlockBytes = 4 * 1024 };

    private static readonly IReadOnlyList<byte[]> Corpus =
    [
        FuzzCorpus.TestData("Bulk", "import.csv"),

        // Exchange's shapes: \% and \\ inside multi-valued fields; the 5.5 administrator's Unicode export with its column
        // names, known-but-not-kept columns, Obj-Container and member paths, as UTF-16 and as UTF-8.
        FuzzCorpus.TestData("Bulk", "exchange-escapes.csv"),
        FuzzCorpus.TestData("Bulk", "exchange55-admin.csv"),
        Encoding.UTF8.GetBytes(Encoding.Unicode.GetString(FuzzCorpus.TestData("Bulk", "exchange55-admin.csv").AsSpan(2))),
        Encoding.UTF8.GetBytes(
            "Obj-Class,Alias Name,Directory Name,Telephone-Office2,Members,Obj-Container,Shoe Size\r\n"
            + "Remote-Address,a,A,\"\\\\\\\\x%\\%y\\\\\",,cn=Recipients,9\r\n"
            + "dl,l,l,,Recipients/cn=Letters/cn=A%/o=Org/ou=Site/cn=Recipients/cn=a,/o=Org/ou=Site/cn=Recipients,\r\n"),
        Encoding.UTF8.GetBytes(
            "\uFEFFObj-Class,Mode,Common-Name,Display-Name,Proxy-Addresses,Comment\r\n"
            + "Mailbox,Create,jdoe,\"Doe, John\",SMTP:jdoe@example.com%X400:c=US;a= ;p=Org;s=Doe;,\"line one\nline two\"\r\n"
            + "Mailbox,Modify,ann,\"Ann \"\"The Boss\"\"\",~DEL,\r\n"
            + "\r\n"
            + "Remote,Delete,old,,,\r\n"),
    ];

    [Fact]
    public void Read_MutatedFiles_ParseOrFailWithFormatError()
    {
        var settings = FuzzSettings.FromEnvironment("BulkCsvReader", nameof(BulkCsvReaderFuzzTests));
        var report = FuzzHarness.RunAndAssert(settings, MakeCase);

        FuzzHarness.AssertVaried(settings, report, kinds: 10);
    }

    private static FuzzCase MakeCase(FuzzRandom random)
    {
        var options = random.OneIn(40) ? BulkCsvReaderOptions.Default : Small;

        // A quarter of the cases pass over unknown columns, so that rows are read past a misspelled header too.
        var lenient = random.OneIn(4);
        var mutator = new Mutator(new MutationLimits(options.MaxRowBytes, options.MaxRowBytes), MutationSyntax.Csv);
        var log = new List<string>();
        var input = mutator.Mutate(random.Pick(Corpus), random, log);
        log.Add(options == Small ? "read with small limits" : "read with the default limits");
        if (lenient)
        {
            options = options with { IgnoreUnknownColumns = true };
            log.Add("unknown columns passed over");
        }

        var bound = FuzzBounds.Memory(input.Length, options.MaxRowBytes + 2L * options.ReadBlockBytes);
        return new FuzzCase(Name, input, log, bound, () => Read(input, options));
    }

    private static void Read(byte[] input, BulkCsvReaderOptions options)
    {
        // A bad row does not throw: its error is returned with it and reading goes on, so each is checked where it
        // stands. A bad header or an over-long row still throws, and the harness judges that.
        using var reader = new BulkCsvReader(new MemoryStream(input), Name, options);
        var lines = FuzzHarness.Lines(input);
        while (reader.Read())
        {
            if (reader.Row.Error is { } error && FuzzHarness.FormatErrorProblem(error, Name, lines) is { } problem)
            {
                throw new InvalidOperationException($"row {reader.Row.Line}: a row error that {problem}", error);
            }
        }
    }
}
