"""Stage 3: mentions -> records (events, deals, trade flows, indicators)."""
