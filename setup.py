"""Build step that pyproject.toml cannot say: the vocabulary files at the top of the checkout (their one
source) are copied into the package, where cancu.vocabulary_files finds them with importlib.resources."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

VOCABULARY = ("ontology.ttl", "shapes.ttl", "context.jsonld")


class BuildWithVocabulary(build_py):
    def run(self) -> None:
        super().run()
        out = Path(self.build_lib) / "cancu" / "vocabulary"
        out.mkdir(parents=True, exist_ok=True)
        for name in VOCABULARY:
            shutil.copyfile(Path(__file__).parent / name, out / name)


setup(cmdclass={"build_py": BuildWithVocabulary})
