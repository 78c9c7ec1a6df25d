using Microsoft.Extensions.Options;
using Parley.Grains.Accounts;
using Parley.Protocol;

namespace Parley.Server.Gateway;

/// <summary>
/// Turns one validated request from an authenticated device into actor calls and a response. One
/// partial file per family of requests. Handlers throw <see cref="RequestException"/> for anything
/// the caller did wrong; any other exception becomes an INTERNAL error and is logged.
/// </summary>
public sealed partial class RequestDispatcher(IGrainFactory grains, IOptions<AccountOptions> accounts, ILogger<RequestDispatcher> logger)
{
    public Limits Limits(GatewayOptions gateway) => new()
    {
        MaxFrameBytes = (uint)gateway.MaxFrameBytes,
        MaxDevices = (uint)accounts.Value.MaxDevices,
        MaxRequestsInFlight = (uint)gateway.MaxRequestsInFlight,
    };

    public async Task<Response> DispatchAsync(SessionIdentity caller, Request request)
    {
        try
        {
            return request.BodyCase switch
            {
                Request.BodyOneofCase.ListDevices => await ListDevicesAsync(caller),
                Request.BodyOneofCase.RenameDevice => await RenameDeviceAsync(caller, request.RenameDevice),
                Request.BodyOneofCase.RevokeDevice => await RevokeDeviceAsync(caller, request.RevokeDevice),
                Request.BodyOneofCase.CreateLinkCode => await CreateLinkCodeAsync(caller),
                Request.BodyOneofCase.None => throw Invalid("the request has no body"),
                _ => throw Invalid($"{request.BodyCase} is not supported by this node"),
            };
        }
        catch (RequestException error)
        {
            return new Response { Error = Frames.ErrorBody(error.Code, error.Message, error.RetryAfterMs) };
        }
        catch (Exception error)
        {
            GatewayLog.RequestFailed(logger, request.BodyCase, caller.AccountId, caller.DeviceId, error);
            return new Response { Error = Frames.ErrorBody(ErrorCode.Internal, "the node failed to serve this request; it may be retried") };
        }
    }

    private IAccountGrain Account(SessionIdentity caller) => grains.GetGrain<IAccountGrain>(caller.AccountId);

    private static RequestException Invalid(string message) => new(ErrorCode.InvalidRequest, message);

    private static RequestException NotFound(string message) => new(ErrorCode.NotFound, message);

    private static Response Ok() => new() { Ok = new Ok() };
}
