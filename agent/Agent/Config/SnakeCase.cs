using System.Text;

namespace Agent.Config;

/// <summary>Turns a property name into the config key the Collector would use (<c>MaxRecvMsgSizeMib</c> → <c>max_recv_msg_size_mib</c>).</summary>
internal static class SnakeCase
{
    public static string From(string name)
    {
        var key = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool afterLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLowerOrDigit || endsAcronym)
                {
                    key.Append('_');
                }

                key.Append(char.ToLowerInvariant(c));
            }
            else
            {
                key.Append(c);
            }
        }

        return key.ToString();
    }
}
