"""tradenews: Chinese economic-cooperation news -> validated Frictionless data package."""

__version__ = "0.1.0"
