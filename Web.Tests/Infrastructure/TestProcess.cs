using System.Runtime.CompilerServices;

namespace Parley.Tests.Infrastructure;

internal static class TestProcess
{
    /// <summary>
    /// Dozens of apps and hosts live in one test process: their file watchers (configuration, static files) poll instead
    /// of each taking one of the few inotify instances a user may have (128 by default), which a full run exhausts.
    /// </summary>
    [ModuleInitializer]
    internal static void PollFileWatchers() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
}
