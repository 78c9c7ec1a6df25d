using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Parley.Grains.Accounts;
using Parley.Grains.Linking;
using Parley.Grains.Registration;

namespace Parley.Server.Http;

/// <summary>
/// The unauthenticated HTTP API: register a phone number (request a code, verify it) and link a new
/// device with a link code. Everything else happens over the WebSocket.
/// </summary>
public static class RegistrationEndpoints
{
    private const string PerAddressPolicy = "per-address";
    private const int MaxBodyBytes = 4096;

    public sealed record CodeRequest(string? PhoneNumber);

    public sealed record CodeResponse(int ExpiresInSeconds);

    public sealed record VerifyRequest(string? PhoneNumber, string? Code, string? DeviceName);

    public sealed record LinkRequest(string? Code, string? DeviceName);

    /// <summary>What a device keeps to connect: its account, its id and its secret token (base64).</summary>
    public sealed record CredentialsResponse(string AccountId, uint DeviceId, string Token);

    public static IServiceCollection AddRegistrationRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerAddressPolicy, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<RegistrationOptions>>().Value.RequestsPerAddressPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.Response.WriteAsJsonAsync(
                    new ApiError("rate_limited", "Too many requests from this address; try again later.") { RetryAfterSeconds = seconds },
                    cancellationToken);
            };
        });

    public static void MapRegistrationEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1")
            .RequireRateLimiting(PerAddressPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        api.MapPost("/registration/code", RequestCodeAsync);
        api.MapPost("/registration/verify", VerifyAsync);
        api.MapPost("/devices/link", LinkAsync);
    }

    private static async Task<IResult> RequestCodeAsync(HttpRequest http, IGrainFactory grains)
    {
        var (body, error) = await ApiError.ReadBodyAsync<CodeRequest>(http);
        if (error is not null)
        {
            return error;
        }
        if (!PhoneNumber.TryParse(body!.PhoneNumber, out var phone))
        {
            return InvalidPhoneNumber();
        }
        var outcome = await grains.GetGrain<IVerificationGrain>(phone.Value).RequestCode();
        if (!outcome.IsSent)
        {
            return RateLimited(http, outcome.RetryAfter, "Too many code requests for this number; try again later.");
        }
        return Results.Ok(new CodeResponse((int)outcome.ExpiresIn.TotalSeconds));
    }

    private static async Task<IResult> VerifyAsync(HttpRequest http, IGrainFactory grains)
    {
        var (body, error) = await ApiError.ReadBodyAsync<VerifyRequest>(http);
        if (error is not null)
        {
            return error;
        }
        if (!PhoneNumber.TryParse(body!.PhoneNumber, out var phone))
        {
            return InvalidPhoneNumber();
        }
        if (!VerificationCode.IsWellFormed(body.Code))
        {
            return ApiError.Result(StatusCodes.Status400BadRequest, "invalid_code_format", "A verification code is 6 digits.");
        }
        if (DeviceName.Normalize(body.DeviceName ?? "Primary device") is not { } deviceName)
        {
            return InvalidDeviceName();
        }
        var result = await grains.GetGrain<IVerificationGrain>(phone.Value).Verify(body.Code!, deviceName);
        return result.Outcome switch
        {
            VerifyOutcome.Verified => Results.Ok(ToResponse(result.Credentials!)),
            VerifyOutcome.WrongCode => ApiError.Result(
                StatusCodes.Status403Forbidden,
                new ApiError("wrong_code", "The code is not the one sent to this number.") { AttemptsLeft = result.AttemptsLeft }),
            VerifyOutcome.Expired => ApiError.Result(StatusCodes.Status410Gone, "code_expired", "The code has expired; request a new one."),
            VerifyOutcome.TooManyAttempts => ApiError.Result(StatusCodes.Status429TooManyRequests, "too_many_attempts", "Too many wrong codes; request a new one."),
            _ => ApiError.Result(StatusCodes.Status404NotFound, "no_pending_code", "No code was requested for this number, or it was already used."),
        };
    }

    private static async Task<IResult> LinkAsync(HttpRequest http, IGrainFactory grains)
    {
        var (body, error) = await ApiError.ReadBodyAsync<LinkRequest>(http);
        if (error is not null)
        {
            return error;
        }
        if (LinkCodes.Normalize(body!.Code) is not { } code)
        {
            return ApiError.Result(StatusCodes.Status400BadRequest, "invalid_link_code_format", "A link code is 8 letters and digits, such as ABCD-EFGH.");
        }
        if (DeviceName.Normalize(body.DeviceName ?? "Linked device") is not { } deviceName)
        {
            return InvalidDeviceName();
        }
        var result = await grains.GetGrain<ILinkCodeGrain>(code).Redeem(deviceName);
        return result.Outcome switch
        {
            LinkOutcome.Linked => Results.Ok(ToResponse(result.Credentials!)),
            LinkOutcome.LimitExceeded => ApiError.Result(StatusCodes.Status409Conflict, "too_many_devices", "The account already has its maximum number of devices; revoke one first."),
            _ => ApiError.Result(StatusCodes.Status404NotFound, "link_code_not_found", "No such link code: it is wrong, expired or already used."),
        };
    }

    private static CredentialsResponse ToResponse(DeviceCredentials credentials) =>
        new(credentials.AccountId.ToString(), credentials.DeviceId, Convert.ToBase64String(credentials.Token));

    private static IResult InvalidPhoneNumber() => ApiError.Result(
        StatusCodes.Status400BadRequest, "invalid_phone_number", "Phone numbers are E.164: '+', country code and number, 8 to 15 digits, e.g. +15551234567.");

    private static IResult InvalidDeviceName() => ApiError.Result(
        StatusCodes.Status400BadRequest, "invalid_device_name", $"A device name is 1 to {DeviceName.MaxLength} printable characters.");

    private static IResult RateLimited(HttpRequest http, TimeSpan retryAfter, string message)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiError.Result(StatusCodes.Status429TooManyRequests, new ApiError("rate_limited", message) { RetryAfterSeconds = seconds });
    }
}
