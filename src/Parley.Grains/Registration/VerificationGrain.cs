using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Grains.Accounts;
using Parley.Storage;

namespace Parley.Grains.Registration;

public sealed class VerificationGrain(
    IOptions<RegistrationOptions> options,
    ISmsSender sms,
    IAccountStore accounts,
    TimeProvider clock,
    ILogger<VerificationGrain> logger) : Grain, IVerificationGrain
{
    private readonly PhoneVerification _verification = new(options.Value);

    private PhoneNumber Phone => PhoneNumber.TryParse(this.GetPrimaryKeyString(), out var phone)
        ? phone
        : throw new InvalidOperationException("A verification grain's key must be an E.164 number.");

    public async Task<CodeRequestOutcome> RequestCode()
    {
        var testCode = options.Value.TestCodeFor(Phone.Value);
        var code = testCode ?? VerificationCode.Generate();
        var outcome = _verification.RequestCode(clock.GetUtcNow(), code);
        KeepStateAlive();
        if (!outcome.IsSent)
        {
            RegistrationLog.CodeRequestLimited(logger, Phone.Masked);
            return outcome;
        }
        if (testCode is null)
        {
            // The code leaves this grain only through the SMS sender; it is never logged here.
            await sms.SendVerificationCodeAsync(Phone, code, CancellationToken.None);
        }
        RegistrationLog.CodeIssued(logger, Phone.Masked, testCode is not null);
        return outcome;
    }

    public async Task<VerifyResult> Verify(string code, string deviceName)
    {
        var outcome = _verification.Verify(code, clock.GetUtcNow(), options.Value.TestCodeFor(Phone.Value));
        KeepStateAlive();
        if (outcome != VerifyOutcome.Verified)
        {
            RegistrationLog.VerificationFailed(logger, Phone.Masked, outcome);
            return new VerifyResult(outcome, _verification.AttemptsLeft, null);
        }
        var accountId = await accounts.FindAccountIdAsync(Phone.Value) ?? Guid.NewGuid();
        var credentials = await GrainFactory.GetGrain<IAccountGrain>(accountId).RegisterPrimaryDevice(Phone, deviceName);
        return new VerifyResult(outcome, 0, credentials);
    }

    // Rate-limit state must outlive idle deactivation for as long as it matters.
    private void KeepStateAlive()
    {
        var window = options.Value.CodeRequestWindow > options.Value.CodeLifetime
            ? options.Value.CodeRequestWindow
            : options.Value.CodeLifetime;
        if (_verification.HasState(clock.GetUtcNow()))
        {
            DelayDeactivation(window);
        }
    }
}
