"""Engines: where the pipeline runs (local processes, or Ray for scale-out)."""
