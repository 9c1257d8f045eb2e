"""Map the source folders onto the `isac` import package.

compiler/ becomes isac.compiler and runtime/ becomes isac.runtime, each with all of its subpackages;
runtime/_package/ becomes the top-level `isac` package itself (its `__main__` runs `python -m isac`).
The default spec (spec/) and the bundled mini corpus (data/mini/) travel as package data, installed as
isac/spec/ and isac/data/mini/, where `isac.compiler.resources` finds them beside isac/compiler/ exactly
as it finds spec/ and data/mini/ beside compiler/ in a checkout.
pyproject.toml cannot express a prefix mapping with discovery, so it is computed here.
"""

from pathlib import Path

from setuptools import find_packages, setup

TOP_LEVEL = "runtime/_package"
CODE_DATA = ["*.json", "*.yaml", "*.txt", "*.sql", "*.j2", "*.css", "*.html"]

package_dir: dict[str, str] = {"isac": TOP_LEVEL}
for source in ("compiler", "runtime"):
    for sub in ["", *find_packages(source, exclude=["_package"])]:
        dotted = f"{source}.{sub}" if sub else source
        package_dir[f"isac.{dotted}"] = dotted.replace(".", "/")
package_data: dict[str, list[str]] = {name: CODE_DATA for name in package_dir}

# Data folders (no __init__.py): every file under them, as paths relative to the folder.
for name, folder in (("isac.spec", "spec"), ("isac.data.mini", "data/mini")):
    package_dir[name] = folder
    root = Path(__file__).parent / folder
    package_data[name] = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )

setup(packages=sorted(package_dir), package_dir=package_dir, package_data=package_data)
