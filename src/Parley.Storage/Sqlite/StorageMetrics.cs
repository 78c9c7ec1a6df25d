using System.Diagnostics.Metrics;

namespace Parley.Storage.Sqlite;

/// <summary>The store's instruments (meter "Parley.Storage"): watch them with dotnet-counters or any OpenTelemetry exporter.</summary>
internal static class StorageMetrics
{
    public static readonly Meter Meter = new("Parley.Storage");
}
