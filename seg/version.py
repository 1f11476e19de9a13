"""Version of the OMG-Seg package."""
__version__ = '0.1.0'
