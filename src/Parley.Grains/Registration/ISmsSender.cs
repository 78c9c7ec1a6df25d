using Parley.Grains.Accounts;

namespace Parley.Grains.Registration;

/// <summary>Delivers verification codes by SMS. The node ships a development sender that logs them.</summary>
public interface ISmsSender
{
    Task SendVerificationCodeAsync(PhoneNumber to, string code, CancellationToken cancellationToken = default);
}
