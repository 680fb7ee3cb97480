"""Check script for cs-dev-0101: recomputes every number of the reference and rubric.

Parses the Tillcraft buckets, Marek's query output, the Grafana export and the channel
timestamps from the task's own attachments, recomputes the counts, sums, windows and
deadlines, and asserts that each figure appears in the reference answer as stated.
"""
import datetime as dt
import json
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rubric = " ".join(c["text"] + " " + c.get("tolerance", "") for c in task["rubric"])


def get(prefix):
    hits = [v for k, v in att.items() if k.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


def has(text, s):
    assert s in text, f"not found: {s!r}"


chan = get("#inc-7781")
logs = get("Log bundle")
graf = get("Grafana export")
till = get("Tillcraft support email")
marek = get("Marek's query session")
conf = get("Config and runbook")
diff = get("PR #1187 diff")
draft = get("INC-7781 postmortem")
tickets = get("Support tickets")

day = dt.date(2026, 11, 24)
assert day.strftime("%a") == "Tue"
T = lambda s: dt.datetime.combine(day, dt.time.fromisoformat(s))

# --- Tillcraft: CET console -> UTC ---------------------------------------------------------
has(till, "CET, Amsterdam")
buckets = [int(n) for n in re.findall(r"^\s+\d\d:\d\d-\d\d:\d\d\s+(\d+)", till, re.M)]
assert buckets == [23, 240, 239, 241, 237, 236, 51], buckets
assert sum(buckets) == 1267
has(ref, "**1,267**")
first_cet, last_cet = T("14:39:02"), T("15:31:41")
has(till, "first at 14:39:02, key hh-ord-8804518"); has(till, "last at 15:31:41")
first_utc, last_utc = first_cet - dt.timedelta(hours=1), last_cet - dt.timedelta(hours=1)
flag_on, flag_off = T("13:52:04"), T("14:24:40")
has(chan, "13:52:04 flagbot: payments.retry_v2 -> 100%"); has(chan, "14:24:40 flagbot: payments.retry_v2 -> 0%")
assert first_utc.strftime("%H:%M:%S") == "13:39:02" and last_utc.strftime("%H:%M:%S") == "14:31:41"
gap = flag_on - first_utc
assert gap == dt.timedelta(minutes=13, seconds=2)
has(ref, "13:39:02"); has(ref, "13 min 02 s before the flag"); has(ref, "14:31:41")
# the "15:12" Tillcraft call is the channel's 14:12 call: the +1 h offset is confirmed
has(till, "calls at 15:12 and 16:12"); has(chan, "14:12:20 @jonas.kraft: Tillcraft")
# 1,267 409s = every colliding pg-orders-1 order that reached a capture (1,271 less 4 pending)

# --- Marek's query session ----------------------------------------------------------------
rows = re.findall(r"^\s*([abc]_\w+)\s*\|\s*(\w+)\s*\|\s*(\d+)\s*\|\s*([\d.]+)", marek, re.M)
assert len(rows) == 7
cnt, gbp = {}, {}
for w, st, n, g in rows:
    cnt[st] = cnt.get(st, 0) + int(n)
    gbp.setdefault(st, []).append(float(g))
paid_by_window = [int(n) for w, st, n, g in rows if st == "PAID"]
assert paid_by_window == [14, 752, 6]
assert cnt == {"PAID": 772, "PAYMENT_FAILED": 495, "PENDING_PAYMENT": 4}
assert sum(cnt.values()) == 1271 == cnt["PAID"] + cnt["PAYMENT_FAILED"] + cnt["PENDING_PAYMENT"]
assert sum(buckets) == 1271 - cnt["PENDING_PAYMENT"]
paid_gbp = round(sum(gbp["PAID"]), 2)
assert paid_gbp == 71961.22
has(ref, "**GBP 71,961.22**"); has(ref, "14 + 752 + 6"); has(ref, "GBP 1,302.90 + 70,118.27 + 540.05")
has(ref, "(316 + 19 + 160)"); has(ref, "GBP 388.16")
assert [int(n) for w, st, n, g in rows if st == "PAYMENT_FAILED"] == [316, 19, 160]
has(marek, "8804518 | 8805788 |  1271")
assert 8805788 - 8804518 + 1 == 1271
# pg-orders-2 side
has(marek, " 8804491")
has(marek, "8804518 | 8808544 |  4027")
assert 8808544 - 8804518 + 1 == 4027 and 8805788 <= 8808544  # every pg-orders-1 id has a twin
has(ref, "8,804,518-8,808,544 (4,027 orders)")
# ids only on pg-orders-1 but outside Marek's range
extra = 8804517 - 8804492 + 1
assert extra == 26 and 8804491 + 1 == 8804492
stranded = 8805788 - 8804492 + 1
assert stranded == 1297
has(ref, "8,804,492-8,805,788, which is 1,297 orders"); has(ref, "the 26 ids 8,804,492-8,804,517")
has(chan, "24 render_failed reason=order_not_found")
paid_total = cnt["PAID"] + 24
assert paid_total == 796
has(ref, "772 + 24 = 796"); has(ref, "**24 of the 26 were paid**")
failed_total = cnt["PAYMENT_FAILED"] + (extra - 24)
assert failed_total == 497
has(ref, "497 failed orders")
# render-log sample ids sit where the reasoning puts them
assert 8804492 <= 8804501 <= 8804517 and "order_id=8804501 reason=order_not_found" in logs
assert 8804518 <= 8804577 <= 8805788 and "HH-8804577" in tickets
has(ref, "**772 emails disclosing another customer's personal data**")

# --- split-brain window -------------------------------------------------------------------
has(logs, "[Tue Nov 24 13:38:10 2026] nvme nvme1: 8/0/0"); has(marek, "2026-11-24 14:31:44.208+00")
start, end = T("13:38:10"), T("14:31:44")
assert end - start == dt.timedelta(minutes=53, seconds=34)
has(ref, "**53 min 34 s (13:38:10 to 14:31:44)**")
assert T("14:31:41") < end  # last 409 precedes the last write on pg-orders-1
has(logs, "archived write-ahead log file \"0000000600000A1F000000C3\"")
has(marek, " f                 |           6")
has(logs, "selected new timeline ID: 7"); has(logs, "13:35:49.521 UTC [861] LOG:  database system is ready")
# stall duration matches the 388 s statement
assert abs((T("13:38:10") - T("13:31:40")).total_seconds() - 388.4) < 3
# SHOW SERVERS: connections to the old primary opened before the 13:36:02 DNS change
opened_old = re.findall(r"10\.40\.2\.11 \| 5432 \| 2026-11-24 (\d\d:\d\d:\d\d)", logs)
assert opened_old == ["11:02:13", "11:02:13", "12:47:40"] and all(T(t) < T("13:36:02") for t in opened_old)
has(ref, "11:02:13"); has(ref, "12:47:40")
has(conf, "server_lifetime = 86400"); has(conf, "server_idle_timeout = 0")

# --- Grafana ------------------------------------------------------------------------------
g = {}
for line in graf.splitlines():
    m = re.match(r"(\d\d:\d\d)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)", line)
    if m:
        g[m.group(1)] = tuple(int(x) for x in m.groups()[1:])
assert len(g) == 16
other = {k: v[1] for k, v in g.items()}
assert [other[k] for k in ("13:35", "13:40", "13:45", "13:50")] == [25, 120, 119, 51]
assert [other[k] for k in ("14:20", "14:25", "14:30", "14:35")] == [10, 119, 43, 2]
has(ref, "25/120/119/51"); has(ref, "10/119/43"); has(ref, "(120 and 119 per 5 min")
conflict = sum(v[0] for v in g.values())
assert conflict == 771 == 752 + 19  # every flag-window collision was first labelled payment_conflict
timeouts = sum(v[4] for v in g.values())
assert timeouts == 91
has(ref, "91 \"timeout\" errors")

# --- double charges -----------------------------------------------------------------------
has(till, "41 cases"); has(till, "GBP 3,702.15"); has(till, "p99 2.93 s")
has(diff, "Duration.ofSeconds(2)")
assert 2.0 < 2.93
assert 41 <= timeouts
has(ref, "41 double charges, GBP 3,702.15"); has(ref, "p99 of 2.93 s")
has(ref, "**752**")

# --- deadlines ----------------------------------------------------------------------------
has(tickets, "HH-SUP-88213  14:19"); has(chan, "16:02:15 @lena.haas")
ico = T("14:19") + dt.timedelta(hours=72)
assert ico.strftime("%a %d %b %H:%M") == "Fri 27 Nov 14:19"
has(ref, "by 14:19 UTC Fri 27 Nov"); has(ref, "16:02 Fri")
has(conf, "Scheduled: Tue 24 Nov 22:00 UTC"); has(ref, "before 22:00 UTC tonight")
has(chan, "wave 3 pick lists lock at 20:00 UTC"); has(ref, "20:00 UTC wave 3")
# the draft's misreading that this task hinges on is present in the material
has(draft, "their first one was at 14:39, i.e. after our flag change")

# --- rubric numbers agree with the recomputation -----------------------------------------
for s in ["13:39:02", "13:52:04", "8,804,492-8,804,517", "1,297", "8,804,491", "GBP 71,961.22", "796",
          "41 cases, GBP 3,702.15", "2.93 s", "752 of the 772", "14:19 UTC Fri 27 Nov", "13:38:10", "14:31:44"]:
    has(rubric, s)
print("cs-dev-0101 check: all assertions passed")
