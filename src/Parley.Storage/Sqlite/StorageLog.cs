using Microsoft.Extensions.Logging;

namespace Parley.Storage.Sqlite;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Store opened at {Path} (WAL, synchronous={Synchronous})")]
    public static partial void Opened(ILogger logger, string path, string synchronous);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Store schema migrated from version {From} to {To}")]
    public static partial void Migrated(ILogger logger, int from, int to);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "A commit of {Count} write operations failed; every one of them was reported failed")]
    public static partial void CommitFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "A WAL checkpoint failed; it is tried again shortly")]
    public static partial void CheckpointFailed(ILogger logger, Exception error);
}
