using Microsoft.Extensions.Logging;

namespace Agent.Core.Net;

/// <summary>
/// A bearer token kept in a file that is replaced while the agent runs (a Kubernetes projected service-account
/// token rotates hourly). The file's timestamp and size are checked at most once per <see cref="CheckInterval"/>,
/// and the token is read again when either changed. A read that fails keeps the previous token; the first failure
/// of a run of them is logged as a warning, and the read that succeeds again is logged too.
/// </summary>
public sealed class BearerTokenFile
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Lock _checking = new();
    private readonly FailureStreak _reads = new();
    private volatile string _token;
    private (DateTime Written, long Length) _version;
    private DateTimeOffset _nextCheck;

    public BearerTokenFile(string path, TimeProvider time, ILogger? logger = null)
    {
        _path = path;
        _time = time;
        _logger = logger;
        try
        {
            _version = VersionOf(path);
            _token = Read(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read the bearer token file \"{path}\": {ex.Message}", ex);
        }

        _nextCheck = time.GetUtcNow() + CheckInterval;
    }

    public string Token
    {
        get
        {
            lock (_checking)
            {
                var now = _time.GetUtcNow();
                if (now >= _nextCheck)
                {
                    _nextCheck = now + CheckInterval;
                    Refresh();
                }

                return _token;
            }
        }
    }

    private void Refresh()
    {
        try
        {
            var version = VersionOf(_path);
            if (version != _version)
            {
                _token = Read(_path);
                _version = version;
            }

            if (_reads.Succeeded())
            {
                _logger?.LogInformation("The bearer token file {Path} can be read again", _path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Mid-rotation the file can be missing for a moment: the old token is still the best guess. A file that
            // stays unreadable will make the backend refuse the token once it expires: say so before that.
            if (_reads.Failed())
            {
                _logger?.LogWarning("The bearer token file {Path} cannot be read again ({Error}); the previous token stays in use", _path, ex.Message);
            }
        }
    }

    private static (DateTime, long) VersionOf(string path)
    {
        // FileInfo follows the symbolic link a projected volume swaps on rotation.
        var file = new FileInfo(path);
        return (file.LastWriteTimeUtc, file.Length);
    }

    private static string Read(string path) => File.ReadAllText(path).Trim();
}
