"""Commands: placeholder module, filled by its issue."""
