using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agent.Config;

/// <summary>
/// A component's configuration as written, after environment substitution, in one canonical text: two loads give
/// equal texts exactly when the component would be bound from the same values, so a reload can tell which
/// components did not change. Every scalar is length-prefixed, so no value can imitate structure.
/// </summary>
internal static class ConfigFingerprint
{
    public static string Of(YamlNode? node, Func<string, string?> environment)
    {
        var text = new StringBuilder();
        Append(text, node, environment);
        return text.ToString();
    }

    private static void Append(StringBuilder text, YamlNode? node, Func<string, string?> environment)
    {
        switch (node)
        {
            case null:
                text.Append('~');
                break;
            case YamlMappingNode mapping:
                text.Append('{');
                foreach (var (key, value) in mapping.Children)
                {
                    Append(text, key, environment);
                    text.Append(':');
                    Append(text, value, environment);
                }

                text.Append('}');
                break;
            case YamlSequenceNode sequence:
                text.Append('[');
                foreach (var item in sequence.Children)
                {
                    Append(text, item, environment);
                }

                text.Append(']');
                break;
            case YamlScalarNode scalar:
                // Quoting changes meaning (a quoted "null" is a string), so it is part of the value.
                string expanded = EnvSubstitution.Expand(scalar.Value ?? string.Empty, environment, out _);
                text.Append(scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 'q' : 'p')
                    .Append(expanded.Length).Append(':').Append(expanded);
                break;
            default:
                text.Append('?');
                break;
        }
    }
}
