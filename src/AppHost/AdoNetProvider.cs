using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orleans;

namespace Dispatch.AppHost;

/// <summary>
/// Orleans' ADO.NET providers on the Dispatch database. Aspire's own provider configuration names
/// the provider after the resource type ("PostgresDatabase"), which Orleans does not know, so this
/// sets the section Orleans reads: ProviderType AdoNet, Invariant Npgsql, and the connection string
/// by name (<c>ConnectionStrings:dispatch</c>, injected by the reference).
/// </summary>
internal sealed class AdoNetProvider(IResourceBuilder<IResourceWithConnectionString> database) : IProviderConfiguration
{
    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configSectionPath)
        where T : IResourceWithEnvironment
    {
        var prefix = $"Orleans__{configSectionPath.Replace(":", "__", StringComparison.Ordinal)}";
        resourceBuilder
            .WithEnvironment($"{prefix}__ProviderType", "AdoNet")
            .WithEnvironment($"{prefix}__Invariant", "Npgsql")
            .WithEnvironment($"{prefix}__ConnectionName", DispatchDatabase.ConnectionName)
            .WithReference(database, DispatchDatabase.ConnectionName);
    }
}
