namespace Agent.Core.Components;

/// <summary>An extension type: one instance per id, started before every pipeline component.</summary>
public abstract class ExtensionFactory<TOptions>(string type, Stability stability)
    : ComponentFactory<TOptions>(type, stability), IExtensionFactory
    where TOptions : class, new()
{
    public IComponent CreateExtension(ComponentContext context) => Create(context, OptionsOf(context));

    protected abstract IComponent Create(ComponentContext context, TOptions options);
}
