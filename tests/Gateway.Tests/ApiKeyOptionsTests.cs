using Dispatch.Gateway.Security;

namespace Dispatch.Gateway.Tests;

public sealed class ApiKeyOptionsTests
{
    [Fact]
    public void Configured_keys_with_a_typo_in_the_role_or_no_worker_id_are_refused()
    {
        var options = new ApiKeyOptions
        {
            ApiKeys =
            [
                new() { Key = "a", Name = "ok", Role = Roles.Operator },
                new() { Key = "b", Name = "typo", Role = "oprator" },
                new() { Key = "c", Name = "nobody", Role = Roles.Worker },
                new() { Key = " ", Name = "blank", Role = Roles.Hotline },
            ],
        };

        Assert.Equal(
            ["key 'blank' is empty", "key 'typo' has unknown role 'oprator'", "worker key 'nobody' names no WorkerId"],
            options.Problems());
    }

    [Fact]
    public void Development_keys_are_usable_keys()
    {
        Assert.Empty(new ApiKeyOptions { ApiKeys = [.. ApiKeyOptions.DevelopmentKeys("W000001")] }.Problems());
    }
}
