namespace Agent.Tests.Support;

/// <summary>A directory of its own for one test, removed afterwards, so test runs leave nothing behind in the temp folder.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "agent-podlogs-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
