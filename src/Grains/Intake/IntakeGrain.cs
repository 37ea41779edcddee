using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Dispatch.Intake;

/// <summary>
/// Validates and locates a report, then registers it. Stateless, so every silo runs as many as
/// the load needs; all it changes happens in the incident grain. Reentrant, because it holds
/// nothing: otherwise each activation would take one report at a time while awaiting the write.
/// </summary>
[StatelessWorker, Reentrant, GrainType("intake")]
public sealed class IntakeGrain(CategoryCatalog catalog, DispatchTime time, IOptions<DispatchOptions> options, BuildingCache buildings) : Grain, IIntakeGrain
{
    private const int MaxEmail = 254;
    private const int MaxMediaUrl = 2000;

    public async Task<IncidentView> Report(NewReport report, ActorRef actor)
    {
        var registration = await Prepare(report, actor);
        var id = report.IncidentId ?? IncidentIds.New(time.Now);
        return await GrainFactory.GetGrain<IIncidentGrain>(id).Register(registration);
    }

    public async Task<RegisterIncident> Prepare(NewReport report, ActorRef actor)
    {
        var (description, name, phone, email, mediaUrl) = Validate(report);
        var placement = await Locate(report.Location);
        return new RegisterIncident(report.Category, description, new Reporter(name, phone, email), report.Channel, placement, actor.ToString(), mediaUrl);
    }

    public async Task<Placement> Locate(ReportedLocation location)
    {
        ValidateLocation(location);
        if (!string.IsNullOrWhiteSpace(location.BuildingId))
        {
            var building = await buildings.Find(location.BuildingId.Trim())
                ?? throw new ValidationFailedException("location.buildingId", $"There is no building '{location.BuildingId}'.");
            return new Placement(building.Path, building.Building.Id, PlacementMethod.Building,
                building.Building.Longitude, building.Building.Latitude);
        }

        if (location is { Longitude: { } longitude, Latitude: { } latitude })
        {
            var path = await GrainFactory.GetGrain<ITerritoryGrain>(options.Value.CityId).Locate(longitude, latitude);
            return new Placement(path, null, PlacementMethod.Coordinates, longitude, latitude);
        }

        var normalized = AddressBook.Normalize(location.Address!);
        var buildingId = await GrainFactory.GetGrain<IAddressBookGrain>(AddressBook.PartitionOf(normalized)).Find(normalized)
            ?? throw new ValidationFailedException("location.address", $"No building is known at '{location.Address}'. Give a building id or coordinates.");
        var found = await buildings.Find(buildingId)
            ?? throw new ValidationFailedException("location.address", $"The building at '{location.Address}' is no longer on the map.");
        return new Placement(found.Path, found.Building.Id, PlacementMethod.Address, found.Building.Longitude, found.Building.Latitude);
    }

    /// <summary>Checks the report's fields; answers its texts trimmed.</summary>
    private (string Description, string Name, string? Phone, string? Email, string? MediaUrl) Validate(NewReport report)
    {
        if (!catalog.TryGet(report.Category, out _))
        {
            throw new ValidationFailedException("category", $"'{report.Category}' is not a category of the catalog.");
        }

        var description = CaseText.Require("description", report.Description);
        if (report.Reporter is null || CaseText.Optional("reporter.name", report.Reporter.Name, CaseText.MaxNameLength) is not { } name)
        {
            throw new ValidationFailedException("reporter.name", "Name the reporter (\"anonymous\" is a name).");
        }

        var phone = CaseText.Optional("reporter.phone", report.Reporter.Phone, CaseText.MaxPhoneLength);
        var email = CaseText.Optional("reporter.email", report.Reporter.Email, MaxEmail);
        if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsWhiteSpace)))
        {
            throw new ValidationFailedException("reporter.email", $"'{email}' is not an email address.");
        }

        var mediaUrl = CaseText.Optional("mediaUrl", report.MediaUrl, MaxMediaUrl);
        if (mediaUrl is not null && (!Uri.TryCreate(mediaUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new ValidationFailedException("mediaUrl", $"The media URL is an absolute http or https URL of at most {MaxMediaUrl} characters.");
        }

        if (!Enum.IsDefined(report.Channel))
        {
            throw new ValidationFailedException("channel", $"'{report.Channel}' is not a channel.");
        }

        if (report.IncidentId is not null && !IncidentIds.IsWellFormed(report.IncidentId))
        {
            throw new ValidationFailedException("incidentId", $"'{report.IncidentId}' is not a case number such as 20261123-7F3K9QXA2B4C.");
        }

        return (description, name, phone, email, mediaUrl);
    }

    private static void ValidateLocation(ReportedLocation? location)
    {
        if (location is null
            || (string.IsNullOrWhiteSpace(location.BuildingId) && location.Longitude is null && location.Latitude is null
                && string.IsNullOrWhiteSpace(location.Address)))
        {
            throw new ValidationFailedException("location", "Give a building id, coordinates (longitude and latitude), or an address.");
        }

        CaseText.Optional("location.buildingId", location.BuildingId, CaseText.MaxIdLength);
        CaseText.Optional("location.address", location.Address, CaseText.MaxAddressLength);
        if ((location.Longitude is null) != (location.Latitude is null))
        {
            throw new ValidationFailedException("location", "Coordinates need both longitude and latitude.");
        }

        if (location.Longitude is { } lon && (double.IsNaN(lon) || lon is < -180 or > 180))
        {
            throw new ValidationFailedException("location.longitude", "Longitude is between -180 and 180.");
        }

        if (location.Latitude is { } lat && (double.IsNaN(lat) || lat is < -90 or > 90))
        {
            throw new ValidationFailedException("location.latitude", "Latitude is between -90 and 90.");
        }
    }
}
