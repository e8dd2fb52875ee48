using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Agent.Core.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agent.Config;

/// <summary>
/// Binds YAML nodes onto options objects that already hold their defaults, and records where every key was written
/// so later validation errors can point at file, line and column. Every problem is collected; binding goes on
/// past errors so one run reports them all.
/// </summary>
internal sealed class ConfigBinder
{
    // Options classes and their lists and dictionaries are found at run time (a factory's options object, then its
    // property types), which trimming annotations cannot follow; a Native AOT publish keeps the project's
    // assemblies whole instead (Agent.csproj), so their constructors and properties are all there.
    internal const string KeptWhole = "Options types live in the project's assemblies, which a trimmed or AOT publish keeps whole.";

    private readonly string _file;
    private readonly Func<string, string?> _environment;
    private readonly Dictionary<string, Mark> _positions = new(StringComparer.Ordinal);
    private readonly RawNodeReader _raw;

    // Values that referenced unset environment variables, so that an error about such a value names them.
    private readonly Dictionary<string, (string Names, Mark Where)> _unsetVariables = new(StringComparer.Ordinal);

    public ConfigBinder(string file, Func<string, string?> environment)
    {
        _file = file;
        _environment = environment;
        _raw = new RawNodeReader(this, file);
    }

    public List<ConfigError> Errors { get; } = [];

    public void Error(YamlNode? node, string path, string message) =>
        Errors.Add(new ConfigError(_file, (int)(node?.Start.Line ?? 0), (int)(node?.Start.Column ?? 0), path, WithUnsetVariables(path, message)));

    /// <summary>An error at a key path recorded during binding, or at the nearest recorded parent.</summary>
    public void ErrorAt(string path, string message)
    {
        var mark = PositionOf(path);
        Errors.Add(mark is { } at
            ? new ConfigError(_file, (int)at.Line, (int)at.Column, path, WithUnsetVariables(path, message))
            : new ConfigError(_file, 0, 0, path, message));
    }

    /// <summary>Where <paramref name="path"/> (or its nearest recorded parent) was written, as <c>file:line:column</c>.</summary>
    public string Location(string path) =>
        PositionOf(path) is { } at ? $"{_file}:{at.Line}:{at.Column}" : _file;

    private Mark? PositionOf(string path)
    {
        for (string probe = path; ; probe = probe[..probe.LastIndexOf('.')])
        {
            if (_positions.TryGetValue(probe, out var mark))
            {
                return mark;
            }

            if (!probe.Contains('.', StringComparison.Ordinal))
            {
                return null;
            }
        }
    }

    /// <summary>The message, plus which unset environment variable made the value at <paramref name="path"/> empty.</summary>
    private string WithUnsetVariables(string path, string message) =>
        _unsetVariables.TryGetValue(path, out var unset)
            ? $"{message} (environment variable {unset.Names} is not set; used at line {unset.Where.Line}, key {path})"
            : message;

    public void Remember(string path, YamlNode node) => _positions[path] = node.Start;

    public static bool IsNull(YamlNode? node) =>
        node is null || (node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar &&
                         scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    /// <summary>The scalar's text with environment references expanded; null (and an error) when it is not a scalar.</summary>
    public string? ScalarText(YamlNode node, string path)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(node, path, $"expected a single value, got a {Describe(node)}");
            return null;
        }

        var unset = new List<string>();
        string expanded = EnvSubstitution.Expand(scalar.Value ?? string.Empty, _environment, unset, out string? error);
        if (unset.Count > 0)
        {
            _unsetVariables[path] = (string.Join(", ", unset), scalar.Start);
        }

        if (error is not null)
        {
            Error(node, path, error);
        }

