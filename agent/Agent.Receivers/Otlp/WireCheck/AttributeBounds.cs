namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>
/// The receiver's attribute limits as <see cref="AttributeLimiter"/> applies them; a value of 0 (or less) is no limit.
/// </summary>
internal readonly struct AttributeBounds(int maxAttributes, int maxValueLength)
{
    /// <summary>No limits: what a log body and the maps inside it get, since the limiter never looks at them.</summary>
    public static AttributeBounds None => default;

    public bool AllowsCount(int attributes) => maxAttributes <= 0 || attributes <= maxAttributes;

    /// <summary>A string value is cut past this many characters (code points), never inside one.</summary>
    public bool AllowsText(ReadOnlySpan<byte> utf8)
    {
        if (maxValueLength <= 0 || utf8.Length <= maxValueLength)
        {
            // A character is at least one byte: no scan needed.
            return true;
        }

        // In valid UTF-8 every character has exactly one byte that is not a continuation byte (10xxxxxx).
        int characters = 0;
        foreach (byte b in utf8)
        {
            if ((b & 0xC0) != 0x80 && ++characters > maxValueLength)
            {
                return false;
            }
        }

        return true;
    }

    public bool AllowsBytes(ReadOnlySpan<byte> bytes) => maxValueLength <= 0 || bytes.Length <= maxValueLength;
}
