using Microsoft.Extensions.Logging;

namespace Parley.Grains.Registration;

internal static partial class RegistrationLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Verification code issued for {Phone} (test number: {IsTestNumber})")]
    public static partial void CodeIssued(ILogger logger, string phone, bool isTestNumber);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Code request for {Phone} refused: rate limited")]
    public static partial void CodeRequestLimited(ILogger logger, string phone);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Verification for {Phone} failed: {Outcome}")]
    public static partial void VerificationFailed(ILogger logger, string phone, VerifyOutcome outcome);
}
