using BenchmarkDotNet.Attributes;
using DirSync.Benchmarks.Data;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Sqlite;

namespace DirSync.Benchmarks;

/// <summary>The SQLite store: N new mailboxes through <see cref="RecipientEditor"/> in one transaction, and reading them back.</summary>
/// <remarks>Every insert runs into a new, empty store (made before the iteration), so one invocation per iteration.</remarks>
[MemoryDiagnoser]
[InvocationCount(1)]
public class StoreBenchmarks
{
    private string _folder = "";
    private Person[] _people = [];
    private SqliteDirectoryStore? _empty;
    private SqliteDirectoryStore? _filled;
    private int _iteration;

    [Params(10_000)]
    public int Mailboxes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("dirsync-bench-").FullName;
        _people = Samples.People(Mailboxes);
        _filled = CreateStore("filled.db");
        AddAllAsync(_filled).AsTask().GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(AddMailboxes))]
    public void CreateEmpty() => _empty = CreateStore($"empty-{++_iteration}.db");

    [IterationCleanup(Target = nameof(AddMailboxes))]
    public void DropEmpty()
    {
        _empty?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _empty = null;
        foreach (var file in Directory.EnumerateFiles(_folder, "empty-*"))
        {
            File.Delete(file);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _filled?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A bulk load's store work: alias and address checks, address generation, the row, its addresses and attributes.</summary>
    [Benchmark]
    public ValueTask<int> AddMailboxes() => AddAllAsync(_empty!);

    [Benchmark]
    public async Task<int> ListAll()
    {
        var count = 0;
        await foreach (var value in _filled!.ListAsync(RecipientFilter.All))
        {
            count += value.Attributes.Count;
        }

        return count;
    }

    /// <summary>An incremental export's read: the last tenth of the changes.</summary>
    [Benchmark]
    public async Task<int> ChangesSince()
    {
        var count = 0;
        await foreach (var value in _filled!.GetChangesSinceAsync(Mailboxes - (Mailboxes / 10)))
        {
            count += value.Attributes.Count;
        }

        return count;
    }

    private SqliteDirectoryStore CreateStore(string name)
    {
        var info = DirectorySetup.NewStoreInfo("Testorg", "Site1", "Server1", DateTimeOffset.UtcNow);
        return SqliteDirectoryStore.CreateAsync(Path.Combine(_folder, name), info, DirectorySetup.InitializeAsync).GetAwaiter().GetResult();
    }

    private async ValueTask<int> AddAllAsync(SqliteDirectoryStore store)
    {
        await using var transaction = await store.BeginTransactionAsync();
        var editor = await RecipientEditor.CreateAsync(transaction);
        foreach (var person in _people)
        {
            var changes = new RecipientChanges { DisplayName = person.DisplayName };
            var values = person.Values;
            for (var i = 2; i < Person.Attributes.Count; i++)
            {
                changes.Attributes[Person.Attributes[i]] = [values[i]];
            }

            await editor.AddAsync(ObjectClass.Mailbox, person.Alias, changes);
        }

        await transaction.CommitAsync();
        return _people.Length;
    }
}
