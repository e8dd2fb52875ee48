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

public sealed partial class FakeKubernetesApi
{
    /// <summary>A request's field and label selectors together.</summary>
    private sealed class Selector(FieldSelector fields, LabelSelector labels)
    {
        public bool Matches(JsonObject item) => fields.Matches(item) && labels.Matches(item);
    }

    /// <summary>
    /// The API's label selector over <c>metadata.labels</c>: comma-separated requirements <c>k=v</c>, <c>k==v</c>,
    /// <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> (exists), <c>!k</c> (absent).
    /// </summary>
    private sealed class LabelSelector
    {
        private readonly List<Func<JsonObject?, bool>> _requirements;

        private LabelSelector(List<Func<JsonObject?, bool>> requirements)
        {
            _requirements = requirements;
        }

        public static LabelSelector? Parse(string text)
        {
            var requirements = new List<Func<JsonObject?, bool>>();
            foreach (string raw in SplitOutsideParentheses(text))
            {
                string term = raw.Trim();
                if (term.Length == 0)
                {
                    continue;
                }

                var set = System.Text.RegularExpressions.Regex.Match(term, @"^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$");
                if (set.Success)
                {
                    string key = set.Groups[1].Value;
                    var values = set.Groups[3].Value.Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
                    bool @in = set.Groups[2].Value == "in";
                    requirements.Add(labels => Value(labels, key) is { } v ? values.Contains(v) == @in : !@in);
                }
                else if (term.Contains("!=", StringComparison.Ordinal))
                {
                    var (key, value) = Split(term, "!=");
                    requirements.Add(labels => Value(labels, key) != value);
                }
                else if (term.Contains('=', StringComparison.Ordinal))
                {
                    var (key, value) = Split(term.Replace("==", "=", StringComparison.Ordinal), "=");
                    requirements.Add(labels => Value(labels, key) == value);
                }
                else if (term.StartsWith('!'))
                {
                    requirements.Add(labels => Value(labels, term[1..]) is null);
                }
                else if (System.Text.RegularExpressions.Regex.IsMatch(term, @"^[\w./-]+$"))
                {
                    requirements.Add(labels => Value(labels, term) is not null);
                }
                else
                {
                    return null;
                }
            }

            return new LabelSelector(requirements);
        }

        public bool Matches(JsonObject item)
        {
            var labels = item["metadata"]?["labels"] as JsonObject;
            return _requirements.TrueForAll(requirement => requirement(labels));
        }

        private static string? Value(JsonObject? labels, string key) => labels?[key]?.GetValue<string>();

        private static (string Key, string Value) Split(string term, string op)
        {
            int at = term.IndexOf(op, StringComparison.Ordinal);
            return (term[..at].Trim(), term[(at + op.Length)..].Trim());
        }

        private static IEnumerable<string> SplitOutsideParentheses(string text)
        {
            int depth = 0;
            int start = 0;
            for (int i = 0; i < text.Length; i++)
            {
                depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
                if (text[i] == ',' && depth == 0)
                {
                    yield return text[start..i];
                    start = i + 1;
                }
            }

            yield return text[start..];
        }
    }
}
