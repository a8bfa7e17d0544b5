using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DirSync.Core;
using DirSync.Core.Storage;

namespace DirSync.Tests.Storage;

/// <summary>Every type kept in a store setting names its stored properties explicitly, round-trips, and still reads what earlier versions stored.</summary>
public sealed class StoredJsonTests
{
    private static readonly Assembly CoreAssembly = typeof(StoredJson).Assembly;

    public static TheoryData<string> StoredTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in StoredTypes())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Fact]
    public void StoredTypes_AreTheOnesKeptInSettings()
    {
        Assert.Equal(
            [
                "DirSync.Core.Gal.GalBuild",
                "DirSync.Core.Hub.HubServerState",
                "DirSync.Core.Hub.RegisteredRequestor",
                "DirSync.Core.Hub.RequestorState",
                "DirSync.Core.Scheduling.ScheduleStore+StoredSchedule",
                "DirSync.Core.Status.RunRecord",
            ],
            StoredTypes().Select(t => t.FullName!));
    }

    [Theory]
    [MemberData(nameof(StoredTypeNames))]
    public void StoredType_EveryProperty_HasAnExplicitStoredName(string typeName)
    {
        var problems = new List<string>();
        Check(CoreAssembly.GetType(typeName)!, problems, []);

        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Theory]
    [MemberData(nameof(StoredTypeNames))]
    public void StoredType_WithEveryPropertySet_RoundTripsAndWritesEveryName(string typeName)
    {
        var type = CoreAssembly.GetType(typeName)!;
        var value = Sample(type, 1);

        var json = Serialize(type, value);
        var read = Deserialize(type, "test.key", json);

        Assert.Equal(value, read);
        var stored = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(1, (int)stored[StoredJson.VersionProperty]!);
        Assert.Equal(
            StoredNames(type).Append(StoredJson.VersionProperty).Order(StringComparer.Ordinal),
            stored.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FormsStoredBeforeVersions))]
    public void StoredType_FormStoredBeforeVersions_ReadsAndWritesBackTheSameNames(string typeName, string stored)
    {
        var type = CoreAssembly.GetType(typeName)!;

        var read = Deserialize(type, "test.key", stored);
        var written = JsonNode.Parse(Serialize(type, read))!.AsObject();

        Assert.Equal(1, (int)written[StoredJson.VersionProperty]!);
        written.Remove(StoredJson.VersionProperty);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored), written), $"{typeName}: stored {stored}, written back {written.ToJsonString()}");
    }

    [Fact]
    public void Deserialize_FormOfANewerVersion_NamesTheSettingAndTheFix()
    {
        var error = Assert.Throws<DirSyncException>(() => StoredJson.Deserialize<DirSync.Core.Gal.GalBuild>("gal.built", """{"usn":1,"time":"2024-01-01T00:00:00+00:00","entries":2,"version":2}"""));

        Assert.Equal(ErrorCategory.Store, error.Category);
        Assert.Equal("the stored setting 'gal.built' was written by a newer DirSync (form 2; this one reads up to 1); run a newer dirsync", error.Message);
    }

    [Fact]
    public void Serialize_TypeNotMarkedStored_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StoredJson.Serialize(new DirSync.Core.Hub.RefusalRecord(156, "x", DateTimeOffset.UnixEpoch)));

        Assert.Equal("RefusalRecord is not marked [StoredSetting]; mark it so its stored names are checked", error.Message);
    }

    // Each type's JSON as DirSync stored it before stored names were explicit (reflection over the records, camel case), every property set.
    public static TheoryData<string, string> FormsStoredBeforeVersions() => new()
    {
        { "DirSync.Core.Gal.GalBuild", """{"usn":41,"time":"2024-03-01T10:00:00+00:00","entries":7}""" },
        {
            "DirSync.Core.Hub.HubServerState",
            """{"name":"SRV/HUB","inbox":"hub-in","keepUpdatesDays":30,"sync":12,"purgedThrough":3,"cycle":5,"resyncFloor":9,"handedOverTo":"NET/PO1","handedOverStore":"0f8fad5b-d9cb-469f-a165-70867728950e","handedOverAt":"2024-03-02T11:00:00+00:00"}"""
        },
        {
            "DirSync.Core.Hub.RegisteredRequestor",
            """{"name":"NET/PO1","inbox":"po1-in","fetchesReplies":true,"key":"k1","reqSync":4,"srvSync":6,"reportedSrvSync":5,"impSync":2,"lastCycle":3,"lastUpdateReceived":"2024-03-01T09:00:00+00:00","replyPending":true,"importRequested":true,"deleteLimit":50,"foreignPurgedThrough":1,"generation":2,"resetAt":"2024-02-01T00:00:00+00:00","lastMessageId":"m-1","lastContact":"2024-03-01T09:30:00+00:00","lastRefusal":{"code":156,"reason":"wrong password","time":"2024-03-01T08:00:00+00:00"}}"""
        },
        {
            "DirSync.Core.Hub.RequestorState",
            """{"name":"NET/PO1","inbox":"po1-in","serverInbox":"hub-in","serverUrl":"https://hub.example.com:8443/","key":"k1","addressType":"MS","applyOnReceive":true,"deleteLimit":20,"serverName":"SRV/HUB","serverIdentity":"7c9e6679-7425-40de-944b-e07fc1f90ae7","reqSync":4,"nextTransaction":9,"srvSync":6,"impSync":2,"captureUsn":100,"importRequested":true,"exportThrough":8,"fullBatchFirst":1,"fullBatchLast":3,"inboundLast":6,"galRebuildPending":true,"lastSent":"2024-03-01T09:00:00+00:00","lastReceived":"2024-03-01T09:10:00+00:00","lastImported":"2024-03-01T09:20:00+00:00","generation":1,"resetAt":"2024-02-01T00:00:00+00:00","relay":true,"exportPending":true,"lastServerError":"138: missing transactions"}"""
        },
        {
            "DirSync.Core.Scheduling.ScheduleStore+StoredSchedule",
            """{"days":"weekdays","time":"18:00","windowMinutes":60,"since":"2024-03-01T12:00:00+00:00","timeZone":"Europe/Berlin"}"""
        },
        {
            "DirSync.Core.Status.RunRecord",
            """{"what":"server receive","started":"2024-03-01T12:00:00+00:00","seconds":1.5,"succeeded":true,"summary":"2 messages"}"""
        },
    };

    private static IEnumerable<Type> StoredTypes() =>
        CoreAssembly.GetTypes().Where(t => t.GetCustomAttribute<StoredSettingAttribute>() is not null).OrderBy(t => t.FullName, StringComparer.Ordinal);

    // The properties the serializer reads and writes: public, instance, readable, not ignored always.
    private static IEnumerable<PropertyInfo> Persisted(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always });

    private static IEnumerable<string> StoredNames(Type type) => Persisted(type).Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name);

    private static void Check(Type type, List<string> problems, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in Persisted(type))
        {
            var where = $"{type.Name}.{property.Name}";
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is not { } name)
            {
                problems.Add($"{where} has no [JsonPropertyName]");
                continue;
            }

            if (!names.Add(name.Name) || name.Name.Equals(StoredJson.VersionProperty, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{where}: the stored name '{name.Name}' is taken");
            }

            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (valueType.IsEnum)
            {
                problems.Add($"{where} is an enum, stored by its number; store a name instead");
            }
            else if (valueType.Assembly == CoreAssembly)
            {
                Check(valueType, problems, seen);
            }
        }
    }

    // A value of the type with every property set to something other than its default, so a dropped property shows.
    private static object Sample(Type type, int seed)
    {
        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select((p, i) => SampleValue(p.ParameterType, p.Name!, seed + i)).ToArray();
        var value = constructor.Invoke(arguments);
        var i = 100;
        foreach (var property in Persisted(type).Where(p => p.SetMethod is not null && constructor.GetParameters().All(c => c.Name != p.Name)))
        {
            property.SetValue(value, SampleValue(property.PropertyType, property.Name, seed + i++));
        }

        return value;
    }

    private static object SampleValue(Type type, string name, int seed)
    {
        var valueType = Nullable.GetUnderlyingType(type) ?? type;
        return valueType switch
        {
            _ when valueType == typeof(string) => $"{name}-{seed}",
            _ when valueType == typeof(long) => (long)seed * 3 + 1,
            _ when valueType == typeof(int) => seed * 5 + 2,
            _ when valueType == typeof(double) => seed + 0.5,
            _ when valueType == typeof(bool) => true,
            _ when valueType == typeof(Guid) => new Guid(seed, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
            _ when valueType == typeof(DateTimeOffset) => new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero).AddMinutes(seed),
            _ when valueType.Assembly == CoreAssembly && valueType.IsClass => Sample(valueType, seed * 10),
            _ => throw new InvalidOperationException($"no sample for {valueType.Name} ({name}); add one"),
        };
    }

    private static string Serialize(Type type, object value) =>
        (string)typeof(StoredJson).GetMethod(nameof(StoredJson.Serialize))!.MakeGenericMethod(type).Invoke(null, [value])!;

    private static object Deserialize(Type type, string key, string json) =>
        typeof(StoredJson).GetMethod(nameof(StoredJson.Deserialize))!.MakeGenericMethod(type).Invoke(null, [key, json])!;
}
