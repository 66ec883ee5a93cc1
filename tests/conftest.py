"""Hypothesis profiles: `make test` and CI run the property tests derandomized (the same examples
every run, so a red run is reproducible); HYPOTHESIS_PROFILE=explore draws new ones each run."""
import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
