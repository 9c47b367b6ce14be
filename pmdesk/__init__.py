"""pmdesk: a desktop app for blameless postmortems."""

__version__ = "0.1.0"
