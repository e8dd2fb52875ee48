using System.Text.RegularExpressions;
using Agent.Config;
using Agent.Extensions.HealthCheck;
using Agent.Receivers.Otlp;
using Agent.Tests.EndToEnd;

namespace Agent.Tests.Deployment;

/// <summary>The Dockerfile cannot be built here, so it is held to what is tested: the README's publish command and the default ports.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string Root = JsClient.RepositoryRoot();
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

    [Fact]
    public void The_image_is_published_with_the_READMEs_command()
    {
        string image = Assert.Single(Publish().Matches(Dockerfile)).Groups["arguments"].Value;
        string readme = Assert.Single(Publish().Matches(File.ReadAllText(Path.Combine(Root, "README.md")))).Groups["arguments"].Value;

        Assert.Equal(WithoutOutput(readme), WithoutOutput(image));
        Assert.True(File.Exists(Path.Combine(Root, WithoutOutput(image)[0])), "the published project exists");
    }

    [Fact]
    public void The_exposed_ports_are_the_agents_default_ports()
    {
        var exposed = Assert.Single(Expose().Matches(Dockerfile)).Groups["ports"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(port => int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Order();
        var defaults = new[] { new OtlpGrpcOptions().Endpoint, new OtlpHttpOptions().Endpoint, new TelemetryMetricsOptions().Address, new HealthCheckOptions().Endpoint }
            .Select(endpoint => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .Order();

        Assert.Equal(defaults, exposed);
    }

    // The command's arguments with "-o <folder>" left out: the image writes to /out, the README to out.
    private static List<string> WithoutOutput(string arguments)
    {
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        int output = words.IndexOf("-o");
        Assert.True(output >= 0 && output + 1 < words.Count, $"no -o folder in: {arguments}");
        words.RemoveRange(output, 2);
        return words;
    }

    [GeneratedRegex(@"dotnet publish (?<arguments>[^`\n]+)")]
    private static partial Regex Publish();

    [GeneratedRegex(@"^EXPOSE (?<ports>[0-9 ]+)$", RegexOptions.Multiline)]
    private static partial Regex Expose();
}
