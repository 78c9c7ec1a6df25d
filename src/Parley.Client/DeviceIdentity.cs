namespace Parley.Client;

/// <summary>
/// What registration or linking hands a device, and what it presents in every hello: its account,
/// its device number and its secret token. <see cref="Server"/> is the node it belongs to.
/// </summary>
public sealed record DeviceIdentity(string AccountId, uint DeviceId, byte[] Token, string PhoneNumber, Uri Server)
{
    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"{PhoneNumber} (account {AccountId}, device {DeviceId}) at {Server}";
}
