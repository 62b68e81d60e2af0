"""Benchmarks (not tests): scale generator and timing scripts. See bench/README.md."""
