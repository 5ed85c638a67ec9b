# WonderMarket: two commands.
#   make run    serve the shop at http://127.0.0.1:3000 (embedded PostgreSQL, demo data)
#   make test   every test: fmt, clippy, unit, database, HTTP, browser
# Both install what they need first (the first run compiles for a while).

.PHONY: run test bench lighthouse setup dev clean-data sql-data

run:
	@scripts/run.sh

test:
	@scripts/test.sh

# Search latency and page throughput on a 100 000-product catalogue, then
# add-to-basket latency, checkout throughput and a 10-unit drop.
bench:
	@scripts/bench.sh

# Lighthouse scores of the home and a product page beside a bare static page.
lighthouse:
	@scripts/lighthouse.sh

# After changing an SQL statement or a migration: rewrite .sqlx/, the
# schema's answers the query macros are compiled against, and commit it.
sql-data:
	@scripts/sql-data.sh prepare

setup:
	@scripts/setup.sh test

# Debug build with live reload, for working on the shop.
dev:
	@scripts/setup.sh run
	PATH="$(CURDIR)/end2end/node_modules/.bin:$$PATH" cargo leptos watch

# Deletes the embedded database (all local data).
clean-data:
	rm -rf $${WONDERMARKET_DATA_DIR:-./data}
