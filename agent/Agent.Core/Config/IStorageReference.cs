namespace Agent.Core.Config;

/// <summary>
/// Options that name a storage extension by id (empty: none), so the loader can check, before anything starts,
/// that the extension is configured and enabled in the service.
/// </summary>
public interface IStorageReference
{
    /// <summary>The storage extension's id as written, or empty.</summary>
    string Storage { get; }

    /// <summary>The key the id is written under, for error messages.</summary>
    string StorageKey { get; }
}
