using Agent.Core.Components;

namespace Agent.Service;

/// <summary>
/// Where an instance sits in the graph: its kind and id, plus its place for kinds with several instances per id
/// (a processor's pipeline and position, a connector's signal route). A reload keeps an instance only at the same key.
/// </summary>
internal readonly record struct ComponentKey(ComponentKind Kind, ComponentId Id, string Place = "");
