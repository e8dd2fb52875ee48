using System.Globalization;
using System.Text.RegularExpressions;

namespace Agent.Exporters.Loki;

/// <summary>
/// Reads how many entries a Loki 400 refused, and why. Loki stores the valid entries of a push and answers 400 for
/// the others, in one of two shapes:
/// <list type="bullet">
/// <item>the ingester's, per stream: <c>entry with timestamp … ignored, reason: '…', … total ignored: N out of M …</c>;</item>
/// <item>the distributor's validation errors, grouped by message: <c>N errors like: entry for stream '…' has timestamp
/// too old: …; M errors like: …</c>, or a single message for a single entry.</item>
/// </list>
/// An ingester reports only the last failing stream of a push, so the count is a lower bound when several fail.
/// A message that names no count, or an error about a whole stream (labels, stream limit), yields null: the caller
/// then counts the whole push as refused.
/// </summary>
internal static partial class LokiRejection
{
    public static IReadOnlyList<(int Count, string Reason)>? Parse(string message)
    {
        var ignored = TotalIgnored().Matches(message);
        if (ignored.Count > 0)
        {
            var counts = new List<(int, string)>(ignored.Count);
            int previousEnd = 0;
            foreach (Match match in ignored)
            {
                int count = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
                counts.Add((count, Reason(message[previousEnd..match.Index])));
                previousEnd = match.Index + match.Length;
            }

            return counts;
        }

        var groups = ErrorsLike().Matches(message);
        if (groups.Count > 0)
        {
            var counts = new List<(int, string)>(groups.Count);
            for (int i = 0; i < groups.Count; i++)
            {
                int end = i + 1 < groups.Count ? groups[i + 1].Index : message.Length;
                string text = message[(groups[i].Index + groups[i].Length)..end];
                string reason = Reason(text);
                if (!IsPerEntry(reason))
                {
                    return null;
                }

                counts.Add((int.Parse(groups[i].Groups[1].ValueSpan, CultureInfo.InvariantCulture), reason));
            }

            return counts;
        }

        string single = Reason(message);
        return IsPerEntry(single) ? [(1, single)] : null;
    }

    /// <summary>A short reason for <c>otelcol_exporter_send_failed_log_records</c>, taken from Loki's wording.</summary>
    public static string Reason(string text)
    {
        if (text.Contains("timestamp too old", StringComparison.OrdinalIgnoreCase))
        {
            return "too_old";
        }

        if (text.Contains("timestamp too new", StringComparison.OrdinalIgnoreCase))
        {
            return "too_new";
        }

        if (text.Contains("Max entry size", StringComparison.OrdinalIgnoreCase) ||
            text.Contains("line too long", StringComparison.OrdinalIgnoreCase))
        {
            return "line_too_long";
        }

        if (text.Contains("out of order", StringComparison.OrdinalIgnoreCase))
        {
            return "out_of_order";
        }

        if (text.Contains("too far behind", StringComparison.OrdinalIgnoreCase))
        {
            return "too_far_behind";
        }

        if (text.Contains("rate limit", StringComparison.OrdinalIgnoreCase))
        {
            return "rate_limited";
        }

        if (text.Contains("structured metadata", StringComparison.OrdinalIgnoreCase))
        {
            return "structured_metadata";
        }

        if (text.Contains("stream limit", StringComparison.OrdinalIgnoreCase))
        {
            return "stream_limit";
        }

        if (text.Contains("label", StringComparison.OrdinalIgnoreCase))
        {
            return "invalid_labels";
        }

        return "other";
    }

    /// <summary>Distributor errors counted once per entry (the others are counted once per stream).</summary>
    private static bool IsPerEntry(string reason) =>
        reason is "too_old" or "too_new" or "line_too_long" or "structured_metadata";

    [GeneratedRegex(@"total ignored: (\d+) out of (\d+)")]
    private static partial Regex TotalIgnored();

    [GeneratedRegex(@"(?:^|; )(\d+) errors like: ")]
    private static partial Regex ErrorsLike();
}
