namespace Agent.Core.Config;

/// <summary>
/// Options that check their own rules. Each returns only its own problems as (key, message) pairs; the config
/// walker visits nested options and prefixes the key path and source position.
/// </summary>
public interface IValidatable
{
    /// <summary>Problems with these options; the key is the snake_case option name, or empty for the object itself.</summary>
    IEnumerable<(string Key, string Message)> Validate();
}
