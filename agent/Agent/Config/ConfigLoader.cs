using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Service;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agent.Config;

/// <summary>
/// Reads a configuration in the Collector's shape, binds every component's options onto its factory's defaults,
/// validates options and pipeline wiring, and reports every problem with file, line, column and key path.
/// </summary>
internal sealed class ConfigLoader
{
    private const string MissingKey = "a mapping entry has no key before its colon";

    private static readonly string[] TopLevelKeys = ["receivers", "processors", "exporters", "connectors", "extensions", "service"];
    private static readonly string[] ServiceKeys = ["extensions", "pipelines", "telemetry"];
    private static readonly string[] PipelineKeys = ["receivers", "processors", "exporters"];

    private readonly ComponentRegistry _registry;
    private readonly Func<string, string?> _environment;

    public ConfigLoader(ComponentRegistry registry, Func<string, string?>? environment = null)
    {
        _registry = registry;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    public AgentConfig LoadFile(string path) => Load(path, ReadFile(path));

    /// <summary>The text of a configuration file; a file that cannot be read is a configuration error.</summary>
    public static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(path, 0, 0, "(file)", $"cannot read the configuration: {ex.Message}")]);
        }
    }

    /// <summary>Parses and validates <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    public AgentConfig Load(string source, string text)
    {
        var binder = new ConfigBinder(source, _environment);
        var config = new AgentConfig { Source = source };
        var root = Parse(source, text, binder);
        if (root is not null)
        {
            ReadRoot(root, config, binder);
        }

        if (binder.Errors.Count > 0)
        {
            throw new ConfigException([.. binder.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return config;
    }

    private static YamlMappingNode? Parse(string source, string text, ConfigBinder binder)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            // YamlDotNet reports a tab in the indentation at the start of the enclosing mapping (1:1 for the
            // root), not where the tab is: find the tab itself.
            var (line, column) = ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentationTab(text) is { } tab
                ? tab
                : ((int)ex.Start.Line, (int)ex.Start.Column);
            binder.Errors.Add(new ConfigError(source, line, column, "(yaml)", ex.InnerException?.Message ?? ex.Message));
            return null;
        }
        catch (ArgumentException)
        {
            // YamlDotNet's node builder fails without a position on a block mapping entry with no key ("  : x").
            var at = parser.Current?.Start ?? Mark.Empty;
            var (line, column) = FirstMissingKey(text) ?? ((int)at.Line, (int)at.Column);
            binder.Errors.Add(new ConfigError(source, line, column, "(yaml)", MissingKey));
            return null;
        }
        catch (InvalidOperationException)
        {
            // The scanner gives up on some unterminated constructs without a position: name the last token read.
            var at = parser.Current?.End ?? Mark.Empty;
            binder.Errors.Add(new ConfigError(source, (int)at.Line, (int)at.Column, "(yaml)", "malformed YAML after this point (an unclosed bracket, brace or quote?)"));
            return null;
        }

        if (stream.Documents.Count == 0 || ConfigBinder.IsNull(stream.Documents[0].RootNode))
        {
            binder.Errors.Add(new ConfigError(source, 0, 0, "(root)", "the configuration is empty"));
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            binder.Error(stream.Documents[0].RootNode, "(root)", "the configuration must be a mapping with receivers, processors, exporters and service");
            return null;
        }

        return root;
    }

    /// <summary>The text of a mapping key; null, with an error, for an empty key or a sequence or mapping written as one.</summary>
    private static string? KeyOf(YamlNode keyNode, string parentPath, ConfigBinder binder)
    {
        if (keyNode is not YamlScalarNode scalar)
        {
            binder.Error(keyNode, parentPath, $"expected a single value as a key, got a {ConfigBinder.Describe(keyNode)}");
            return null;
        }

        if (string.IsNullOrEmpty(scalar.Value))
        {
            binder.Error(keyNode, parentPath, MissingKey);
            return null;
        }

        return scalar.Value;
    }

    /// <summary>The line and column (1-based) of the first line whose text starts with a colon and a blank, if any.</summary>
    private static (int Line, int Column)? FirstMissingKey(string text)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int start = line.Length - line.TrimStart(' ', '-').Length;
            if (start < line.Length && line[start] == ':' && (start + 1 == line.Length || line[start + 1] is ' ' or '\t'))
            {
                return (i + 1, start + 1);
            }
        }

        return null;
    }

    /// <summary>The line and column (1-based) of the first tab among a line's leading blanks, if any.</summary>
    private static (int Line, int Column)? FirstIndentationTab(string text)
    {
        int line = 1, column = 1;
        bool leading = true;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                (line, column, leading) = (line + 1, 1, true);
                continue;
            }

            if (leading && c == '\t')
            {
                return (line, column);
            }

            leading &= c == ' ';
            column++;
        }

        return null;
    }

    private void ReadRoot(YamlMappingNode root, AgentConfig config, ConfigBinder binder)
    {
        YamlNode? service = null;
        foreach (var (keyNode, valueNode) in root.Children)
        {
            if (KeyOf(keyNode, "(root)", binder) is not { } key)
            {
                continue;
            }

            binder.Remember(key, keyNode);
            switch (key)
            {
                case "receivers": ReadSection(ComponentKind.Receiver, valueNode, config, binder); break;
                case "processors": ReadSection(ComponentKind.Processor, valueNode, config, binder); break;
                case "exporters": ReadSection(ComponentKind.Exporter, valueNode, config, binder); break;
                case "extensions": ReadSection(ComponentKind.Extension, valueNode, config, binder); break;
                case "service": service = valueNode; break;
                case "connectors": ReadSection(ComponentKind.Connector, valueNode, config, binder); break;
                default: binder.Error(keyNode, key, $"unknown key \"{key}\"; valid keys are: {string.Join(", ", TopLevelKeys)}"); break;
            }
        }

        if (service is null)
        {
            binder.Error(root, "service", "missing: a configuration needs a service section with at least one pipeline");
            return;
        }

        ConnectorValidation.RefuseAmbiguousIds(config, binder);
        var connectorUses = new List<ConnectorUse>();
        ReadService(service, config, connectorUses, binder);
        ConnectorValidation.Validate(config, connectorUses, binder);
        ListenAddressValidation.Validate(config, binder);
        StorageReferenceValidation.Validate(config, binder);
    }

    private void ReadSection(ComponentKind kind, YamlNode node, AgentConfig config, ConfigBinder binder)
    {
        string section = kind.SectionName();
        if (ConfigBinder.IsNull(node))
        {
            return;
        }

        if (node is not YamlMappingNode mapping)
        {
            binder.Error(node, section, $"expected a mapping of component ids, got a {ConfigBinder.Describe(node)}");
            return;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (KeyOf(keyNode, section, binder) is not { } idText)
            {
                continue;
            }

            string path = $"{section}.{idText}";
            binder.Remember(path, keyNode);
            if (!ComponentId.TryParse(idText, out var id, out string? idError))
            {
                binder.Error(keyNode, path, idError);
                continue;
            }

            var factory = _registry.Find(kind, id.Value.Type);
            if (factory is null)
            {
                binder.Error(keyNode, path, $"unknown {kind.ToString().ToLowerInvariant()} type \"{id.Value.Type}\"; known types are: {string.Join(", ", _registry.TypesOf(kind))}");
                continue;
            }

            var options = factory.CreateDefaultOptions();
            binder.BindObject(valueNode, options, path);
            OptionsValidator.Validate(options, path, binder);
            config.Section(kind)[id.Value] = new ComponentConfig(id.Value, factory, options, ConfigFingerprint.Of(valueNode, _environment));
        }
    }

    private void ReadService(YamlNode node, AgentConfig config, List<ConnectorUse> connectorUses, ConfigBinder binder)
    {
        if (node is not YamlMappingNode mapping)
        {
            binder.Error(node, "service", $"expected a mapping with pipelines, got a {ConfigBinder.Describe(node)}");
            return;
        }

        bool sawPipelines = false;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (KeyOf(keyNode, "service", binder) is not { } key)
            {
                continue;
            }

            string path = $"service.{key}";
            binder.Remember(path, keyNode);
            switch (key)
            {
                case "extensions":
                    config.ServiceExtensions.AddRange(ReadReferences(valueNode, path, ComponentKind.Extension, null, config, binder, connectorUses));
                    break;
                case "pipelines":
                    sawPipelines = true;
                    ReadPipelines(valueNode, config, connectorUses, binder);
                    break;
                case "telemetry":
                    binder.BindObject(valueNode, config.Telemetry, path);
                    OptionsValidator.Validate(config.Telemetry, path, binder);
                    break;
                default:
                    binder.Error(keyNode, path, $"unknown key \"{key}\"; valid keys are: {string.Join(", ", ServiceKeys)}");
                    break;
            }
        }

        if (!sawPipelines || config.Pipelines.Count == 0)
        {
            binder.Error(node, "service.pipelines", "missing: at least one pipeline is needed");
        }
    }

    private void ReadPipelines(YamlNode node, AgentConfig config, List<ConnectorUse> connectorUses, ConfigBinder binder)
    {
        if (node is not YamlMappingNode mapping)
        {
            binder.Error(node, "service.pipelines", $"expected a mapping of pipelines, got a {ConfigBinder.Describe(node)}");
            return;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (KeyOf(keyNode, "service.pipelines", binder) is not { } idText)
            {
                continue;
            }

            string path = $"service.pipelines.{idText}";
            binder.Remember(path, keyNode);
            int slash = idText.IndexOf('/', StringComparison.Ordinal);
            string type = slash < 0 ? idText : idText[..slash];
            string name = slash < 0 ? string.Empty : idText[(slash + 1)..];
            if (!SignalNames.TryParse(type, out var signal) || (slash >= 0 && name.Length == 0))
            {
                binder.Error(keyNode, path, $"invalid pipeline id \"{idText}\": it must be traces, metrics or logs, optionally followed by /name");
                continue;
            }

            var pipeline = ReadPipeline(new PipelineId(signal, name), valueNode, path, config, connectorUses, binder);
            if (pipeline is not null)
            {
                config.Pipelines.Add(pipeline);
            }
        }
    }

    private PipelineConfig? ReadPipeline(PipelineId id, YamlNode node, string path, AgentConfig config, List<ConnectorUse> connectorUses, ConfigBinder binder)
    {
        if (node is not YamlMappingNode mapping)
        {
            binder.Error(node, path, "expected a mapping with receivers, processors and exporters");
            return null;
        }

        List<ComponentId> receivers = [], processors = [], exporters = [];
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (KeyOf(keyNode, path, binder) is not { } key)
            {
                continue;
            }

            string keyPath = $"{path}.{key}";
            binder.Remember(keyPath, keyNode);
            switch (key)
            {
                case "receivers": receivers.AddRange(ReadReferences(valueNode, keyPath, ComponentKind.Receiver, id, config, binder, connectorUses)); break;
                case "processors": processors.AddRange(ReadReferences(valueNode, keyPath, ComponentKind.Processor, id, config, binder, connectorUses)); break;
                case "exporters": exporters.AddRange(ReadReferences(valueNode, keyPath, ComponentKind.Exporter, id, config, binder, connectorUses)); break;
                default: binder.Error(keyNode, keyPath, $"unknown key \"{key}\"; valid keys are: {string.Join(", ", PipelineKeys)}"); break;
            }
        }

        // Only when nothing was listed: a listed but undefined component already has its own error.
        if (ListedCount(mapping, "receivers") == 0)
        {
            binder.Error(node, $"{path}.receivers", "a pipeline needs at least one receiver");
        }

        if (ListedCount(mapping, "exporters") == 0)
        {
            binder.Error(node, $"{path}.exporters", "a pipeline needs at least one exporter");
        }

        return new PipelineConfig(id, receivers, processors, exporters);
    }

    private static int ListedCount(YamlMappingNode pipeline, string key) =>
        pipeline.Children.TryGetValue(new YamlScalarNode(key), out var list) && list is YamlSequenceNode sequence ? sequence.Children.Count : 0;

    /// <summary>
    /// A list of component ids, each defined in its section and able to carry the pipeline's signal. A pipeline's
    /// receivers and exporters may also name connectors; those uses are collected for <see cref="ConnectorValidation"/>.
    /// </summary>
    private static List<ComponentId> ReadReferences(
        YamlNode node, string path, ComponentKind kind, PipelineId? pipeline, AgentConfig config, ConfigBinder binder, List<ConnectorUse> connectorUses)
    {
        var ids = new List<ComponentId>();
        if (ConfigBinder.IsNull(node))
        {
            return ids;
        }

        if (node is not YamlSequenceNode sequence)
        {
            binder.Error(node, path, $"expected a list of {kind.SectionName()}, got a {ConfigBinder.Describe(node)}");
            return ids;
        }

        bool connectorsAllowed = kind is ComponentKind.Receiver or ComponentKind.Exporter;
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            string itemPath = $"{path}[{i}]";
            string text = (item as YamlScalarNode)?.Value ?? string.Empty;
            if (!ComponentId.TryParse(text, out var id, out _))
            {
                binder.Error(item, itemPath, $"{kind.ToString().ToLowerInvariant()} \"{text}\" is not defined in {kind.SectionName()}");
                continue;
            }

            if (ids.Contains(id.Value))
            {
                binder.Error(item, itemPath, $"\"{text}\" is listed twice");
                continue;
            }

            if (connectorsAllowed && pipeline is { } user && config.Connectors.TryGetValue(id.Value, out var connector))
            {
                binder.Remember(itemPath, item);
                if (ConnectorValidation.CheckSide(connector, kind == ComponentKind.Exporter, user.Signal, itemPath, binder))
                {
                    connectorUses.Add(new ConnectorUse(id.Value, user, kind == ComponentKind.Exporter, itemPath));
                    ids.Add(id.Value);
                }

                continue;
            }

            if (!config.Section(kind).TryGetValue(id.Value, out var component))
            {
                binder.Error(item, itemPath, $"{kind.ToString().ToLowerInvariant()} \"{text}\" is not defined in {kind.SectionName()}");
                continue;
            }

            if (pipeline is { Signal: var wanted } && !component.Factory.Signals.Contains(wanted))
            {
                binder.Error(item, itemPath, $"{kind.ToString().ToLowerInvariant()} \"{text}\" does not support {wanted.ConfigName()}; it supports: {string.Join(", ", component.Factory.Signals.Select(s => s.ConfigName()))}");
                continue;
            }

            ids.Add(id.Value);
        }

        return ids;
    }
}
