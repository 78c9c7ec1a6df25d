using System.Text.Json;

namespace Parley.Server.Http;

/// <summary>The body of every HTTP error: a stable snake_case code and a sentence for humans.</summary>
public sealed record ApiError(string Error, string Message)
{
    public int? AttemptsLeft { get; init; }

    public int? RetryAfterSeconds { get; init; }

    public static IResult Result(int status, string error, string message) =>
        Results.Json(new ApiError(error, message), statusCode: status);

    public static IResult Result(int status, ApiError body) => Results.Json(body, statusCode: status);

    /// <summary>
    /// Reads a JSON body; a missing, malformed or wrongly shaped body becomes a 400 rather than an
    /// exception.
    /// </summary>
    public static async Task<(T? Body, IResult? Error)> ReadBodyAsync<T>(HttpRequest request)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Result(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send a JSON body with Content-Type: application/json."));
        }
        try
        {
            var body = await request.ReadFromJsonAsync<T>();
            return body is null
                ? (null, Result(StatusCodes.Status400BadRequest, "malformed_body", "The body is empty."))
                : (body, null);
        }
        catch (JsonException error)
        {
            return (null, Result(StatusCodes.Status400BadRequest, "malformed_body", $"The body is not valid JSON of the expected shape: {error.Message}"));
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Result(error.StatusCode, "body_too_large", "The body is larger than this endpoint accepts."));
        }
        catch (BadHttpRequestException error)
        {
            return (null, Result(error.StatusCode, "bad_request", error.Message));
        }
    }
}
