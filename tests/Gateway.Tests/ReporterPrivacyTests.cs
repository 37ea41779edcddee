using Dispatch.Gateway.Security;

namespace Dispatch.Gateway.Tests;

/// <summary>How a reporter's contacts look to those who may not call them.</summary>
public sealed class ReporterPrivacyTests
{
    [Theory]
    [InlineData("13900000000", "*******0000")]
    [InlineData("+86 139-0000-1234", "+** ***-****-1234")]
    [InlineData("110", "***")]
    [InlineData("", "")]
    public void Phones_keep_only_their_last_four_digits(string phone, string masked) =>
        Assert.Equal(masked, ReporterPrivacy.MaskPhone(phone));

    [Theory]
    [InlineData("张三丰", "张**")]
    [InlineData("Resident Wang", "R************")]
    [InlineData("𠀋先生", "𠀋**")]
    [InlineData("王", "*")]
    public void Names_keep_only_their_first_letter(string name, string masked) =>
        Assert.Equal(masked, ReporterPrivacy.MaskName(name));

    [Theory]
    [InlineData("wang@example.org", "w***@example.org")]
    [InlineData("@example.org", "***")]
    [InlineData("not-an-address", "***")]
    public void Emails_keep_their_first_letter_and_domain(string email, string masked) =>
        Assert.Equal(masked, ReporterPrivacy.MaskEmail(email));
}
