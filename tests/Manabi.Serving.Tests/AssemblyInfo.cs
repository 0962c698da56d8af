// The load, memory and shutdown tests measure the server under load on a small machine; other tests running at the
// same time would only make them slower and noisier.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
