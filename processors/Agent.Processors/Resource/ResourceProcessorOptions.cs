using Agent.Core.Config;

namespace Agent.Processors.Resource;

/// <summary>The Collector's <c>resource</c> processor options: actions applied in order to every resource.</summary>
public sealed class ResourceProcessorOptions : IValidatable
{
    public List<ResourceAttributeAction> Attributes { get; set; } = [];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Attributes.Count == 0)
        {
            yield return ("attributes", "must list at least one action");
        }
    }
}

/// <summary>One entry of <c>attributes</c>: what to do with one resource attribute.</summary>
public sealed class ResourceAttributeAction : IValidatable
{
    /// <summary>The actions this agent implements, as written in the configuration.</summary>
    public static readonly IReadOnlyList<string> SupportedActions = ["insert", "update", "upsert", "delete"];

    /// <summary>The Collector's actions this agent refuses rather than half-implements.</summary>
    public static readonly IReadOnlyList<string> UnsupportedActions = ["hash", "extract", "convert"];

    /// <summary>The attribute to act on.</summary>
    public string? Key { get; set; }

    /// <summary>
    /// The value to set: a YAML scalar, bound as <see cref="bool"/>, <see cref="long"/>, <see cref="double"/> or
    /// <see cref="string"/>, which becomes the attribute's type.
    /// </summary>
    public object? Value { get; set; }

    /// <summary>Another attribute of the same resource whose value is copied (when <see cref="Value"/> is not set).</summary>
    public string? FromAttribute { get; set; }

    /// <summary><c>insert</c> (only if absent), <c>update</c> (only if present), <c>upsert</c> (either way) or <c>delete</c>.</summary>
    public string? Action { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Key))
        {
            yield return ("key", "is required");
        }

        if (string.IsNullOrEmpty(Action))
        {
            yield return ("action", $"is required: one of {string.Join(", ", SupportedActions)}");
            yield break;
        }

        if (UnsupportedActions.Contains(Action))
        {
            yield return ("action", $"\"{Action}\" is not supported by this agent; the supported actions are {string.Join(", ", SupportedActions)}");
            yield break;
        }

        if (!SupportedActions.Contains(Action))
        {
            yield return ("action", $"unknown action \"{Action}\": must be one of {string.Join(", ", SupportedActions)}");
            yield break;
        }

        bool hasValue = Value is not null;
        bool hasSource = !string.IsNullOrEmpty(FromAttribute);
        if (Action == "delete")
        {
            if (hasValue || hasSource)
            {
                yield return (hasValue ? "value" : "from_attribute", "is not used by the delete action");
            }

            yield break;
        }

        if (!hasValue && !hasSource)
        {
            yield return ("value", $"the {Action} action needs value or from_attribute");
        }
        else if (hasValue && hasSource)
        {
            yield return ("from_attribute", "give either value or from_attribute, not both");
        }

        if (hasValue && Value is not (string or bool or long or int or double or float))
        {
            yield return ("value", "must be a string, a number or a boolean");
        }
    }
}
