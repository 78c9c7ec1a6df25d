using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Parley.Grains.Accounts;
using Parley.Storage;

namespace Parley.Grains;

/// <summary>How entries and pushes leave a conversation: straight to this node's connections, or through the accounts' actors.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>
    /// True on a single node, where every connection lives in this process: conversations hand
    /// entries to connections directly. False in a cluster: each account's actor, which knows all its
    /// connections wherever they are, delivers.
    /// </summary>
    public bool LocalOnly { get; set; } = true;
}

/// <summary>Where a conversation's entries, receipts and typing notices go on their way to devices.</summary>
public sealed class Delivery(Actors actors, LocalConnections local, IOptions<DeliveryOptions> options)
{
    private readonly bool _localOnly = options.Value.LocalOnly;

    public void Deliver(Guid accountId, LogEntry entry)
    {
        if (_localOnly)
        {
            local.Deliver(accountId, entry);
        }
        else
        {
            _ = actors.Account(accountId).Deliver(entry);
        }
    }

    public void Push(Guid accountId, Immutable<byte[]> frame)
    {
        if (_localOnly)
        {
            local.Push(accountId, frame);
        }
        else
        {
            _ = actors.Account(accountId).Push(frame);
        }
    }
}
