"""The requests of scripts/bench-scale: each asked `repeat` times over HTTP; median and p95 printed beside the goals.

Arguments: engine port key repeat links email. With BENCH_SMOKE set, the answers are checked against the generated
data (counts that follow from its formulas) and no goal is judged. BENCH_ONLY (a regular expression): only the
requests whose name matches, and no batch creation (for profiling one request on a kept data set).
"""

import http.cookiejar
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

engine, port, key, repeat, links, email = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
smoke = bool(os.environ.get("BENCH_SMOKE"))
only = os.environ.get("BENCH_ONLY")
base = f"http://127.0.0.1:{port}"
failures = []

# What the generated data holds (scripts/bench-scale's SQL): b1..bN plus the first link b0.
numbers = range(1, links + 1)
expected = {
    "all": links + 1,
    "active tl": sum(1 for i in numbers if i % 20 not in (0, 1) and i % 10 != 0) + 1,
    "paused tp": sum(1 for i in numbers if i % 20 == 0 and i % 10 == 0),
    "favourites": sum(1 for i in numbers if i % 100 == 0),
}
rare = f"b{links * 7 // 9}"
deep = max(0, links - links // 10)
group_members = sum(1 for i in numbers if i % 2 == 0 and i % 1000 == 0)


def fetch(path, headers=None, opener=None):
    request = urllib.request.Request(base + path, headers=headers or {"X-Clickmeter-Authkey": key})
    start = time.perf_counter()
    with (opener.open(request) if opener else urllib.request.urlopen(request)) as response:
        body = response.read()
        status = response.status
    return (time.perf_counter() - start) * 1000, status, body


def first_group():
    _, _, body = fetch("/v2/groups?limit=1")
    return json.loads(body)["entities"][0]["id"]


def check(name, body, test):
    if not smoke or test is None:
        return
    try:
        ok = test(json.loads(body))
    except Exception as error:  # a wrong shape is a failure, reported with the case
        ok = False
        print(f"  {name}: {error!r}", file=sys.stderr)
    if not ok:
        failures.append(name)


group = first_group()
count = lambda n: (lambda answer: answer["count"] == n)
page_of = lambda n: (lambda answer: len(answer["entities"]) == n)
cases = [
    ("list limit=20", "/v2/datapoints?limit=20", page_of(20)),
    ("list limit=20 expanded", "/v2/datapoints?limit=20&_expand=true", lambda a: len(a["entities"]) == 20 and "name" in a["entities"][0]),
    ("count", "/v2/datapoints/count", count(expected["all"])),
    ("count status=active type=tl", "/v2/datapoints/count?status=active&type=tl", count(expected["active tl"])),
    ("count onlyFavorites", "/v2/datapoints/count?onlyFavorites=true", count(expected["favourites"])),
    (f"textSearch={rare} (one match)", f"/v2/datapoints?limit=20&textSearch={rare}", page_of(1)),
    (f"count textSearch={rare}", f"/v2/datapoints/count?textSearch={rare}", count(1)),
    ("textSearch=spring (a third match)", "/v2/datapoints?limit=20&textSearch=spring", page_of(20)),
    ("textSearch=zq (two letters, no match)", "/v2/datapoints?limit=20&textSearch=zq", page_of(0)),
    ("textSearch=sp (two letters, a third match)", "/v2/datapoints?limit=20&textSearch=sp", page_of(20)),
    (f"list offset={deep}", f"/v2/datapoints?limit=20&offset={deep}", page_of(20)),
    (f"sortBy=name offset={links // 2}", f"/v2/datapoints?limit=20&offset={links // 2}&sortBy=name", page_of(20)),
    ("sortBy=title desc", "/v2/datapoints?limit=20&sortBy=title&sortDirection=desc", page_of(20)),
    ("sortBy=creationDate desc", "/v2/datapoints?limit=20&sortBy=creationDate&sortDirection=desc", page_of(20)),
    ("status=paused type=tp", "/v2/datapoints?limit=20&status=paused&type=tp", page_of(min(20, expected["paused tp"]))),
    ("onlyFavorites", "/v2/datapoints?limit=20&onlyFavorites=true", page_of(min(20, expected["favourites"]))),
    ("tags=tag7", "/v2/datapoints?limit=20&tags=tag7", None),
    ("createdAfter (last day)", "/v2/datapoints?limit=20&createdAfter=" + time.strftime("%Y%m%d", time.gmtime(time.time() - 86400)), None),
    ("a group's datapoints", f"/v2/groups/{group}/datapoints?limit=20", None),
    ("a group's datapoints count", f"/v2/groups/{group}/datapoints/count", None),
    ("summary datapoints last7 by clicks", "/v2/aggregated/summary/datapoints?timeframe=last7&type=tl&limit=20", lambda a: a["count"] > 0),
    (f"summary datapoints offset={links // 2}", f"/v2/aggregated/summary/datapoints?timeframe=last7&type=tl&limit=20&offset={links // 2}", None),
    # A client paging on from there: each request the next page (the scored datapoints remembered from the first).
    (
        f"summary datapoints paging on from {links // 2}",
        lambda i: f"/v2/aggregated/summary/datapoints?timeframe=last7&type=tl&limit=20&offset={links // 2 + 20 * (i + 1)}",
        lambda answer: len(answer["result"]) == 20 and answer["offset"] == links // 2 + 20 * repeat,
    ),
    ("summary datapoints sortBy=name", "/v2/aggregated/summary/datapoints?timeframe=last7&type=tl&limit=20&sortBy=name", None),
    ("summary groups last7", "/v2/aggregated/summary/groups?timeframe=last7&limit=20", None),
    ("datapoints aggregated last7", "/v2/datapoints/aggregated?timeframe=last7", None),
    ("datapoints aggregated last7 type=tl", "/v2/datapoints/aggregated?timeframe=last7&type=tl", None),
    ("groups aggregated last7", "/v2/groups/aggregated?timeframe=last7", None),
]


def dashboard_opener():
    """Signs in through the dashboard's form (CSRF token from its pre-session cookie)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/dashboard/login") as response:
        token = re.search(r'name="_csrf" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"_csrf": token, "email": email, "password": "bench password 1", "next": ""}).encode()
    request = urllib.request.Request(base + "/dashboard/login", data=form, headers={"Origin": base})
    with opener.open(request) as response:
        response.read()
    return opener


opener = dashboard_opener()
dashboard = [
    ("dashboard links page", "/dashboard/links"),
    ("dashboard groups page", "/dashboard/groups"),
    ("dashboard links q=spring", "/dashboard/links?q=spring"),
    # 50 a page: page 18,000 starts at row 899,950 of the 950,000 links that are not deleted.
    ("dashboard links page 18000", f"/dashboard/links?page={max(1, deep // 50)}"),
]

for name, path, test in cases + [(n, p, None) for n, p in dashboard]:
    if only and not re.search(only, name):
        continue
    times = []
    is_dashboard = not callable(path) and path.startswith("/dashboard")
    for index in range(repeat):
        asked = path(index) if callable(path) else path
        elapsed, status, body = fetch(asked, headers={} if is_dashboard else None, opener=opener if is_dashboard else None)
        if status != 200:
            failures.append(f"{name}: {status}")
        times.append(elapsed)
    if is_dashboard and smoke and b"Sign in" in body and b"Links" not in body:
        failures.append(f"{name}: not signed in")
    check(name, body, test)
    # The first answer is printed too: where a request's work is remembered for the next ones (anchors, the scored
    # datapoints of a summary), it is the one that did that work.
    first = times[0]
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    median = statistics.median(times)
    verdict = "" if smoke else ("ok" if median <= 20 and p95 <= 50 else "OVER the goal")
    print(f"{engine:9} {name:44} median {median:7.1f} ms  p95 {p95:7.1f} ms  first {first:7.1f} ms  {verdict}")

if only:
    sys.exit(1 if failures else 0)

# Batch creation: PUT /v2/datapoints/batch, 100 links a call, named and unnamed alike; one client calling in turn, then
# two at once (an importer's usual shape: the server's two halves, JSON on the event loops and SQL on the database's
# thread, then overlap).
def batches(label, calls, created):
    for call in range(calls):
        items = [
            {"type": 0, "name": f"batch{label}c{call}x{index}" if index % 2 else None, "title": f"Batch {call}", "typeTL": {"url": f"https://batch.example.com/{call}/{index}"}}
            for index in range(100)
        ]
        body = json.dumps({"list": [{k: v for k, v in item.items() if v is not None} for item in items]}).encode()
        request = urllib.request.Request(
            base + "/v2/datapoints/batch", data=body, method="PUT", headers={"X-Clickmeter-Authkey": key, "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            results = json.loads(response.read())["results"]
        created.append(sum(1 for result in results if result["status"].lower() in ("ok", "success")))
        if len(results) != 100:
            failures.append(f"batch {label} {call}: {len(results)} results")


calls = 5 if smoke else 100
best = 0
for clients in (1, 2):
    created = []
    threads = [threading.Thread(target=batches, args=(f"{clients}t{thread}", calls, created)) for thread in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if sum(created) != clients * calls * 100:
        failures.append(f"batch creation, {clients} clients: {sum(created)} of {clients * calls * 100} created")
    best = max(best, sum(created) / elapsed)
    label = f"batch creation (PUT /v2/datapoints/batch, 100 a call, {clients} client{'s' if clients > 1 else ''})"
    verdict = "" if smoke or clients == 1 else ("ok" if best >= 10000 else "UNDER the 10,000 links/s goal")
    print(f"{engine:9} {label:60} {sum(created) / elapsed:9.0f} links/s  {verdict}")

if failures:
    print(f"{engine}: wrong answers: {failures}", file=sys.stderr)
    sys.exit(1)
