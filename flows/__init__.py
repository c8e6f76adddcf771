"""Prefect flows: thin orchestration over the tradenews library stages."""
