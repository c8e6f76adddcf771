"""Stage 6: validated tables -> Frictionless data package (CSV + Parquet), published atomically."""
