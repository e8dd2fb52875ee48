using Agent.Core.Config;

namespace Agent.Exporters.Loki;

/// <summary>
/// Which Loki tenant a push belongs to (<c>X-Scope-OrgID</c>): a fixed <c>value</c>, or the value of an attribute
/// (<c>from_attribute: k8s.namespace.name</c>) with <c>value</c> as the fallback when a record lacks it.
/// </summary>
public sealed class LokiTenantOptions : IValidatable
{
    public string? Value { get; set; }

    public string? FromAttribute { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Value) && string.IsNullOrEmpty(FromAttribute))
        {
            yield return (string.Empty, "set value, from_attribute, or both");
        }
    }
}
