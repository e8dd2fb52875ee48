using Agent.Core.Config;

namespace Agent.Tests.Core.Config;

public class ByteSizeTests
{
    [Theory]
    [InlineData("123", 123L)]
    [InlineData("0", 0L)]
    [InlineData("7B", 7L)]
    [InlineData("10kB", 10_000L)]
    [InlineData("10k", 10_000L)]
    [InlineData("100MB", 100_000_000L)]
    [InlineData("2G", 2_000_000_000L)]
    [InlineData("512KiB", 512L * 1024)]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("64Mi", 64L << 20)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("3TiB", 3L << 40)]
    [InlineData("1PB", 1_000_000_000_000_000L)]
    [InlineData("7EiB", 7L << 60)]
    [InlineData("1.5KiB", 1536L)]
    [InlineData("0.3KiB", 308L)]
    [InlineData(" 64 MiB ", 64L << 20)]
    [InlineData("+5", 5L)]
    public void Parses_plain_decimal_and_binary_sizes(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var size, out string? error), error);

        Assert.Equal(bytes, size.Bytes);
    }

    [Theory]
    [InlineData("", "expected a byte size such as 123, 10kB, 512KiB or 64MiB, got \"\"; units are " + ByteSize.UnitsDescription)]
    [InlineData("lots", "expected a byte size such as 123, 10kB, 512KiB or 64MiB, got \"lots\"; units are " + ByteSize.UnitsDescription)]
    [InlineData("1,5MiB", "expected a byte size such as 123, 10kB, 512KiB or 64MiB, got \"1,5MiB\"; units are " + ByteSize.UnitsDescription)]
    [InlineData("12XB", "unknown byte size unit \"XB\" in \"12XB\"; units are " + ByteSize.UnitsDescription)]
    [InlineData("1e3", "unknown byte size unit \"e3\" in \"1e3\"; units are " + ByteSize.UnitsDescription)]
    [InlineData("10KB", "unknown byte size unit \"KB\" in \"10KB\" (did you mean kB?); units are " + ByteSize.UnitsDescription)]
    [InlineData("64mib", "unknown byte size unit \"mib\" in \"64mib\" (did you mean MiB?); units are " + ByteSize.UnitsDescription)]
    [InlineData("5m", "unknown byte size unit \"m\" in \"5m\" (did you mean M?); units are " + ByteSize.UnitsDescription)]
    [InlineData("-1MiB", "a byte size cannot be negative, got \"-1MiB\"")]
    [InlineData("8EiB", "a byte size must be less than 8EiB, got \"8EiB\"")]
    [InlineData("99999999999999999999", "a byte size must be less than 8EiB, got \"99999999999999999999\"")]
    public void Refuses_what_is_not_a_size_and_says_why(string text, string expected)
    {
        Assert.False(ByteSize.TryParse(text, out _, out string? error));

        Assert.Equal(expected, error);
        Assert.Equal(expected, Assert.Throws<FormatException>(() => ByteSize.Parse(text)).Message);
    }

    [Theory]
    [InlineData(0L, "0B")]
    [InlineData(123L, "123B")]
    [InlineData(1000L, "1kB")]
    [InlineData(1024L, "1KiB")]
    [InlineData(64L << 20, "64MiB")]
    [InlineData(100_000_000L, "100MB")]
    [InlineData(2_048_000L, "2000KiB")]
    [InlineData(1_500_000L, "1500kB")]
    [InlineData(1L << 30, "1GiB")]
    [InlineData(-2048L, "-2KiB")]
    [InlineData(long.MaxValue, "9223372036854775807B")]
    public void Prints_the_shortest_exact_form_that_parses_back(long bytes, string expected)
    {
        var size = new ByteSize(bytes);

        Assert.Equal(expected, size.ToString());
        if (bytes >= 0)
        {
            Assert.Equal(size, ByteSize.Parse(size.ToString()));
        }
    }
}
