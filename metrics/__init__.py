"""Vielfaltsmonitor: diversity and workforce metrics for German public employers."""

__version__ = "0.1.0"
