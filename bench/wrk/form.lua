-- One fixed form POST per request (the body comes from BENCH_BODY), for Doorkeep and its peer alike.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
