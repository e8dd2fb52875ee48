using System.Globalization;
using System.Text;

namespace Agent.Tests.Support;

/// <summary>One sample of a Prometheus text exposition: name, labels sorted by name as <c>k=v,k=v</c>, value.</summary>
internal sealed record PrometheusSample(string Name, string Labels, double Value);

/// <summary>
/// A small parser of the Prometheus text format (version 0.0.4), enough to read node_exporter in tests: samples with
/// quoted, escaped label values, and the <c># TYPE</c> of each family; time stamps are ignored.
/// </summary>
internal static class PrometheusText
{
    public static (List<PrometheusSample> Samples, Dictionary<string, string> Types) Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                types[parts[2]] = parts[3];
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                samples.Add(ParseSample(line));
            }
        }

        return (samples, types);
    }

    private static PrometheusSample ParseSample(string line)
    {
        int nameEnd = line.IndexOfAny(['{', ' ']);
        string name = line[..nameEnd];
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        int position = nameEnd;
        if (line[position] == '{')
        {
            position++;
            while (line[position] != '}')
            {
                int equals = line.IndexOf('=', position);
                string label = line[position..equals].Trim(' ', ',');
                position = equals + 2; // past ="
                var value = new StringBuilder();
                for (; line[position] != '"'; position++)
                {
                    if (line[position] == '\\')
                    {
                        position++;
                        value.Append(line[position] == 'n' ? '\n' : line[position]);
                    }
                    else
                    {
                        value.Append(line[position]);
                    }
                }

                labels[label] = value.ToString();
                position++; // past the closing quote
                while (line[position] is ',' or ' ')
                {
                    position++;
                }
            }

            position++;
        }

        string number = line[position..].Trim().Split(' ')[0];
        double parsed = number switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, string.Join(',', labels.Select(l => $"{l.Key}={l.Value}")), parsed);
    }
}
