"""`quizengine drill`: a rehearsal of a live contest with simulated phones, before the real event.

- `instance`: a throw-away local instance (demo data, synthetic staff, a rehearsal contest, `quizengine serve`).
- `hall`: the phones and the host, real Socket.IO clients speaking docs/protocol.md, and what they measure.
- `report`: the figures — percentiles, the summary table, JSON, the PNG chart.

The same hall drives the bare server of benchmarks/side_by_side.py, so the
product and the floor are measured by one client.
"""
