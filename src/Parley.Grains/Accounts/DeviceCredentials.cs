namespace Parley.Grains.Accounts;

/// <summary>What a device presents to connect. Handed out once, at registration or linking.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceCredentials(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] uint DeviceId,
    [property: Id(2)] byte[] Token);

/// <summary>A device as its account's other devices see it.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceInfo(
    [property: Id(0)] uint DeviceId,
    [property: Id(1)] string Name,
    [property: Id(2)] long CreatedMs,
    [property: Id(3)] long LastSeenMs,
    [property: Id(4)] bool Online);
