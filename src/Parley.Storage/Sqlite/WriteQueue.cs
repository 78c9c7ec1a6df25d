using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The single writer. Operations queue up while a commit is under way; the next commit takes all of
/// them (up to a batch limit) in one transaction, so durability costs one fsync per batch, not per
/// operation. Each operation runs inside its own savepoint: one that fails is rolled back alone and
/// fails only its own caller.
/// </summary>
public sealed class WriteQueue : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Channel<WriteOperation> _queue;
    private readonly Thread _thread;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<double> _syncDuration;

    internal WriteQueue(SqliteConnection connection, int maxBatch, int capacity, ILogger logger)
    {
        _connection = connection;
        _maxBatch = maxBatch;
        _logger = logger;
        _queue = Channel.CreateBounded<WriteOperation>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _batchSize = StorageMetrics.Meter.CreateHistogram<int>("parley.store.commit.operations", "{operation}", "Write operations per commit (one fsync)");
        _commitDuration = StorageMetrics.Meter.CreateHistogram<double>("parley.store.commit.duration", "ms", "Time to run and commit one batch");
        _syncDuration = StorageMetrics.Meter.CreateHistogram<double>("parley.store.commit.sync", "ms", "Time of the COMMIT itself (writing and syncing the WAL)");
        StorageMetrics.Meter.CreateObservableGauge("parley.store.queue.length", () => _queue.Reader.Count, "{operation}", "Write operations waiting for a commit");
        // Commits block (on fsync): they get a thread of their own rather than starving the pool
        // that serves connections and actors.
        _thread = new Thread(Run) { IsBackground = true, Name = "parley-store-writer" };
        _thread.Start();
    }

    /// <summary>Total commits so far (for metrics and tests).</summary>
    public long Commits { get; private set; }

    /// <summary>Total operations committed so far.</summary>
    public long Operations { get; private set; }

    /// <summary>
    /// Runs <paramref name="operation"/> in the next batch and completes once that batch is durably
    /// committed. The operation runs on the writer's thread and must not block on anything else.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<SqliteConnection, T> operation)
    {
        var op = new WriteOperation<T>(operation);
        await _queue.Writer.WriteAsync(op);
        return await op.Completion;
    }

    public Task ExecuteAsync(Action<SqliteConnection> operation) =>
        ExecuteAsync(connection =>
        {
            operation(connection);
            return true;
        });

    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
        return ValueTask.CompletedTask;
    }

    private void Run()
    {
        var batch = new List<WriteOperation>(_maxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var op))
            {
                batch.Add(op);
            }
            Commit(batch);
            batch.Clear();
        }
    }

    private void Commit(List<WriteOperation> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            _connection.Run("BEGIN IMMEDIATE");
            try
            {
                foreach (var op in batch)
                {
                    _connection.Run("SAVEPOINT op");
                    try
                    {
                        op.Run(_connection);
                        _connection.Run("RELEASE op");
                    }
                    catch (Exception error)
                    {
                        _connection.Run("ROLLBACK TO op");
                        _connection.Run("RELEASE op");
                        op.Fail(error);
                    }
                }
                var syncing = Stopwatch.GetTimestamp();
                _connection.Run("COMMIT");
                _syncDuration.Record(Stopwatch.GetElapsedTime(syncing).TotalMilliseconds);
            }
            catch
            {
                _connection.Run("ROLLBACK");
                throw;
            }
            Commits++;
            Operations += batch.Count;
            _batchSize.Record(batch.Count);
            _commitDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            foreach (var op in batch)
            {
                op.Succeed();
            }
        }
        catch (Exception error)
        {
            StorageLog.CommitFailed(_logger, batch.Count, error);
            foreach (var op in batch)
            {
                op.Fail(error);
            }
        }
    }

    private abstract class WriteOperation
    {
        public abstract void Run(SqliteConnection connection);

        public abstract void Succeed();

        public abstract void Fail(Exception error);
    }

    private sealed class WriteOperation<T>(Func<SqliteConnection, T> operation) : WriteOperation
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private bool _failed;

        public Task<T> Completion => _completion.Task;

        public override void Run(SqliteConnection connection) => _result = operation(connection);

        // Results are released only after the commit: nobody hears "stored" before it is durable.
        public override void Succeed()
        {
            if (!_failed)
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void Fail(Exception error)
        {
            _failed = true;
            _completion.TrySetException(error);
        }
    }
}
