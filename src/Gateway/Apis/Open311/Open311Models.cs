namespace Dispatch.Gateway.Apis.Open311;

// The resources of GeoReport v2 (http://wiki.open311.org/GeoReport_v2), field for field. Names are
// written snake_case (Open311Output.Json), so Long is "long" and MediaUrl "media_url"; the order of
// the members is the order of the specification's examples. Absent values are written as null.

/// <summary>Discovery: where the endpoints are and which formats they speak.</summary>
public sealed record Open311Discovery(string Changeset, string Contact, string KeyService, IReadOnlyList<Open311Endpoint> Endpoints);

public sealed record Open311Endpoint(string Specification, string Url, string Changeset, string Type, IReadOnlyList<string> Formats);

/// <summary>A service: one category of the catalog.</summary>
/// <param name="Metadata">Whether the service has attributes to ask for (none in this catalog).</param>
/// <param name="Type">Always <c>realtime</c>: a POST answers with the case number once the case is recorded.</param>
public sealed record Open311Service(
    string ServiceCode,
    string ServiceName,
    string? Description,
    bool Metadata,
    string Type,
    string? Keywords,
    string? Group);

/// <summary>A service definition: the attributes a report of the service asks for.</summary>
public sealed record Open311ServiceDefinition(string ServiceCode, IReadOnlyList<Open311Attribute> Attributes);

/// <summary>An attribute of a service definition. The catalog defines none yet; the shape is the specification's.</summary>
public sealed record Open311Attribute(
    bool Variable,
    string Code,
    string Datatype,
    bool Required,
    string? DatatypeDescription,
    int Order,
    string Description,
    IReadOnlyList<Open311AttributeValue> Values);

public sealed record Open311AttributeValue(string Key, string Name);

/// <summary>The answer to a POST: the case number, what will happen, and the account the client named.</summary>
public sealed record Open311Created(string ServiceRequestId, string? ServiceNotice, string? AccountId);

/// <summary>The answer to a token: the case it stands for.</summary>
public sealed record Open311Token(string ServiceRequestId, string Token);

/// <summary>A service request: one case as the public sees it (nothing about who reported it).</summary>
public sealed record Open311Request(
    string ServiceRequestId,
    string Status,
    string? StatusNotes,
    string ServiceName,
    string ServiceCode,
    string? Description,
    string? AgencyResponsible,
    string? ServiceNotice,
    string RequestedDatetime,
    string UpdatedDatetime,
    string? ExpectedDatetime,
    string? Address,
    string? AddressId,
    string? Zipcode,
    double? Lat,
    double? Long,
    string? MediaUrl);
