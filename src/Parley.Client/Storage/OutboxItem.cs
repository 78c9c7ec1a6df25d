using Parley.Protocol;

namespace Parley.Client.Storage;

/// <summary>
/// A message waiting in the outbox until the node acknowledges it as stored. It keeps its
/// <see cref="ClientMessageId"/> for life, so that every resend is recognised as the same message.
/// Exactly one of <see cref="ConversationId"/> and <see cref="PeerAccountId"/> is set (a first message
/// to someone is addressed to their account: the node creates the 1:1 conversation).
/// </summary>
public sealed record OutboxItem(
    long Id,
    string? ConversationId,
    string? PeerAccountId,
    byte[] ClientMessageId,
    byte[] Content,
    long CreatedMs,
    OutboxFailure? Failure = null);

/// <summary>Why the node refused a message for good (it stays in the outbox, marked, until removed).</summary>
public sealed record OutboxFailure(ErrorCode Code, string Message);
