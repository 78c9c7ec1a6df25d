using Microsoft.Data.Sqlite;

namespace Parley.Storage.Tests;

public class WriteQueueTests
{
    [Fact]
    public async Task Concurrent_writes_share_commits()
    {
        await using var temp = new TempDatabase();
        var db = temp.Database;
        await db.Writes.ExecuteAsync(c => Execute(c, "CREATE TABLE t (n INTEGER PRIMARY KEY)"));
        var commitsBefore = db.Writes.Commits;

        await Task.WhenAll(Enumerable.Range(1, 2000).Select(n => db.Writes.ExecuteAsync(c => Execute(c, $"INSERT INTO t VALUES ({n})"))));

        var commits = db.Writes.Commits - commitsBefore;
        Assert.Equal(2000L, db.Read(c => Scalar(c, "SELECT count(*) FROM t")));
        Assert.True(commits < 2000 / 4, $"2000 writes took {commits} commits; group commit should need far fewer");
    }

    [Fact]
    public async Task A_failing_operation_fails_alone_and_its_partial_changes_are_rolled_back()
    {
        await using var temp = new TempDatabase();
        var db = temp.Database;
        await db.Writes.ExecuteAsync(c => Execute(c, "CREATE TABLE t (n INTEGER PRIMARY KEY)"));

        var good1 = db.Writes.ExecuteAsync(c => Execute(c, "INSERT INTO t VALUES (1)"));
        var bad = db.Writes.ExecuteAsync(c =>
        {
            Execute(c, "INSERT INTO t VALUES (2)");
            Execute(c, "INSERT INTO t VALUES (1)"); // duplicate key: the whole operation must vanish
        });
        var good2 = db.Writes.ExecuteAsync(c => Execute(c, "INSERT INTO t VALUES (3)"));

        await good1;
        await good2;
        await Assert.ThrowsAsync<SqliteException>(() => bad);
        Assert.Equal(2L, db.Read(c => Scalar(c, "SELECT count(*) FROM t")));
        Assert.Equal(0L, db.Read(c => Scalar(c, "SELECT count(*) FROM t WHERE n = 2")));
    }

    [Fact]
    public async Task What_a_write_acknowledged_is_there_after_reopening()
    {
        await using var temp = new TempDatabase();
        await temp.Database.Writes.ExecuteAsync(c => Execute(c, "CREATE TABLE t (n INTEGER PRIMARY KEY)"));
        await Task.WhenAll(Enumerable.Range(1, 100).Select(n => temp.Database.Writes.ExecuteAsync(c => Execute(c, $"INSERT INTO t VALUES ({n})"))));

        var reopened = await temp.ReopenAsync();

        Assert.Equal(100L, reopened.Read(c => Scalar(c, "SELECT count(*) FROM t")));
    }

    [Fact]
    public async Task The_database_is_in_wal_mode_and_migrated()
    {
        await using var temp = new TempDatabase();
        Assert.Equal("wal", temp.Database.Read(c => (string)new SqliteCommand("PRAGMA journal_mode", c).ExecuteScalar()!));
        Assert.True(temp.Database.Read(c => Scalar(c, "PRAGMA user_version")) >= 1);
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
