using System.Diagnostics;
using System.Globalization;

namespace Parley.Bench.Node;

/// <summary>
/// CPU time and resident memory of a process, read from /proc (Linux), so that the node's use and
/// the load generator's can be told apart on a machine they share.
/// </summary>
public sealed class ProcessMeter(int pid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public int Pid { get; } = pid;

    public static ProcessMeter Self() => new(Environment.ProcessId);

    /// <summary>User plus system CPU time so far.</summary>
    public TimeSpan CpuTime()
    {
        if (Pid == Environment.ProcessId)
        {
            return Process.GetCurrentProcess().TotalProcessorTime;
        }
        // /proc/PID/stat: the command name may hold spaces, so count fields after the closing parenthesis.
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / TicksPerSecond);
    }

    /// <summary>Resident set size in bytes.</summary>
    public long ResidentBytes() => StatusBytes("VmRSS:");

    /// <summary>
    /// The anonymous part of the resident set (heaps, stacks), without file pages mapped in, such as
    /// the database file SQLite maps: those are the kernel's page cache, shared and reclaimable.
    /// </summary>
    public long AnonymousResidentBytes() => StatusBytes("RssAnon:");

    private long StatusBytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException($"no {field} in /proc/{Pid}/status");
    }

    /// <summary>Starts measuring CPU use over an interval.</summary>
    public CpuInterval StartInterval() => new(this, CpuTime(), Stopwatch.GetTimestamp());

    public readonly record struct CpuInterval(ProcessMeter Meter, TimeSpan CpuAtStart, long StartedAt)
    {
        /// <summary>CPU use since the start, in percent of one core (200 = both cores of this machine class).</summary>
        public double Percent()
        {
            var wall = Stopwatch.GetElapsedTime(StartedAt);
            return wall <= TimeSpan.Zero ? 0 : (Meter.CpuTime() - CpuAtStart) / wall * 100;
        }
    }
}
