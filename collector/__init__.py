"""The on-site collector agent: reports which recorder records which stream.

It runs on a site's own machine, next to the recorders, and posts what it sees to the
server's ``POST /api/v1/observations/``. Standard library only, and no Django: it is
installed as the ``viakoo-ha-collector`` console script.
"""

__version__ = "0.1.0"
