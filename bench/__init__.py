"""FontNet's benchmarks: `python -m bench NAME [options]`, one module per measurement, one shared harness.

The engine's own numbers stay in `python -m fontnet bench`.
"""
