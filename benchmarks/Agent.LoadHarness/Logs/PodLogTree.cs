using System.Globalization;
using System.Text;

namespace Agent.LoadHarness.Logs;

/// <summary>
/// Writes a /var/log/pods-shaped tree (<c>&lt;ns&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/0.log</c>) of CRI lines
/// (<c>2024-01-01T00:00:00.000000000Z stdout F &lt;payload&gt;</c>), every line exactly the same length.
/// </summary>
internal static class PodLogTree
{
    private const int MinLineBytes = 120;

    /// <summary>Writes <paramref name="lines"/> lines spread over <paramref name="pods"/> pods; returns the bytes written.</summary>
    public static long Write(string podsDirectory, int pods, long lines, int lineBytes)
    {
        if (lineBytes < MinLineBytes)
        {
            throw new HarnessException($"--line-bytes must be at least {MinLineBytes}");
        }

        var random = new Random(7);
        long written = 0;
        byte[] line = new byte[lineBytes];
        for (int pod = 0; pod < pods; pod++)
        {
            long podLines = lines / pods + (pod < lines % pods ? 1 : 0);
            string ns = $"shop-{pod % 4}";
            string name = $"web-{pod:00}-7d9c5b8f4-{RandomName(random)}";
            var uid = new Guid(random.Next(), (short)random.Next(), (short)random.Next(), (byte)pod, 1, 2, 3, 4, 5, 6, 7);
            string directory = Path.Combine(podsDirectory, $"{ns}_{name}_{uid}", "app");
            Directory.CreateDirectory(directory);
            using var file = new FileStream(Path.Combine(directory, "0.log"), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
            for (long i = 0; i < podLines; i++)
            {
                Format(line, i, random);
                file.Write(line);
            }

            written += podLines * lineBytes;
        }

        return written;
    }

    /// <summary>One CRI line, padded to the buffer's length and ending with a newline.</summary>
    private static void Format(byte[] line, long index, Random random)
    {
        var time = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(index * TimeSpan.TicksPerMillisecond);
        int status = random.Next(10) == 0 ? 500 : 200;
        string level = status == 500 ? "error" : "info";
        var span = line.AsSpan();
        bool fits = Encoding.UTF8.TryGetBytes(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{time:yyyy-MM-dd'T'HH:mm:ss.fffffff}00Z stdout F level={level} msg=\"GET /api/v1/orders/{random.Next(100_000)} {status}\" duration_ms={random.Next(1, 900)} seq={index:D10} detail=\""),
            span,
            out int length);
        if (!fits)
        {
            throw new HarnessException("a line does not fit its length");
        }

        // Pad the message with filler text, close the quote and end the line.
        for (int i = length; i < line.Length - 2; i++)
        {
            line[i] = (byte)('a' + (i % 26));
        }

        line[^2] = (byte)'"';
        line[^1] = (byte)'\n';
    }

    private static string RandomName(Random random)
    {
        const string Letters = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, random, (chars, r) =>
        {
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = Letters[r.Next(Letters.Length)];
            }
        });
    }
}
