"""infopricing: computational economics of price discrimination and information.

Implements, in general form and with certificates, Haghpanah & Siegel (HS),
Bergemann, Brooks & Morris (BBM25) and Cai, Li & Wu (CLW); see the README.
"""

__version__ = "0.1.0"

from .lp import Status
from .model import *  # noqa: F401,F403
from .verify import *  # noqa: F401,F403
from .screening import *  # noqa: F401,F403
from .segmentation import *  # noqa: F401,F403
from .information import *  # noqa: F401,F403
from .competition import *  # noqa: F401,F403
from .disclosure import *  # noqa: F401,F403
from .scale import *  # noqa: F401,F403
