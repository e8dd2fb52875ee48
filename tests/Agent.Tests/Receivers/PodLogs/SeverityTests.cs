using System.Text;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class SeverityTests
{
    [Theory]
    [InlineData("trace", 1)]
    [InlineData("trc", 1)]
    [InlineData("debug", 5)]
    [InlineData("dbg", 5)]
    [InlineData("info", 9)]
    [InlineData("information", 9)]
    [InlineData("notice", 9)]
    [InlineData("warn", 13)]
    [InlineData("warning", 13)]
    [InlineData("error", 17)]
    [InlineData("err", 17)]
    [InlineData("dpanic", 17)]
    [InlineData("fatal", 21)]
    [InlineData("critical", 21)]
    [InlineData("crit", 21)]
    [InlineData("panic", 21)]
    [InlineData("emerg", 21)]
    [InlineData("alert", 21)]
    public void Maps_every_level_word_in_any_case(string word, byte number)
    {
        Assert.Equal(number, Severity.FromLevel(Encoding.UTF8.GetBytes(word)));
        Assert.Equal(number, Severity.FromLevel(Encoding.UTF8.GetBytes(word.ToUpperInvariant())));
        Assert.Equal(number, Severity.FromLevel(Encoding.UTF8.GetBytes(char.ToUpperInvariant(word[0]) + word[1..])));
    }

    [Theory]
    [InlineData("")]
    [InlineData("inf")]
    [InlineData("infos")]
    [InlineData("info\0")]
    [InlineData("\0info")]
    [InlineData("informatio")]
    [InlineData("informations")]
    [InlineData("criticals")]
    [InlineData("wärn")]
    [InlineData("30")]
    [InlineData("custom")]
    public void Other_words_have_no_severity(string word)
    {
        Assert.Equal(0, Severity.FromLevel(Encoding.UTF8.GetBytes(word)));
    }
}
