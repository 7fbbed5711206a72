"""Permission-matrix rows per feature: every module here has a list named ROWS."""

import importlib
import pkgutil


def collected_rows() -> list:
    rows = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        rows.extend(importlib.import_module(f"{__name__}.{info.name}").ROWS)
    return rows
