return await Agent.Cli.AgentCommandLine.RunAsync(args).ConfigureAwait(false);
