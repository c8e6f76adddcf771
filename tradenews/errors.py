"""Failures the user can act on. str() of each is one line naming the file or folder and the reason;
the command line prints it as it is, without a traceback."""
from __future__ import annotations


class TradenewsError(Exception):
    """A run that failed for a reason the message names."""


class Refused(TradenewsError):
    """A run stopped before it wrote anything: a folder it must not touch, or input it must not publish."""
