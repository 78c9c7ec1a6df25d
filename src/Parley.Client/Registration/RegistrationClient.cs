using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Client.Registration;

/// <summary>
/// The node's HTTP API for what comes before a device has credentials: registering a phone number
/// (request a code, verify it) and linking a new device with a link code. Works wherever
/// <see cref="HttpClient"/> does, the browser included.
/// </summary>
public sealed class RegistrationClient(HttpClient http, Uri server)
{
    /// <summary>Asks the node to send a verification code to the number; returns how long the code is valid.</summary>
    public async Task<TimeSpan> RequestCodeAsync(string phoneNumber, CancellationToken cancellationToken = default)
    {
        var response = await PostAsync("/v1/registration/code", new CodeRequest(phoneNumber), RegistrationJson.Default.CodeRequest, cancellationToken);
        var body = await ReadAsync(response, RegistrationJson.Default.CodeResponse, cancellationToken);
        return TimeSpan.FromSeconds(body.ExpiresInSeconds);
    }

    /// <summary>Verifies the code; creates the account (or re-registers it, revoking its other devices) and returns the new device's identity.</summary>
    public async Task<DeviceIdentity> VerifyAsync(string phoneNumber, string code, string? deviceName = null, CancellationToken cancellationToken = default)
    {
        var response = await PostAsync("/v1/registration/verify", new VerifyRequest(phoneNumber, code, deviceName), RegistrationJson.Default.VerifyRequest, cancellationToken);
        var body = await ReadAsync(response, RegistrationJson.Default.CredentialsResponse, cancellationToken);
        return ToIdentity(body, phoneNumber);
    }

    /// <summary>Links a new device to the account that created <paramref name="linkCode"/>. The phone number is learned on first connect.</summary>
    public async Task<DeviceIdentity> LinkAsync(string linkCode, string? deviceName = null, CancellationToken cancellationToken = default)
    {
        var response = await PostAsync("/v1/devices/link", new LinkRequest(linkCode, deviceName), RegistrationJson.Default.LinkRequest, cancellationToken);
        var body = await ReadAsync(response, RegistrationJson.Default.CredentialsResponse, cancellationToken);
        return ToIdentity(body, "");
    }

    private DeviceIdentity ToIdentity(CredentialsResponse body, string phoneNumber) =>
        new(body.AccountId, body.DeviceId, Convert.FromBase64String(body.Token), phoneNumber, server);

    private async Task<HttpResponseMessage> PostAsync<T>(string path, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await http.PostAsJsonAsync(new Uri(server, path), body, type, cancellationToken);
        }
        catch (HttpRequestException error)
        {
            throw new RegistrationException(HttpStatusCode.ServiceUnavailable, "unreachable", $"cannot reach the node at {server}: {error.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistrationException(HttpStatusCode.GatewayTimeout, "timeout", $"the node at {server} did not answer within {http.Timeout.TotalSeconds:0} s");
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadErrorAsync(response, cancellationToken);
                throw new RegistrationException(
                    response.StatusCode,
                    error?.Error ?? "http_" + (int)response.StatusCode,
                    error?.Message ?? $"the node answered {(int)response.StatusCode} {response.ReasonPhrase}",
                    error?.AttemptsLeft,
                    error?.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            }
            return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                ?? throw new RegistrationException(response.StatusCode, "malformed_response", "the node's answer was empty");
        }
    }

    /// <summary>The node's error body, or null when the body is something else (a proxy's page, say): then the status says enough.</summary>
    private static async Task<ErrorResponse?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(RegistrationJson.Default.ErrorResponse, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The node refused a registration or link request; <see cref="Error"/> is its stable code (e.g. <c>wrong_code</c>).</summary>
public sealed class RegistrationException(HttpStatusCode status, string error, string message, int? attemptsLeft = null, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public string Error { get; } = error;

    public int? AttemptsLeft { get; } = attemptsLeft;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

internal sealed record CodeRequest(string PhoneNumber);

internal sealed record CodeResponse(int ExpiresInSeconds);

internal sealed record VerifyRequest(string PhoneNumber, string Code, string? DeviceName);

internal sealed record LinkRequest(string Code, string? DeviceName);

internal sealed record CredentialsResponse(string AccountId, uint DeviceId, string Token);

internal sealed record ErrorResponse(string Error, string Message, int? AttemptsLeft, int? RetryAfterSeconds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CodeRequest))]
[JsonSerializable(typeof(CodeResponse))]
[JsonSerializable(typeof(VerifyRequest))]
[JsonSerializable(typeof(LinkRequest))]
[JsonSerializable(typeof(CredentialsResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class RegistrationJson : JsonSerializerContext;
