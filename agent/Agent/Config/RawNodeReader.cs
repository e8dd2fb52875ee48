using Agent.Core.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agent.Config;

/// <summary>
/// Copies a YAML subtree into Agent.Core's neutral <see cref="RawNode"/> tree, so components get it without a
/// YamlDotNet dependency: scalars are expanded like every other value, and every key and item keeps its position,
/// both in the node and in the binder (so validation errors naming a path inside the subtree point at it).
/// </summary>
internal sealed class RawNodeReader(ConfigBinder binder, string file)
{
    /// <summary>Reads <paramref name="node"/> as <paramref name="type"/> (RawNode or one of its shapes).</summary>
    public (bool Ok, object? Value) Read(YamlNode node, Type type, string path)
    {
        var raw = Read(node, path);
        if (raw is null)
        {
            return (false, null);
        }

        if (!type.IsInstanceOfType(raw))
        {
            binder.Error(node, path, $"expected a {ShapeOf(type)}, got a {ConfigBinder.Describe(node)}");
            return (false, null);
        }

        return (true, raw);
    }

    private RawNode? Read(YamlNode node, string path) => node switch
    {
        YamlMappingNode mapping => ReadMapping(mapping, path),
        YamlSequenceNode sequence => ReadSequence(sequence, path),
        YamlScalarNode scalar => ReadScalar(scalar, path),
        _ => Unsupported(node, path),
    };

    private RawMapping? ReadMapping(YamlMappingNode mapping, string path)
    {
        var entries = new List<RawEntry>(mapping.Children.Count);
        bool ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode keyScalar)
            {
                binder.Error(keyNode, path, $"expected a single value as a key, got a {ConfigBinder.Describe(keyNode)}");
                ok = false;
                continue;
            }

            // Keys are taken literally, as everywhere else in the configuration; only values are expanded.
            string key = keyScalar.Value ?? string.Empty;
            string keyPath = $"{path}.{key}";
            binder.Remember(keyPath, keyNode);
            var value = Read(valueNode, keyPath);
            if (value is null)
            {
                ok = false;
                continue;
            }

            entries.Add(new RawEntry(new RawScalar(keyPath, PositionOf(keyNode), key, IsQuoted(keyScalar)), value));
        }

        return ok ? new RawMapping(path, PositionOf(mapping), entries) : null;
    }

    private RawSequence? ReadSequence(YamlSequenceNode sequence, string path)
    {
        var items = new List<RawNode>(sequence.Children.Count);
        bool ok = true;
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            string itemPath = $"{path}[{i}]";
            binder.Remember(itemPath, sequence.Children[i]);
            var item = Read(sequence.Children[i], itemPath);
            ok &= item is not null;
            if (item is not null)
            {
                items.Add(item);
            }
        }

        return ok ? new RawSequence(path, PositionOf(sequence), items) : null;
    }

    private RawScalar? ReadScalar(YamlScalarNode scalar, string path)
    {
        int errors = binder.Errors.Count;
        string? text = binder.ScalarText(scalar, path);
        return text is null || binder.Errors.Count > errors ? null : new RawScalar(path, PositionOf(scalar), text, IsQuoted(scalar));
    }

    private RawNode? Unsupported(YamlNode node, string path)
    {
        binder.Error(node, path, "aliases and other YAML node kinds are not supported here");
        return null;
    }

    private ConfigPosition PositionOf(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    private static bool IsQuoted(YamlScalarNode scalar) => scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;

    private static string ShapeOf(Type type) => type switch
    {
        _ when type == typeof(RawMapping) => "mapping",
        _ when type == typeof(RawSequence) => "list",
        _ => "single value",
    };
}
