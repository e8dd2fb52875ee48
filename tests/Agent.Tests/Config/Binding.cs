using Agent.Config;
using YamlDotNet.RepresentationModel;

namespace Agent.Tests.Config;

/// <summary>Binds inline YAML straight onto an options object under the key path <c>x</c>, then validates it.</summary>
internal static class Binding
{
    public static (T Options, List<string> Errors) Bind<T>(string yaml, Func<string, string?>? environment = null)
        where T : new()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var binder = new ConfigBinder("inline.yaml", environment ?? (_ => null));
        var options = new T();
        binder.BindObject(stream.Documents[0].RootNode, options, "x");
        OptionsValidator.Validate(options, "x", binder);
        return (options, binder.Errors.Select(e => e.ToString()).ToList());
    }

    /// <summary>The value of the option under <paramref name="key"/>, read through the binder's own key mapping.</summary>
    public static object? ValueOf(object options, string key) => OptionProperties.Of(options.GetType())[key].GetValue(options);
}
