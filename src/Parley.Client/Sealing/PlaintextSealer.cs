using Parley.Protocol;

namespace Parley.Client.Sealing;

/// <summary>
/// Passes content through unchanged, as one payload for every device. The node still never parses it;
/// it is simply not encrypted yet.
/// </summary>
public sealed class PlaintextSealer : IPayloadSealer
{
    public static readonly PlaintextSealer Instance = new();

    public ValueTask<SealedPayload> SealAsync(SealingContext context, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SealedPayload.ForEveryDevice(content.ToArray()));

    public ValueTask<byte[]?> OpenAsync(Entry entry, CancellationToken cancellationToken) =>
        ValueTask.FromResult(entry.PayloadMissing || entry.ContentCase != Entry.ContentOneofCase.Payload ? null : entry.Payload.ToByteArray());
}
