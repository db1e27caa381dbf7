from .analysis import *  # noqa: F401,F403 - temporary while the module is split
