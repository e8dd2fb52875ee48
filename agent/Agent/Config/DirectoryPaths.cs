namespace Agent.Config;

/// <summary>Checks on a directory the agent will create or use, done before anything starts.</summary>
internal static class DirectoryPaths
{
    /// <summary>
    /// Why <paramref name="directory"/> can never be a directory (it, or a folder above it, is an existing file
    /// that is not a directory), or null when it is or could be created.
    /// </summary>
    public static string? Obstacle(string directory)
    {
        string? probe = Path.GetFullPath(directory);
        while (probe is not null)
        {
            if (Directory.Exists(probe))
            {
                return null;
            }

            if (File.Exists(probe))
            {
                return probe == Path.GetFullPath(directory)
                    ? $"\"{directory}\" is a file, not a directory"
                    : $"\"{directory}\" lies under \"{probe}\", which is a file, not a directory";
            }

            probe = Path.GetDirectoryName(probe);
        }

        return null;
    }
}
