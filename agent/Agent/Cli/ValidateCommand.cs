using Agent.Config;
using Agent.Service;

namespace Agent.Cli;

/// <summary><c>agent validate</c>: every problem of a configuration, located, without starting anything.</summary>
internal static class ValidateCommand
{
    public static int Execute(FileInfo file)
    {
        try
        {
            var config = new ConfigLoader(ComponentRegistry.BuiltIn).LoadFile(file.FullName);
            Console.WriteLine($"{file.FullName}: valid ({config.Pipelines.Count} pipelines)");
            return 0;
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine(error);
            }

            return 1;
        }
    }
}
