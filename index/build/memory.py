"""Handing freed memory back to the operating system before a build's big allocations."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys

log = logging.getLogger(__name__)


def release_memory() -> None:
    """Collect garbage and, on glibc, return the freed heap to the system (``malloc_trim``).

    Millions of small objects freed (parsed speeches, token strings) leave glibc's heap full of
    holes it keeps; trimming lets the final arrays use that memory instead of adding to it.
    """
    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
    log.debug("freed heap returned to the system")
