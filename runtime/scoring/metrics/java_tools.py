"""Where the Java runtime and the METEOR 1.5 / Stanford CoreNLP jars are.

The jars ship in the PyPI wheel `pycocoevalcap` (a namespace package: no `__init__.py`), in its `meteor/`
folder (`meteor-1.5.jar`, `data/paraphrase-en.gz`) and its `tokenizer/` folder
(`stanford-corenlp-3.4.1.jar`). `ISAC_METEOR_HOME` may point at another folder with the same layout.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from isac.compiler.errors import ScoringError

METEOR_JAR = Path("meteor") / "meteor-1.5.jar"
PARAPHRASE_TABLE = Path("meteor") / "data" / "paraphrase-en.gz"
CORENLP_JAR = Path("tokenizer") / "stanford-corenlp-3.4.1.jar"
HOME_ENV = "ISAC_METEOR_HOME"


@dataclass(frozen=True)
class JavaTools:
    """A Java executable and the three files exact METEOR needs."""

    java: Path
    meteor_jar: Path
    paraphrase_table: Path
    corenlp_jar: Path


def find_java() -> Path:
    """The `java` executable on PATH, or a ScoringError saying how to get one."""
    found = shutil.which("java")
    if found is None:
        raise ScoringError(
            "METEOR 1.5 needs a Java runtime, but `java` is not on PATH; install one (Debian: "
            "apt-get install openjdk-17-jre-headless) or choose meteor_backend='nltk-approx' (approximate)"
        )
    return Path(found)


def _jar_home() -> Path:
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured)
    spec = importlib.util.find_spec("pycocoevalcap")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ScoringError(
            "METEOR 1.5 jars not found: the Python package pycocoevalcap is not installed "
            "(pip install --no-deps 'pycocoevalcap>=1.2'), and ISAC_METEOR_HOME is not set"
        )
    return Path(locations[0])


def find_java_tools() -> JavaTools:
    """Locate Java and the METEOR/CoreNLP files, failing with a ScoringError that names what is missing."""
    java = find_java()
    home = _jar_home()
    tools = JavaTools(java, home / METEOR_JAR, home / PARAPHRASE_TABLE, home / CORENLP_JAR)
    for path in (tools.meteor_jar, tools.paraphrase_table, tools.corenlp_jar):
        if not path.is_file():
            raise ScoringError(f"METEOR 1.5 file missing: {path} (expected under {home})")
    return tools


def java_available() -> bool:
    """Whether exact METEOR can run here (Java and the jars present)."""
    try:
        find_java_tools()
    except ScoringError:
        return False
    return True
