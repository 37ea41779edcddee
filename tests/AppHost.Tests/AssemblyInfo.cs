// Each test starts the whole AppHost (PostgreSQL, three silos, the gateway): one at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
