"""Install OMG-Seg as the ``seg`` package (``pip install -e . --no-deps --no-build-isolation``).

mmcv is deliberately absent from ``install_requires``: it has no wheel for current torch and
pip would try an isolated source build that cannot see torch. ``tools/setup_env.sh`` builds it;
``import seg`` checks for it with a clear message.
"""
from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).parent


def read_version() -> str:
    """Read ``__version__`` from seg/version.py without importing the package."""
    scope: dict = {}
    exec((ROOT / 'seg' / 'version.py').read_text(), scope)
    return scope['__version__']


def read_requirements(name: str) -> list[str]:
    """Requirement lines of requirements/<name>.txt, comments dropped."""
    lines = (ROOT / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith('#')]


setup(
    name='omg-seg',
    version=read_version(),
    description='OMG-Seg: one model for image, video and interactive segmentation',
    long_description=(ROOT / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    license='MIT',
    python_requires='>=3.10',
    packages=find_packages(include=['seg', 'seg.*']),
    include_package_data=True,
    package_data={'seg': ['configs/**/*.py']},
    install_requires=['torch>=2.1,<=2.14.1', 'torchvision'] + read_requirements('runtime'),
    extras_require={'tests': read_requirements('tests')},
)
