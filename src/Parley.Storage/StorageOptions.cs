using System.ComponentModel.DataAnnotations;

namespace Parley.Storage;

/// <summary>Where and how the embedded store keeps its data. Configuration section "Storage".</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder holding parley.db (and its WAL files). Relative paths start at the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>SQLite's synchronous setting for commits: Full (an fsync per commit, the default) or Normal.</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>The most write operations one commit (one fsync) gathers.</summary>
    [Range(1, 100_000)]
    public int MaxCommitBatch { get; set; } = 1024;

    /// <summary>How many write operations may wait for a commit before writers are made to wait.</summary>
    [Range(1, 1_000_000)]
    public int WriteQueueCapacity { get; set; } = 65_536;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, "parley.db"));
}

public enum SqliteSynchronous
{
    Full,
    Normal,
}
