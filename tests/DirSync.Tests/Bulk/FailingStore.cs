using System.Reflection;
using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Tests.Bulk;

/// <summary>Wraps a store so that adding one alias writes the object and then fails, as a store failing mid-write would.</summary>
public class FailingStore : DispatchProxy
{
    private object _target = null!;
    private string _alias = null!;

    public static IDirectoryStore Wrap(IDirectoryStore store, string failingAlias)
    {
        var proxy = Create<IDirectoryStore, FailingStore>();
        var failing = (FailingStore)(object)proxy;
        failing._target = store;
        failing._alias = failingAlias;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IDirectoryStore.BeginTransactionAsync))
        {
            return WrapTransactionAsync((ValueTask<IDirectoryTransaction>)targetMethod.Invoke(_target, args)!);
        }

        if (targetMethod.Name == nameof(IDirectoryTransaction.AddAsync) && args![0] is DirectoryObject value && value.Alias == _alias)
        {
            return AddThenFailAsync((ValueTask)targetMethod.Invoke(_target, args)!);
        }

        try
        {
            return targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private async ValueTask<IDirectoryTransaction> WrapTransactionAsync(ValueTask<IDirectoryTransaction> begin)
    {
        var proxy = Create<IDirectoryTransaction, FailingStore>();
        var failing = (FailingStore)(object)proxy;
        failing._target = await begin;
        failing._alias = _alias;
        return proxy;
    }

    private static async ValueTask AddThenFailAsync(ValueTask add)
    {
        await add;
        throw new ConflictException("the store refused the write after starting it");
    }
}
