namespace Dispatch.Gateway.Apis.Open311;

/// <summary>Bound from <c>Gateway:Open311</c>: what the Open311 GeoReport v2 endpoint tells its clients.</summary>
public sealed class Open311Options
{
    public const string Section = "Gateway:Open311";

    /// <summary>
    /// The <c>jurisdiction_id</c> this endpoint serves; requests naming another are refused with 404.
    /// Default: <c>Dispatch:CityId</c>.
    /// </summary>
    public string? JurisdictionId { get; set; }

    /// <summary>Discovery's <c>contact</c>. Default: a pointer to the city's 12345 hotline office.</summary>
    public string Contact { get; set; } = "The city's 12345 hotline office runs this endpoint; ask them for help.";

    /// <summary>Discovery's <c>key_service</c>. Default: how this installation issues keys.</summary>
    public string KeyService { get; set; } = "API keys of role hotline are issued by the operators of this Dispatch installation (Gateway:ApiKeys).";

    /// <summary>
    /// Discovery's <c>changeset</c>, which tells clients to refresh the service list they cached.
    /// Default: when the gateway started, since that is when it read the catalog the services come from.
    /// </summary>
    public string? Changeset { get; set; }
}
