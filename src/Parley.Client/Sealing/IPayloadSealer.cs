using Parley.Protocol;

namespace Parley.Client.Sealing;

/// <summary>
/// The seam between a message's content and the bytes on the wire: the one place where encoded
/// content (<see cref="Content.MessageContent"/>) becomes what a send carries, and where a received
/// entry's payload becomes content again. Today <see cref="PlaintextSealer"/> passes bytes through;
/// end-to-end encryption (Parley.Crypto's Signal sessions) plugs in here without touching the outbox,
/// the sync or the store, which only ever see content on this side and payloads on the other.
/// </summary>
/// <remarks>
/// <para>An encrypting sealer returns <see cref="SealedPayload.PerDevice"/>: one ciphertext per
/// recipient device — every device of every other member, and the sender's own other devices (the
/// sending device keeps the plaintext it stored from the send's answer). That needs each member's
/// current list of device ids and their prekey bundles, which the node does not serve yet (a later
/// issue adds the key directory); until then no sealer can address devices it cannot list.</para>
/// <para>The client seals at every send attempt, not once when the message enters the outbox: a
/// resend after a reconnect may find other devices, and a ratchet must not encrypt the same message
/// key twice. Only the content is kept in the outbox.</para>
/// <para>The client opens an entry only once it has checked that the entry is new, so a sealer never
/// sees a duplicate it would have to reject.</para>
/// </remarks>
public interface IPayloadSealer
{
    /// <summary>Turns encoded content into the payload of a send to the conversation described by <paramref name="context"/>.</summary>
    ValueTask<SealedPayload> SealAsync(SealingContext context, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Turns a received message entry into encoded content; null when this device cannot read it.</summary>
    ValueTask<byte[]?> OpenAsync(Entry entry, CancellationToken cancellationToken);
}

/// <summary>What a sealer knows about a send: who sends, and to which conversation (or, for a first message, which peer).</summary>
/// <param name="MemberAccountIds">The conversation's members as the device last knew them (empty before a first message to a peer).</param>
public sealed record SealingContext(DeviceIdentity Sender, string? ConversationId, string? PeerAccountId, IReadOnlyList<string> MemberAccountIds);

/// <summary>A send's payload: the same bytes for every device, or one payload per device.</summary>
public sealed class SealedPayload
{
    private SealedPayload(byte[]? shared, IReadOnlyList<DevicePayload>? perDevice)
    {
        Shared = shared;
        Devices = perDevice;
    }

    /// <summary>The bytes every recipient device receives, or null for per-device payloads.</summary>
    public byte[]? Shared { get; }

    /// <summary>One payload per device, or null for a shared payload.</summary>
    public IReadOnlyList<DevicePayload>? Devices { get; }

    public static SealedPayload ForEveryDevice(byte[] payload) => new(payload, null);

    public static SealedPayload PerDevice(IReadOnlyList<DevicePayload> payloads) =>
        payloads.Count == 0 ? throw new ArgumentException("per-device payloads need at least one device", nameof(payloads)) : new(null, payloads);
}
