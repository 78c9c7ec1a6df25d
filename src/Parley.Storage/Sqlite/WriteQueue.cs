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
    private readonly Task _loop;

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
        _loop = Task.Run(RunAsync);
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

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteOperation>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
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
        try
        {
            using (var transaction = _connection.BeginTransaction())
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var savepoint = "op";
                    transaction.Save(savepoint);
                    try
                    {
                        batch[i].Run(_connection);
                        transaction.Release(savepoint);
                    }
                    catch (Exception error)
                    {
                        transaction.Rollback(savepoint);
                        transaction.Release(savepoint);
                        batch[i].Fail(error);
                    }
                }
                transaction.Commit();
            }
            Commits++;
            Operations += batch.Count;
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
