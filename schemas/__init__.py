"""Field definitions (once) -> pandera models and Frictionless Table Schemas."""
