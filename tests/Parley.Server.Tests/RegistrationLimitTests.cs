using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Code expiry and the two rate limits, each on a node configured to make it quick to reach.</summary>
public sealed class RegistrationLimitTests
{
    [Fact]
    public async Task An_expired_code_is_refused()
    {
        await using var node = await TestNode.StartAsync(new Dictionary<string, string> { ["Registration:CodeLifetime"] = "00:00:01" });
        var phone = TestNode.NewPhoneNumber();
        Assert.Equal(HttpStatusCode.OK, (await node.Http.PostAsJsonAsync("/v1/registration/code", new { phone_number = phone })).StatusCode);

        await Task.Delay(TimeSpan.FromMilliseconds(1300));

        var response = await node.Http.PostAsJsonAsync("/v1/registration/verify", new { phone_number = phone, code = TestNode.TestCode });
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("code_expired", await ErrorOf(response));
    }

    [Fact]
    public async Task Code_requests_are_rate_limited_per_number()
    {
        await using var node = await TestNode.StartAsync(new Dictionary<string, string> { ["Registration:MinCodeRequestInterval"] = "00:10:00" });
        var phone = TestNode.NewPhoneNumber();
        Assert.Equal(HttpStatusCode.OK, (await node.Http.PostAsJsonAsync("/v1/registration/code", new { phone_number = phone })).StatusCode);

        var limited = await node.Http.PostAsJsonAsync("/v1/registration/code", new { phone_number = phone });
        var other = await node.Http.PostAsJsonAsync("/v1/registration/code", new { phone_number = TestNode.NewPhoneNumber() });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", await ErrorOf(limited));
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 590, 600);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Registration_requests_are_rate_limited_per_client_address()
    {
        await using var node = await TestNode.StartAsync(new Dictionary<string, string> { ["Registration:RequestsPerAddressPerMinute"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await node.Http.PostAsJsonAsync("/v1/registration/code", new { phone_number = TestNode.NewPhoneNumber() })).StatusCode);
        }

        var limited = await node.Http.PostAsJsonAsync("/v1/registration/code", new { phone_number = TestNode.NewPhoneNumber() });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", await ErrorOf(limited));
        Assert.True(limited.Headers.Contains("Retry-After"));
    }

    private static async Task<string?> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
}
