"""Map the source folders onto the `isac` import package.

compiler/ becomes isac.compiler and runtime/ becomes isac.runtime, each with all of its subpackages;
pyproject.toml cannot express a prefix mapping with discovery, so it is computed here.
"""

from setuptools import find_packages, setup

package_dir: dict[str, str] = {}
for source in ("compiler", "runtime"):
    for sub in ["", *find_packages(source)]:
        dotted = f"{source}.{sub}" if sub else source
        package_dir[f"isac.{dotted}"] = dotted.replace(".", "/")

setup(
    packages=sorted(package_dir),
    package_dir=package_dir,
    package_data={
        name: ["*.json", "*.yaml", "*.txt", "*.sql", "*.j2", "*.css", "*.html"] for name in package_dir
    },
)
