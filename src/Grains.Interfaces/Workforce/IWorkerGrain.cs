namespace Dispatch.Workforce;

/// <summary>One grid worker: profile, skills and duty status. Their cases are held by their grid's desk.</summary>
[Alias("Dispatch.IWorkerGrain")]
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the worker and puts them on their grid's roster.</summary>
    [Alias("Configure")] Task Configure(WorkerProfile profile);

    /// <summary>The worker, or null when no worker has this id.</summary>
    [Alias("Get")] Task<WorkerView?> Get();

    /// <summary>Duty on or off, effective at once. Going off duty hands back cases not yet accepted.</summary>
    [Alias("SetDuty")] Task<WorkerView> SetDuty(bool onDuty, string actor);
}
