using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>An exporter type: one instance per id, built with consumers for the signals of its pipelines only.</summary>
public abstract class ExporterFactory<TOptions>(string type, Stability stability, params Signal[] signals)
    : ComponentFactory<TOptions>(type, stability, signals), IExporterFactory
    where TOptions : class, new()
{
    public IExporter CreateExporter(ComponentContext context, IReadOnlySet<Signal> signals)
    {
        foreach (var signal in signals)
        {
            if (!Signals.Contains(signal))
            {
                throw Unsupported(signal);
            }
        }

        return Create(context, OptionsOf(context), signals);
    }

    protected abstract IExporter Create(ComponentContext context, TOptions options, IReadOnlySet<Signal> signals);
}
