using System.Collections;

namespace Agent.Config;

/// <summary>Visits an options object and every options object nested in it (properties, lists, maps) with its key path.</summary>
internal static class OptionsWalker
{
    public static void Walk(object options, string path, Action<object, string> visit)
    {
        visit(options, path);
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
                        VisitChild(entry.Value, $"{childPath}.{entry.Key}", visit);
                    }

                    break;
                case IList list:
                    for (int i = 0; i < list.Count; i++)
                    {
                        VisitChild(list[i], $"{childPath}[{i}]", visit);
                    }

                    break;
                default:
                    VisitChild(value, childPath, visit);
                    break;
            }
        }
    }

    private static void VisitChild(object? value, string path, Action<object, string> visit)
    {
        if (value is not null && OptionProperties.IsOptionsClass(value.GetType()))
        {
            Walk(value, path, visit);
        }
    }
}
