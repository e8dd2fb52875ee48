using System.Text.Json.Nodes;

namespace Agent.Tests.Fakes;

public sealed partial class FakeKubernetesApi
{
    /// <summary>The API's field selector: comma-separated <c>path=value</c> / <c>path!=value</c> terms over the object's fields.</summary>
    private sealed class FieldSelector
    {
        private readonly (string[] Path, string Value, bool Equal)[] _terms;

        private FieldSelector((string[] Path, string Value, bool Equal)[] terms)
        {
            _terms = terms;
        }

        /// <summary>The selector, or null when a term is not <c>a.b=c</c> or <c>a.b!=c</c>.</summary>
        public static FieldSelector? Parse(string text)
        {
            var terms = new List<(string[], string, bool)>();
            foreach (string term in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                int notEqual = term.IndexOf("!=", StringComparison.Ordinal);
                int equal = term.IndexOf('=', StringComparison.Ordinal);
                if (equal <= 0)
                {
                    return null;
                }

                bool isEqual = notEqual < 0;
                string path = isEqual ? term[..equal] : term[..notEqual];
                string value = isEqual ? term[(equal + 1)..].TrimStart('=') : term[(notEqual + 2)..];
                terms.Add((path.Split('.'), value, isEqual));
            }

            return new FieldSelector([.. terms]);
        }

        public bool Matches(JsonObject item)
        {
            foreach (var (path, value, equal) in _terms)
            {
                JsonNode? node = item;
                foreach (string part in path)
                {
                    node = node is JsonObject obj ? obj[part] : null;
                }

                string actual = node?.GetValue<string>() ?? string.Empty;
                if (string.Equals(actual, value, StringComparison.Ordinal) != equal)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
