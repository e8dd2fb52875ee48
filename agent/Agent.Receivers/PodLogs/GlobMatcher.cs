namespace Agent.Receivers.PodLogs;

/// <summary>
/// Matches absolute paths against a glob: <c>*</c> is any run of characters within one path segment, <c>?</c> one
/// character, and a segment that is exactly <c>**</c> any number of segments (also none).
/// </summary>
internal sealed class GlobMatcher
{
    private readonly string[] _segments;

    public GlobMatcher(string pattern)
    {
        Pattern = pattern;
        _segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int firstWild = Array.FindIndex(_segments, HasWildcard);
        int fixedCount = firstWild < 0 ? _segments.Length - 1 : firstWild;
        BaseDirectory = "/" + string.Join('/', _segments.Take(fixedCount));
        Recursive = _segments.Contains("**");
        Depth = _segments.Length - fixedCount;
    }

    public string Pattern { get; }

    /// <summary>The longest leading directory without wildcards: where a search starts.</summary>
    public string BaseDirectory { get; }

    /// <summary>True when the pattern has <c>**</c>: any depth below <see cref="BaseDirectory"/> can match.</summary>
    public bool Recursive { get; }

    /// <summary>Path segments below <see cref="BaseDirectory"/> in a match (when not <see cref="Recursive"/>).</summary>
    public int Depth { get; }

    public bool IsMatch(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return MatchSegments(0, parts, 0);
    }

    private bool MatchSegments(int patternIndex, string[] parts, int partIndex)
    {
        while (patternIndex < _segments.Length)
        {
            string segment = _segments[patternIndex];
            if (segment == "**")
            {
                // Try every number of swallowed segments, fewest first.
                for (int skip = partIndex; skip <= parts.Length; skip++)
                {
                    if (MatchSegments(patternIndex + 1, parts, skip))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (partIndex >= parts.Length || !MatchSegment(segment, parts[partIndex]))
            {
                return false;
            }

            patternIndex++;
            partIndex++;
        }

        return partIndex == parts.Length;
    }

    /// <summary>Wildcard match of one segment, greedy with backtracking to the last star.</summary>
    internal static bool MatchSegment(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0;
        int t = 0;
        int star = -1;
        int starText = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                starText = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool HasWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?') >= 0;
}
