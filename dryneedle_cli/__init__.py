"""dryneedle: a command-line patient guide for trigger-point dry needling."""

__version__ = "0.1.0"
