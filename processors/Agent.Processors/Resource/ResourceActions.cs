using System.Globalization;
using OpenTelemetry.Proto.Common.V1;
using OtlpResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace Agent.Processors.Resource;

/// <summary>The configured actions, checked and converted once, applied to one resource at a time.</summary>
internal sealed class ResourceActions
{
    private readonly Step[] _steps;

    private ResourceActions(Step[] steps)
    {
        _steps = steps;
    }

    private enum Kind
    {
        Insert,
        Update,
        Upsert,
        Delete,
    }

    /// <summary>Builds the actions from validated options.</summary>
    public static ResourceActions Compile(ResourceProcessorOptions options) =>
        new([.. options.Attributes.Select(CompileStep)]);

    public void Apply(OtlpResource resource)
    {
        var attributes = resource.Attributes;
        foreach (var step in _steps)
        {
            int index = IndexOf(attributes, step.Key);
            switch (step.Kind)
            {
                case Kind.Delete:
                    while (index >= 0)
                    {
                        attributes.RemoveAt(index);
                        index = IndexOf(attributes, step.Key);
                    }

                    break;
                case Kind.Insert when index < 0:
                case Kind.Upsert when index < 0:
                    if (ValueFor(step, attributes) is { } added)
                    {
                        attributes.Add(new KeyValue { Key = step.Key, Value = added });
                    }

                    break;
                case Kind.Update when index >= 0:
                case Kind.Upsert:
                    if (ValueFor(step, attributes) is { } replaced)
                    {
                        attributes[index].Value = replaced;
                    }

                    break;
            }
        }
    }

    /// <summary>Converts a bound YAML scalar to the OTLP value of the same type.</summary>
    internal static AnyValue ToAnyValue(object value) => value switch
    {
        bool b => new AnyValue { BoolValue = b },
        long l => new AnyValue { IntValue = l },
        int i => new AnyValue { IntValue = i },
        double d => new AnyValue { DoubleValue = d },
        float f => new AnyValue { DoubleValue = f },
        string s => new AnyValue { StringValue = s },
        _ => new AnyValue { StringValue = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty },
    };

    private static Step CompileStep(ResourceAttributeAction action)
    {
        var kind = action.Action switch
        {
            "insert" => Kind.Insert,
            "update" => Kind.Update,
            "upsert" => Kind.Upsert,
            "delete" => Kind.Delete,
            _ => throw new ArgumentException(
                $"resource action \"{action.Action}\" is not supported; the supported actions are {string.Join(", ", ResourceAttributeAction.SupportedActions)}"),
        };
        var value = action.Value is null ? null : ToAnyValue(action.Value);
        return new Step(action.Key ?? string.Empty, kind, value, action.FromAttribute);
    }

    /// <summary>A fresh value for one resource (never shared between resources, which may be changed later).</summary>
    private static AnyValue? ValueFor(Step step, IList<KeyValue> attributes)
    {
        if (step.Value is not null)
        {
            return step.Value.Clone();
        }

        int source = step.FromAttribute is null ? -1 : IndexOf(attributes, step.FromAttribute);
        return source < 0 ? null : attributes[source].Value?.Clone() ?? new AnyValue();
    }

    private static int IndexOf(IList<KeyValue> attributes, string key)
    {
        for (int i = 0; i < attributes.Count; i++)
        {
            if (string.Equals(attributes[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private sealed record Step(string Key, Kind Kind, AnyValue? Value, string? FromAttribute);
}
