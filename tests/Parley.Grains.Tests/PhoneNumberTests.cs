using Parley.Grains.Accounts;

namespace Parley.Grains.Tests;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("+15551234567")]
    [InlineData("+4915112345678")]
    [InlineData("+12345678")]        // 8 digits: the shortest accepted
    [InlineData("+123456789012345")] // 15 digits: E.164's longest
    public void E164_numbers_parse(string text)
    {
        Assert.True(PhoneNumber.TryParse(text, out var phone));
        Assert.Equal(text, phone.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("15551234567")]
    [InlineData("+05551234567")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("+1555 123 4567")]
    [InlineData("+1555-123-4567")]
    [InlineData("+1555١٢٣٤٥٦٧")] // non-ASCII digits
    public void Anything_else_does_not(string? text) => Assert.False(PhoneNumber.TryParse(text, out _));

    [Fact]
    public void The_masked_form_hides_the_middle()
    {
        PhoneNumber.TryParse("+15551234567", out var phone);
        Assert.Equal("+155…67", phone.Masked);
        Assert.DoesNotContain("1234", phone.Masked);
    }
}
