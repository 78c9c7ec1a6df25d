using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Bench.Load;

/// <summary>A registered device the load generator connects as.</summary>
public sealed record BenchCredentials(string AccountId, uint DeviceId, byte[] Token)
{
    /// <summary>
    /// Registers <paramref name="count"/> accounts with test numbers (+1555…, code 123456), a few
    /// requests at a time. The node must accept test numbers (a node this tool starts does).
    /// </summary>
    public static async Task<BenchCredentials[]> RegisterAsync(HttpClient http, int count, Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = new BenchCredentials[count];
        var done = 0;
        // Random numbers keep runs against a long-lived node from re-registering earlier runs' accounts.
        var baseNumber = Random.Shared.Next(0, 9_000_000 - count);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var phone = $"+1555{baseNumber + i:D7}";
            using var response = await http.PostAsJsonAsync("/v1/registration/verify", new { phone_number = phone, code = "123456", device_name = "bench" }, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"registering {phone} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            results[i] = new BenchCredentials(
                json.GetProperty("account_id").GetString()!,
                json.GetProperty("device_id").GetUInt32(),
                Convert.FromBase64String(json.GetProperty("token").GetString()!));
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        return results;
    }
}
