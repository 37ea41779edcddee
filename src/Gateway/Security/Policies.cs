namespace Dispatch.Gateway.Security;

/// <summary>The authorization policies of the API, each granted to a set of <see cref="Roles"/>.</summary>
public static class Policies
{
    /// <summary>Any valid key.</summary>
    public const string Read = "read";
    public const string Report = "report";
    public const string Work = "work";
    public const string Supervise = "supervise";
    public const string Rate = "rate";
    /// <summary>Operators, admins and the hotline: desks and statistics.</summary>
    public const string Desk = "desk";
    /// <summary>Admins only.</summary>
    public const string Admin = "admin";
    /// <summary>Admins, by key or signed in with a browser (<see cref="BrowserSignIn"/>): the Orleans dashboard.</summary>
    public const string AdminPages = "admin-pages";

    public static void Register(IServiceCollection services) => services.AddAuthorizationBuilder()
        .AddPolicy(Read, p => p.RequireRole(Roles.All))
        .AddPolicy(Report, p => p.RequireRole(Roles.Hotline, Roles.Worker, Roles.Operator, Roles.Admin))
        .AddPolicy(Work, p => p.RequireRole(Roles.Worker, Roles.Operator, Roles.Admin))
        .AddPolicy(Desk, p => p.RequireRole(Roles.Hotline, Roles.Operator, Roles.Admin))
        .AddPolicy(Supervise, p => p.RequireRole(Roles.Operator, Roles.Admin))
        .AddPolicy(Admin, p => p.RequireRole(Roles.Admin))
        .AddPolicy(AdminPages, p => p.AddAuthenticationSchemes(BrowserSignIn.KeyOrCookieScheme).RequireRole(Roles.Admin))
        // The hotline makes the follow-up call (回访) and records the resident's rating.
        .AddPolicy(Rate, p => p.RequireRole(Roles.Hotline, Roles.Operator, Roles.Admin));
}
