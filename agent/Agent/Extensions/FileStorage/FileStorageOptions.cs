using Agent.Core.Config;

namespace Agent.Extensions.FileStorage;

/// <summary>The Collector's <c>file_storage</c> options (the parts that apply to a directory of state files).</summary>
public sealed class FileStorageOptions : IValidatable
{
    /// <summary>Where state lives; empty means the agent's data directory, under <c>file_storage</c>.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>Create the directory when it is missing (the Collector requires it to exist unless this is set).</summary>
    public bool CreateDirectory { get; set; }

    /// <summary>Accepted for Collector compatibility; state files here are small and written whole.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Directory.Length > 0 && Config.DirectoryPaths.Obstacle(Directory) is { } obstacle)
        {
            yield return ("directory", obstacle);
        }
        else if (Directory.Length > 0 && !CreateDirectory && !System.IO.Directory.Exists(Directory))
        {
            yield return ("directory", $"\"{Directory}\" does not exist (set create_directory: true to create it)");
        }
    }
}
