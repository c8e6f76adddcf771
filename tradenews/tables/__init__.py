"""Stage 5: records -> typed tables with deterministic ids, validated by the pandera models."""
