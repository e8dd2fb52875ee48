using System.Globalization;
using System.Text;
using Agent.LoadHarness.Measurement;

namespace Agent.LoadHarness.Reporting;

/// <summary>One scenario's result as a Markdown table (header and one row) followed by the command that produced it.</summary>
internal sealed class ResultTable
{
    /// <summary>The column every scenario reports the agent's CPU under; the goal table and alternated runs read it.</summary>
    public const string AgentCpu = "agent CPU % of a core";

    /// <summary>The column of the OTLP scenarios' median call latency; the goal table and alternated runs read it.</summary>
    public const string CallP50 = "call p50 ms";

    private readonly List<(string Header, string Value)> _cells = [];
    private readonly Dictionary<string, double> _numbers = [];

    public ResultTable Add(string header, string value)
    {
        _cells.Add((header, value));
        return this;
    }

    /// <summary>A number; NaN (not measured, e.g. a peer without the metric) shows as a dash.</summary>
    public ResultTable Add(string header, double value, string format)
    {
        _numbers[header] = value;
        return Add(header, double.IsNaN(value) ? "—" : value.ToString(format, CultureInfo.InvariantCulture));
    }

    /// <summary>What a window cost the agent's GC: bytes allocated per item, collections per second, pause share.</summary>
    public ResultTable AddGc(GcReading window, double items, TimeSpan wall) =>
        Add("allocated B per item", items > 0 ? window.AllocatedBytes / items : double.NaN, "N0")
            .Add("GCs/s", window.Collections / wall.TotalSeconds, "0.0")
            .Add("GC pause %", window.PauseSeconds / wall.TotalSeconds * 100, "0.00");

    /// <summary>A numeric cell by its header, for a summary built from several runs.</summary>
    public double Number(string header) =>
        _numbers.TryGetValue(header, out double value) ? value : throw new HarnessException($"the result has no column \"{header}\"");

    public string ToMarkdown(string commandLine)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", _cells.Select(c => c.Header)).AppendLine(" |");
        text.Append('|').AppendJoin('|', _cells.Select(c => IsNumeric(c.Value) ? "---:" : "---")).AppendLine("|");
        text.Append("| ").AppendJoin(" | ", _cells.Select(c => c.Value)).AppendLine(" |");
        text.AppendLine();
        text.Append("Command: `").Append(commandLine).AppendLine("`");
        return text.ToString();
    }

    /// <summary>Prints the table and, with <paramref name="outputFile"/>, appends it there too.</summary>
    public void Publish(string commandLine, string? outputFile)
    {
        string markdown = ToMarkdown(commandLine);
        Console.WriteLine();
        Console.Write(markdown);
        if (outputFile is not null)
        {
            File.AppendAllText(outputFile, markdown + Environment.NewLine);
        }
    }

    private static bool IsNumeric(string value) => value == "—" ||
        double.TryParse(value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
