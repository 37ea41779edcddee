using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Dispatch.AppHost;

/// <summary>
/// The gateway's API keys under the AppHost: the operators' four (parameters, so the dashboard shows
/// them under Parameters; a new one each run unless set as <c>Parameters:admin-key</c> and so on) and
/// two of the demo traffic's own, so its requests are not counted against an operator's rate limit.
/// </summary>
internal sealed class GatewayKeys
{
    private GatewayKeys(IDistributedApplicationBuilder builder)
    {
        Hotline = Parameter(builder, "hotline-key");
        Operator = Parameter(builder, "operator-key");
        Admin = Parameter(builder, "admin-key");
        Worker = Parameter(builder, "worker-key");
        DemoHotline = NewKey();
        DemoAdmin = NewKey();
    }

    public IResourceBuilder<ParameterResource> Hotline { get; }

    public IResourceBuilder<ParameterResource> Operator { get; }

    public IResourceBuilder<ParameterResource> Admin { get; }

    /// <summary>Acts as worker W000001, as the embedded gateway's development worker key does.</summary>
    public IResourceBuilder<ParameterResource> Worker { get; }

    public string DemoHotline { get; }

    public string DemoAdmin { get; }

    public static GatewayKeys Add(IDistributedApplicationBuilder builder) => new(builder);

    /// <summary>As <c>Gateway:ApiKeys</c> entries in the gateway's environment.</summary>
    public IResourceBuilder<ProjectResource> GiveTo(IResourceBuilder<ProjectResource> gateway)
    {
        var index = 0;
        Entry("apphost-hotline", "hotline", Hotline.Resource);
        Entry("apphost-operator", "operator", Operator.Resource);
        Entry("apphost-admin", "admin", Admin.Resource);
        Entry("apphost-worker-W000001", "worker", Worker.Resource).WithEnvironment($"Gateway__ApiKeys__{index - 1}__WorkerId", "W000001");
        Entry("demo-traffic-hotline", "hotline", DemoHotline);
        Entry("demo-traffic-admin", "admin", DemoAdmin);
        return gateway;

        // The key is a parameter's value or a string.
        IResourceBuilder<ProjectResource> Entry(string name, string role, object key)
        {
            var prefix = $"Gateway__ApiKeys__{index++}__";
            return gateway
                .WithEnvironment(context => context.EnvironmentVariables[prefix + "Key"] = key)
                .WithEnvironment(prefix + "Name", name)
                .WithEnvironment(prefix + "Role", role);
        }
    }

    private static IResourceBuilder<ParameterResource> Parameter(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
