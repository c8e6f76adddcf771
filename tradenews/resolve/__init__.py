"""Stage 4: names of organizations and places -> one entity each."""
