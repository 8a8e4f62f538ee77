"""The city-scale benchmark behind `make bench` (issue #8).

    dataset   builds or reuses the city dataset and picks what each page is asked for
    pages     the key pages and API calls, timed over HTTP against gunicorn on loopback, with the SQL each one
              ran captured and re-run raw through the driver (the floor)
    ledger    a generated 50,000-row screening ledger: import rate against python-calamine's bare read
    load      N parallel clients for a bounded time, mixed reads and writes
    report    bench/results.json and bench/results.md

Nothing here runs in `make test`: it needs a city of data and minutes of machine time.
"""
