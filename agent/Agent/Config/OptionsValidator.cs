using System.Collections;
using Agent.Core.Config;

namespace Agent.Config;

/// <summary>
/// Walks an options tree and runs every <see cref="IValidatable"/> it meets, prefixing each problem with its key
/// path and the position the binder recorded for it (the Collector's confmap validation, in spirit).
/// </summary>
internal static class OptionsValidator
{
    public static void Validate(object options, string path, ConfigBinder binder)
    {
        if (options is IValidatable validatable)
        {
            foreach (var (key, message) in validatable.Validate())
            {
                binder.ErrorAt(key.Length == 0 ? path : $"{path}.{key}", message);
            }
        }

        foreach (var (key, property) in OptionProperties.Of(options.GetType()))
        {
            var value = property.GetValue(options);
            string childPath = $"{path}.{key}";
            switch (value)
            {
                case null or string:
                    break;
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        VisitChild(entry.Value, $"{childPath}.{entry.Key}", binder);
                    }

                    break;
                case IList list:
                    for (int i = 0; i < list.Count; i++)
                    {
                        VisitChild(list[i], $"{childPath}[{i}]", binder);
                    }

                    break;
                default:
                    VisitChild(value, childPath, binder);
                    break;
            }
        }
    }

    private static void VisitChild(object? value, string path, ConfigBinder binder)
    {
        if (value is not null && OptionProperties.IsOptionsClass(value.GetType()))
        {
            Validate(value, path, binder);
        }
    }
}
