using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Agent.Core.Config;

namespace Agent.Config;

/// <summary>The config keys of an options type: its public settable properties by snake_case name.</summary>
internal static class OptionProperties
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, PropertyInfo>> Cache = new();

    public static IReadOnlyDictionary<string, PropertyInfo> Of(Type type) => Cache.GetOrAdd(type, Read);

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = ConfigBinder.KeptWhole)]
    private static IReadOnlyDictionary<string, PropertyInfo> Read(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => SnakeCase.From(p.Name), StringComparer.Ordinal);

    /// <summary>True for types bound from a YAML mapping key by key (options classes), not from a scalar or kept raw.</summary>
    public static bool IsOptionsClass(Type type) =>
        type.IsClass && !ScalarConverter.IsScalarClass(type) && !typeof(RawNode).IsAssignableFrom(type) &&
        !IsList(type, out _) && !IsDictionary(type, out _);

    /// <summary>False for a reference-type property declared non-nullable (<c>List&lt;T&gt;</c>, not <c>List&lt;T&gt;?</c>).</summary>
    public static bool AcceptsNull(PropertyInfo property) =>
        new NullabilityInfoContext().Create(property).WriteState != NullabilityState.NotNull;

    public static bool IsList(Type type, out Type element)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            element = type.GetGenericArguments()[0];
            return true;
        }

        element = typeof(object);
        return false;
    }

    public static bool IsDictionary(Type type, out Type value)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) &&
            type.GetGenericArguments()[0] == typeof(string))
        {
            value = type.GetGenericArguments()[1];
            return true;
        }

        value = typeof(object);
        return false;
    }
}
