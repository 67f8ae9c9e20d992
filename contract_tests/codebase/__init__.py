"""The codebase itself: import layers, module sizes, the generated sync client, the benchmarks."""
