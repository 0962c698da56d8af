// libtorch's default random generator is process-wide: tests that seed it (exact-resume, initialisation)
// would see each other's draws if run in parallel, so this assembly runs its tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
