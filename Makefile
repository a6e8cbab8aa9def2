# The two commands: `make run` serves the product with demo data, `make test` runs every test.
# Both set up a fresh machine first (scripts/setup) and start the servers (scripts/stack).
PORT ?= 8000
HOST ?= 127.0.0.1
# uvicorn worker processes. One process already serves requests side by side (Django gives each its own thread) but
# runs Python on one core at a time; more processes use more cores. On one hot lot a second process reorders bids and
# refuses more of them (docs/trading-engine.md, "Serving"), so the default is one. Each process opens up to
# DATABASE_POOL_MAX_SIZE connections: WEB_WORKERS x DATABASE_POOL_MAX_SIZE plus Celery's must stay under PostgreSQL's
# max_connections (100).
WEB_WORKERS ?= 1
PY := .venv/bin/python

.PHONY: run test setup stack stop status lint migrate bench bench-search bench-tiles bench-peers bench-bids bench-live

run: setup
	LAND_APP_PORT=$(PORT) scripts/stack up
	$(PY) manage.py migrate --noinput
	scripts/stack trust-ca
	$(PY) manage.py load_basemap
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_market_demo
	$(PY) manage.py seed_auctions_demo
	$(PY) manage.py search_reindex --no-progress
	@echo "serving on http://$(HOST):$(PORT)/  (health: http://$(HOST):$(PORT)/health)"
	@echo "development bank (pay a deposit): http://127.0.0.1:$${LAND_DEVBANK_PORT:-8790}/"
	@echo "development CA (demo certificates: 个人中心 › 我的证书): http://127.0.0.1:$${LAND_CA_PORT:-8791}/ca.pem"
# DEBUG off (friendly 404/500 pages, no URL list); whitenoise serves the collected static files. DJANGO_DEBUG=True overrides.
	DJANGO_DEBUG=$${DJANGO_DEBUG:-False} .venv/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --workers $(WEB_WORKERS)

test: setup
	scripts/stack up --require-all
	$(MAKE) lint
	.venv/bin/pytest

setup:
	scripts/setup

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

stack:
	scripts/stack up

stop:
	scripts/stack down

status:
	scripts/stack status

migrate:
	$(PY) manage.py migrate --noinput

# Benchmarks (not part of `make test`): parcel import vs ogr2ogr, and bbox + filter queries; JSON in bench/results/.
LISTINGS ?= 1000000
PARCELS ?= 1000000
bench: setup
	scripts/stack up
	$(PY) bench/run.py --parcels $(PARCELS)

bench-search: setup
	scripts/stack up
	$(PY) bench/search_bench.py --listings $(LISTINGS)

# Vector tiles: p50/p95 per zoom (z8–z16) uncached and cached, tiles/s with 8 clients, largest tile; JSON in
# bench/results/tiles.json. Its own database (<name>_tiles_bench), seeded once.
bench-tiles: setup
	scripts/stack up
	$(PY) bench/tiles_bench.py --parcels $(PARCELS)

# Our parcel tiles beside Martin and tipg (and pg_tileserv with PG_TILESERV=path): bench-tiles' database (made there
# first), the same 160 tiles and client, 4 alternating rounds; JSON in bench/results/peers.json. Installs the peers
# under var/peers/ first (scripts/peers; compiling Martin takes 10–30 minutes, once).
bench-peers: setup
	scripts/stack up
	scripts/peers
	$(PY) bench/peers_bench.py --parcels $(PARCELS)

# Bidding on one hot lot: accepted bids/s and p50/p99 with 50 and 200 bidders over HTTP beside pgbench's single-row
# updates (the ratio is the figure), and an audit of the evidence log; JSON in bench/results/bids.json.
bench-bids: setup
	scripts/stack up
	$(PY) bench/bids_bench.py --workers $(WEB_WORKERS)

# The live channel: 2,000 SSE watchers of one hot auction lot while 200 bidders bid; p50/p99 from a bid's answer to
# the watchers, events missing or doubled, server memory per connection, connections refused; JSON in
# bench/results/live.json. Raises LIVE_MAX_CONNECTIONS_PER_CLIENT in its server (all watchers share one address).
bench-live: setup
	scripts/stack up
	$(PY) bench/live_bench.py --workers $(WEB_WORKERS) --runs 2
