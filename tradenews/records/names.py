"""Comparing names as the genre writes them (a short form keeps the long name's characters in order)."""
from __future__ import annotations


def is_subsequence(short: str, long: str) -> bool:
    """'江苏代表团' in '江苏省代表团', '新辽经贸理事会会议' in '新加坡—辽宁经济贸易理事会第九次会议'."""
    it = iter(long)
    return all(ch in it for ch in short)
