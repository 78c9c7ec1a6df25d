using Parley.Grains.Accounts;

namespace Parley.Grains.Linking;

public sealed class LinkCodeGrain(TimeProvider clock) : Grain, ILinkCodeGrain
{
    private Guid _accountId;
    private DateTimeOffset _expiresAt;

    private bool Active => _accountId != Guid.Empty && clock.GetUtcNow() < _expiresAt;

    public Task<bool> Offer(Guid accountId, DateTimeOffset expiresAt)
    {
        if (Active)
        {
            return Task.FromResult(false);
        }
        _accountId = accountId;
        _expiresAt = expiresAt;
        DelayDeactivation(expiresAt - clock.GetUtcNow());
        return Task.FromResult(true);
    }

    public async Task<LinkResult> Redeem(string deviceName)
    {
        if (!Active)
        {
            DeactivateOnIdle();
            return new LinkResult(LinkOutcome.NotFound, null);
        }
        var result = await GrainFactory.GetGrain<IAccountGrain>(_accountId).LinkDevice(deviceName);
        if (result.Outcome == LinkOutcome.Linked)
        {
            _accountId = Guid.Empty;
            DeactivateOnIdle();
        }
        return result;
    }
}
