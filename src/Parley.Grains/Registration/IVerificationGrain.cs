using Parley.Grains.Accounts;

namespace Parley.Grains.Registration;

/// <summary>Phone-number verification; one activation per E.164 number (its key).</summary>
public interface IVerificationGrain : IGrainWithStringKey
{
    Task<CodeRequestOutcome> RequestCode();

    /// <summary>Checks the code; on success creates (or re-registers) the account and its first device.</summary>
    Task<VerifyResult> Verify(string code, string deviceName);
}

[GenerateSerializer, Immutable]
public sealed record VerifyResult(
    [property: Id(0)] VerifyOutcome Outcome,
    [property: Id(1)] int AttemptsLeft,
    [property: Id(2)] DeviceCredentials? Credentials);
