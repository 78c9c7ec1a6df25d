namespace Parley.Crypto;

/// <summary>One device of one user: the unit a session belongs to. Parley uses its account id as the
/// name and the device number as the device id.</summary>
public sealed record ProtocolAddress(string Name, uint DeviceId)
{
    public override string ToString() => $"{Name}.{DeviceId}";
}
