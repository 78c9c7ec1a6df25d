using Parley.Grains.Accounts;

namespace Parley.Grains.Linking;

/// <summary>One link code (its key, normalized): which account it joins, until when, used at most once.</summary>
public interface ILinkCodeGrain : IGrainWithStringKey
{
    /// <summary>Binds the code to an account; false when the code is already bound and unexpired.</summary>
    Task<bool> Offer(Guid accountId, DateTimeOffset expiresAt);

    /// <summary>Adds a device to the bound account and spends the code.</summary>
    Task<LinkResult> Redeem(string deviceName);
}

public enum LinkOutcome
{
    Linked,
    NotFound,
    LimitExceeded,
}

[GenerateSerializer, Immutable]
public sealed record LinkResult(
    [property: Id(0)] LinkOutcome Outcome,
    [property: Id(1)] DeviceCredentials? Credentials);
