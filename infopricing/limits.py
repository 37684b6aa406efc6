"""Default solver limits, in one light module (no numpy) so the command line can show them
in ``--help`` without importing the solvers.

Every limit here is deterministic or about the network, never a wall-clock limit on a
computation: an answer and its ``proven_optimal`` flag must not depend on the machine's
speed. Each is recorded in the ``params`` of the results that use it.
"""

#: Branch-and-bound node limit of CLW's global solves (OPT-Rev with lotteries in
#: ``disclosure.lottery`` and the pricing search in ``disclosure.pricing``). A wall-clock
#: limit made the bound of CLW Example 1 differ between runs (5.030, 5.082, 5.017).
NODE_LIMIT = 20_000

#: Seconds to wait for an existing Dask scheduler to answer before giving up (Dask's own
#: default is 30 s); an address that does not answer within this is reported.
CONNECT_TIMEOUT = 10.0
