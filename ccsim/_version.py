"""The version of ccsim: a leaf module, so any layer can stamp its outputs with it."""

__version__ = "0.1.0"
