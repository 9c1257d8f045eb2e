"""isac: the ISA-Bench compiler (`isac.compiler`) and runtime (`isac.runtime`).

This folder is installed as the top-level `isac` package (see setup.py); it holds only what belongs to
the package as a whole, such as `python -m isac`.
"""
