using System.Diagnostics.Metrics;

namespace Parley.Server.Gateway;

/// <summary>The gateway's instruments (meter "Parley.Gateway").</summary>
internal static class GatewayMetrics
{
    public static readonly Meter Meter = new("Parley.Gateway");

    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("parley.gateway.connections", "{connection}", "Open device connections");

    public static readonly Counter<long> EntriesLive = Meter.CreateCounter<long>("parley.gateway.entries.live", "{entry}", "Entries sent to devices as they were appended");

    public static readonly Counter<long> EntriesReplayed = Meter.CreateCounter<long>("parley.gateway.entries.replayed", "{entry}", "Entries sent to devices from the store (sync and gap repair)");

    public static readonly Counter<long> StoreReads = Meter.CreateCounter<long>("parley.gateway.store.reads", "{read}", "Pages and positions read from the store by connections");

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("parley.gateway.requests", "{request}", "Requests answered");

    public static readonly Counter<long> SlowConsumers = Meter.CreateCounter<long>("parley.gateway.slow_consumers", "{connection}", "Connections cut off for falling behind");
}
