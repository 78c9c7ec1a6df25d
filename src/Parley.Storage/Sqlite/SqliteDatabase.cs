using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The embedded database file: opened in WAL mode, migrated on open, read through a small pool of
/// connections and written only through the <see cref="WriteQueue"/> (one writer, group commit).
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly ConcurrentBag<SqliteConnection> _readers = [];
    private readonly SqliteConnection _writer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _checkpointer;
    private int _disposed;

    public SqliteDatabase(IOptions<StorageOptions> options, ILogger<SqliteDatabase> logger)
    {
        var settings = options.Value;
        Path = settings.DatabasePath;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();

        _writer = Open();
        Execute(_writer, "PRAGMA journal_mode = WAL;");
        Execute(_writer, settings.Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
        // Checkpoints (copying the WAL back into the database file) run on their own connection,
        // off the commit path; see CheckpointLoopAsync.
        Execute(_writer, "PRAGMA wal_autocheckpoint = 0;");
        Migrations.Apply(_writer, logger);
        Writes = new WriteQueue(_writer, settings.MaxCommitBatch, settings.WriteQueueCapacity, logger);
        _checkpointer = new Thread(() => CheckpointLoop(logger)) { IsBackground = true, Name = "parley-store-checkpointer" };
        _checkpointer.Start();
        StorageLog.Opened(logger, Path, settings.Synchronous.ToString());
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <summary>Every change goes through here; one commit (one fsync) per batch.</summary>
    public WriteQueue Writes { get; }

    /// <summary>Runs a query on a pooled read connection. Reads see every committed write.</summary>
    public T Read<T>(Func<SqliteConnection, T> query)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_readers.TryTake(out var connection))
        {
            connection = Open();
            Execute(connection, "PRAGMA query_only = ON;");
        }
        try
        {
            return query(connection);
        }
        finally
        {
            _readers.Add(connection);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync();
        _checkpointer.Join();
        await Writes.DisposeAsync();
        _writer.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    /// <summary>
    /// Moves committed pages from the WAL into the database file a few times a second, without
    /// blocking the writer or readers (PASSIVE): commits then only append to the WAL, and the WAL is
    /// reused from its start once a checkpoint has caught up.
    /// </summary>
    private void CheckpointLoop(ILogger logger)
    {
        using var connection = Open();
        // Disposing ends the loop; the writer checkpoints when its connection closes.
        while (!_stopping.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250)))
        {
            try
            {
                Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
            }
            catch (SqliteException error)
            {
                StorageLog.CheckpointFailed(logger, error);
            }
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 5000;");
        Execute(connection, "PRAGMA cache_size = -65536;");     // 64 MiB of page cache per connection
        Execute(connection, "PRAGMA mmap_size = 268435456;");   // reads through a 256 MiB map, not read() calls
        return connection;
    }

    internal static void Execute(SqliteConnection connection, string sql) => connection.Run(sql);
}
