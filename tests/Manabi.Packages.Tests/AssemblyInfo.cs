// Every test shares one packed feed and the machine's two cores: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
