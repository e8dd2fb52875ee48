using System.Text.RegularExpressions;
using Agent.Core.Config;

namespace Agent.Tests.Config;

/// <summary>One option of every value kind the binder reads from a single scalar.</summary>
internal sealed class ScalarKindsOptions
{
    public double Ratio { get; set; }

    public float Weight { get; set; }

    public byte Small { get; set; }

    public ushort Port { get; set; }

    public uint Count { get; set; }

    public ulong Total { get; set; }

    public ByteSize Size { get; set; }

    public ByteSize? MaybeSize { get; set; }

    public ConfigRegex? Filter { get; set; }

    public AnchoredRegex? Relabel { get; set; }

    public Regex? Plain { get; set; }

    public List<ConfigRegex> Patterns { get; set; } = [];
}

/// <summary>A nested options object with a default and a validation rule, used as a map value and a list item.</summary>
internal sealed class TargetOptions : IValidatable
{
    public string Endpoint { get; set; } = "default:1";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Endpoint))
        {
            yield return ("endpoint", "must be set");
        }
    }
}

internal sealed class MapOptions
{
    public Dictionary<string, string> Labels { get; set; } = [];

    public Dictionary<string, int> Limits { get; set; } = [];

    public Dictionary<string, bool> Flags { get; set; } = [];

    public Dictionary<string, double> Weights { get; set; } = [];

    public Dictionary<string, TimeSpan> Timeouts { get; set; } = [];

    public Dictionary<string, ByteSize> Sizes { get; set; } = [];

    public Dictionary<string, TargetOptions> Targets { get; set; } = [];

    public List<TargetOptions> Backends { get; set; } = [];
}

/// <summary>Raw subtrees in each shape, with a rule that names a path inside one (as a Prometheus receiver would).</summary>
internal sealed class RawOptions : IValidatable
{
    public RawMapping? Config { get; set; }

    public RawSequence? Items { get; set; }

    public RawNode? Anything { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Config is not null && Config.TryGetValue("scrape_configs", out var scrapes) && scrapes is RawSequence list)
        {
            for (int i = 0; i < list.Items.Count; i++)
            {
                if (list.Items[i] is RawMapping job && !job.TryGetValue("job_name", out _))
                {
                    yield return ($"config.scrape_configs[{i}]", "job_name is required");
                }
            }
        }
    }
}
