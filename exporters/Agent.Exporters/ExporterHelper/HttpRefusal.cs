namespace Agent.Exporters.ExporterHelper;

/// <summary>A server's final refusal of a post: its status and the start of its body.</summary>
internal readonly record struct HttpRefusal(int Status, string Text);
