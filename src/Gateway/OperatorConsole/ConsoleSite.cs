using Microsoft.Extensions.FileProviders;

namespace Dispatch.Gateway.OperatorConsole;

/// <summary>
/// The operator console: plain HTML, CSS and scripts copied beside the gateway's binaries
/// (<c>console/</c>) and served at <c>/console</c> by the same process, embedded or in front of a
/// cluster. No build step and nothing fetched from elsewhere: the pages say so to the browser with
/// a Content-Security-Policy that allows only this origin.
/// </summary>
public static class ConsoleSite
{
    public const string Path = "/console";

    public static WebApplication UseOperatorConsole(this WebApplication app)
    {
        var folder = System.IO.Path.Combine(AppContext.BaseDirectory, "console");
        if (!Directory.Exists(folder))
        {
            return app;
        }

        var files = new PhysicalFileProvider(folder);
        app.Use((context, next) =>
        {
            if (context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase) && context.GetEndpoint() is null)
            {
                // Relative links of the page resolve under /console/.
                context.Response.Redirect(Path + "/");
                return Task.CompletedTask;
            }

            if (context.Request.Path.StartsWithSegments(Path))
            {
                context.Response.Headers.ContentSecurityPolicy =
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
                context.Response.Headers.CacheControl = "no-cache";
            }

            return next();
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = Path });
        return app;
    }
}
