namespace Agent.Core.Components;

/// <summary>An extension that gives components a private directory for durable state (the Collector's <c>file_storage</c>).</summary>
public interface IStorageExtension
{
    /// <summary>A directory that belongs to this component alone; created when missing.</summary>
    string GetDirectory(ComponentKind kind, ComponentId component);
}
