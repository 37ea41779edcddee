namespace Dispatch.Gateway;

/// <summary>
/// The gateway's own default address, http://localhost:5080, used only when nothing else says
/// where to listen. It is not in appsettings.json because <c>Urls</c> there would win over
/// <c>ASPNETCORE_URLS</c>, and an orchestrator (Aspire, a container) sets the latter.
/// </summary>
public static class DefaultUrl
{
    public const string Value = "http://localhost:5080";

    public static WebApplicationBuilder UseDefaultUrlUnlessConfigured(this WebApplicationBuilder builder)
    {
        // "urls" is --urls, Urls in any settings file and URLS / ASPNETCORE_URLS / DOTNET_URLS in the
        // environment; the ports keys are Kestrel's other shorthand; Kestrel:Endpoints its own section.
        var configuration = builder.Configuration;
        var configured = !string.IsNullOrWhiteSpace(configuration["urls"])
            || !string.IsNullOrWhiteSpace(configuration["http_ports"])
            || !string.IsNullOrWhiteSpace(configuration["https_ports"])
            || configuration.GetSection("Kestrel:Endpoints").Exists();
        if (!configured)
        {
            builder.WebHost.UseUrls(Value);
        }

        return builder;
    }
}
