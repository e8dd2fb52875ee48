using Agent.Core.Config;

namespace Agent.Config;

/// <summary>
/// Walks an options tree and runs every <see cref="IValidatable"/> it meets, prefixing each problem with its key
/// path and the position the binder recorded for it (the Collector's confmap validation, in spirit).
/// </summary>
internal static class OptionsValidator
{
    public static void Validate(object options, string path, ConfigBinder binder) =>
        OptionsWalker.Walk(options, path, (node, nodePath) =>
        {
            if (node is IValidatable validatable)
            {
                foreach (var (key, message) in validatable.Validate())
                {
                    binder.ErrorAt(key.Length == 0 ? nodePath : $"{nodePath}.{key}", message);
                }
            }
        });
}
