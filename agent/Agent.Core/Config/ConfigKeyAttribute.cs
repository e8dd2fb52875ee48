namespace Agent.Core.Config;

/// <summary>Names the config key of an option whose snake_case property name would not match the Collector's key.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}
