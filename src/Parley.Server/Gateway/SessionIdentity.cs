namespace Parley.Server.Gateway;

/// <summary>Who is on the other end of an authenticated connection.</summary>
public sealed record SessionIdentity(Guid AccountId, uint DeviceId, Guid ConnectionId);
