"""isac.compiler: load and validate the spec, index datasets, render and freeze manifests."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("isac")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