        return expanded;
    }

    /// <summary>Sets every key of <paramref name="node"/> on <paramref name="target"/>; unknown keys are errors.</summary>
    public void BindObject(YamlNode? node, object target, string path)
    {
        if (IsNull(node))
        {
            NotifyPresence(target, new HashSet<string>(StringComparer.Ordinal));
            return;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(node, path, $"expected a mapping of options, got a {Describe(node!)}");
            return;
        }

        var properties = OptionProperties.Of(target.GetType());
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            string keyPath = $"{path}.{key}";
            Remember(keyPath, keyNode);
            if (!properties.TryGetValue(key, out var property))
            {
                Error(keyNode, keyPath, $"unknown key \"{key}\"; valid keys are: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}");
                continue;
            }

            if (!present.Add(key))
            {
                Error(keyNode, keyPath, $"key \"{key}\" is set twice");
                continue;
            }

            var (ok, value) = BindValue(valueNode, property.PropertyType, keyPath, property.GetValue(target));

            // A key written with no value (`scrape_configs:`) keeps its default where the option may not be null.
            if (ok && (value is not null || OptionProperties.AcceptsNull(property)))
            {
                property.SetValue(target, value);
            }
        }

        NotifyPresence(target, present);
    }

    /// <summary>Converts one node to <paramref name="type"/>; <paramref name="existing"/> keeps nested defaults.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = KeptWhole)]
    public (bool Ok, object? Value) BindValue(YamlNode node, Type type, string path, object? existing)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (IsNull(node))
        {
            if (OptionProperties.IsOptionsClass(type))
            {
                // As in the Collector, a block written with no value (`grpc:`) means "on, with defaults".
                var created = existing ?? Activator.CreateInstance(type)!;
                BindObject(null, created, path);
                return (true, created);
            }

            if (!type.IsValueType || underlying is not null)
            {
                return (true, null);
            }

            Error(node, path, $"expected {ScalarConverter.Expected(type)}, got nothing");
            return (false, null);
        }

        type = underlying ?? type;
        if (typeof(RawNode).IsAssignableFrom(type))
        {
            return _raw.Read(node, type, path);
        }

        if (OptionProperties.IsList(type, out var element))
        {
            return BindList(node, type, element, path);
        }

        if (OptionProperties.IsDictionary(type, out var valueType))
        {
            return BindDictionary(node, type, valueType, path);
        }

        if (OptionProperties.IsOptionsClass(type))
        {
            var target = existing ?? Activator.CreateInstance(type)!;
            BindObject(node, target, path);
            return (true, target);
        }

        string? text = ScalarText(node, path);
        if (text is null)
        {
            return (false, null);
        }

        if (ScalarConverter.TryConvert(text, type, ((YamlScalarNode)node).Style, out var value, out string error))
        {
            return (true, value);
        }

        Error(node, path, error);
        return (false, null);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = KeptWhole)]
    private (bool, object?) BindList(YamlNode node, Type listType, Type element, string path)
    {
        var list = (IList)Activator.CreateInstance(listType)!;
        if (node is YamlScalarNode && element == typeof(string))
        {
            // A lone value where a list is expected is taken as a list of one, as the Collector does for globs.
            list.Add(ScalarText(node, path));
            return (true, list);
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(node, path, $"expected a list, got a {Describe(node)}");
            return (false, null);
        }

        bool ok = true;
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            string itemPath = $"{path}[{i}]";
            Remember(itemPath, sequence.Children[i]);
            var (itemOk, item) = BindValue(sequence.Children[i], element, itemPath, null);
            ok &= itemOk;

            // A failed item is left out: null cannot stand in for a value type, and the load fails anyway.
            if (itemOk)
            {
                list.Add(item);
            }
        }

        return (ok, list);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = KeptWhole)]
    private (bool, object?) BindDictionary(YamlNode node, Type dictionaryType, Type valueType, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(node, path, $"expected a mapping, got a {Describe(node)}");
            return (false, null);
        }

        var dictionary = (IDictionary)Activator.CreateInstance(dictionaryType)!;
        bool ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            string keyPath = $"{path}.{key}";
            Remember(keyPath, keyNode);
            var (valueOk, value) = BindValue(valueNode, valueType, keyPath, null);
            ok &= valueOk;
            if (valueOk)
            {
                dictionary[key] = value;
            }
        }

        return (ok, dictionary);
    }

    private static void NotifyPresence(object target, IReadOnlySet<string> present)
    {
        if (target is IPresenceAware aware)
        {
            aware.OnKeysPresent(present);
        }
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };
}
