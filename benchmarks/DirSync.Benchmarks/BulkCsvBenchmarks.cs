using System.Globalization;
using BenchmarkDotNet.Attributes;
using DirSync.Benchmarks.Data;
using DirSync.Core.Bulk;

namespace DirSync.Benchmarks;

/// <summary>The bulk CSV reader and writer on their own: no store, no importer.</summary>
/// <remarks>
/// <see cref="Read"/> is the shape of benchmarks/run.sh's <c>mailboxes.csv</c> (single values, nothing escaped), the
/// common case at a million rows; <see cref="ReadMultiValued"/> adds two multi-valued columns of two values each,
/// as an Exchange export's <c>Proxy-Addresses</c> and <c>Telephone-Office2</c> have.
/// </remarks>
[MemoryDiagnoser]
public class BulkCsvBenchmarks
{
    private Person[] _people = [];
    private byte[] _plain = [];
    private byte[] _multiValued = [];

    [Params(10_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _people = Samples.People(Rows);
        _plain = Build(multiValued: false);
        _multiValued = Build(multiValued: true);
    }

    [Benchmark]
    public long Write()
    {
        using var writer = new BulkCsvWriter(Stream.Null);
        WriteRows(writer, multiValued: false);
        writer.Flush();
        return writer.BytesWritten;
    }

    [Benchmark]
    public int Read() => ReadAll(_plain);

    [Benchmark]
    public int ReadMultiValued() => ReadAll(_multiValued);

    private static int ReadAll(byte[] file)
    {
        using var reader = new BulkCsvReader(new MemoryStream(file, writable: false), "bench.csv");
        var count = 0;
        while (reader.Read())
        {
            count += reader.Row.Fields.Count;
        }

        return count;
    }

    private byte[] Build(bool multiValued)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BulkCsvWriter(buffer))
        {
            WriteRows(writer, multiValued);
        }

        return buffer.ToArray();
    }

    private void WriteRows(BulkCsvWriter writer, bool multiValued)
    {
        writer.WriteField("Obj-Class");
        writer.WriteField("Mode");
        foreach (var attribute in Person.Attributes)
        {
            writer.WriteField(attribute.ExchangeName);
        }

        if (multiValued)
        {
            writer.WriteField("Proxy-Addresses");
            writer.WriteField("Telephone-Office2");
        }

        writer.EndRow();
        foreach (var person in _people)
        {
            writer.WriteField("Mailbox");
            writer.WriteField("Create");
            foreach (var value in person.Values)
            {
                writer.WriteField(value);
            }

            if (multiValued)
            {
                writer.WriteField(string.Create(CultureInfo.InvariantCulture, $"SMTP:{person.Alias}@example.com%smtp:{person.Alias}@old.example.com"));
                writer.WriteField(person.Telephone + "%" + person.Mobile);
            }

            writer.EndRow();
        }
    }
}
