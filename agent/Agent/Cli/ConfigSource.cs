using Agent.Config;
using Agent.Service;

namespace Agent.Cli;

/// <summary>Where <c>agent run</c> takes its configuration from, read again on each reload: the file, or the embedded default.</summary>
internal sealed class ConfigSource(FileInfo? file)
{
    /// <summary>
    /// The configuration as it is now: its name and text (to tell whether it changed) and the validated result;
    /// throws <see cref="ConfigException"/> when it cannot be read or is not valid.
    /// </summary>
    public ((string Name, string Text) Text, AgentConfig Config) Load()
    {
        (string Name, string Text) text = file is null
            ? DefaultConfig.For(Environment.GetEnvironmentVariable, File.Exists)
            : (file.FullName, ConfigLoader.ReadFile(file.FullName));
        return (text, new ConfigLoader(ComponentRegistry.BuiltIn).Load(text.Name, text.Text));
    }
}
