using Parley.Grains.Accounts;
using Parley.Grains.Registration;

namespace Parley.Server.Hosting;

/// <summary>
/// The development SMS sender: writes verification codes to the log instead of sending them.
/// It is the only sender this build has; a production deployment replaces it.
/// </summary>
public sealed partial class LoggingSmsSender(ILogger<LoggingSmsSender> logger) : ISmsSender
{
    public Task SendVerificationCodeAsync(PhoneNumber to, string code, CancellationToken cancellationToken = default)
    {
        DevelopmentCode(logger, to.Masked, code);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "DEVELOPMENT SMS SENDER (no SMS is sent): the verification code for {Phone} is {Code}")]
    private static partial void DevelopmentCode(ILogger logger, string phone, string code);
}
