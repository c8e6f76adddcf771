"""tradenews: Chinese economic-cooperation news -> validated Frictionless data package."""

__version__ = "0.2.0"
