"""Check script for cs-dev-0101: recomputes every number of the reference and rubric.

Parses the Tillcraft buckets, Marek's query output, the Grafana export, the pg-orders-1 log and
the channel timestamps from the task's own attachments, recomputes the counts, sums, windows,
offsets and deadlines, and asserts that each figure appears in the reference answer as stated.
"""
import datetime as dt
import json
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rubric = " ".join(c["text"] + " " + c.get("tolerance", "") + " " + " ".join(c.get("alternatives", []))
                  for c in task["rubric"])


def get(prefix):
    hits = [v for k, v in att.items() if k.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


def has(text, s):
    assert s in text, f"not found: {s!r}"


def lacks(text, s):
    assert s not in text, f"signpost still present: {s!r}"


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
hm = lambda d: d.strftime("%H:%M")

# --- the material no longer hands over the decisive facts ----------------------------------
lacks(till, "CET")                       # the offset must be inferred
lacks(till, "closed the connection")     # the timeout mechanism must be read from the diff
lacks(graf, "PaymentConflictRate")       # panel/alert selection sits in the config excerpt only
lacks(marek, "overlap")                  # Marek no longer names the id overlap
lacks(chan, "wave 3")                    # the wave deadline sits in the README only
lacks(logs, "key=hh-ord-8804518")        # no own-log line pins Tillcraft's first key
has(draft, "their first one was at 14:39, i.e. after our flag change")

# --- Tillcraft: console time is UTC+1 --------------------------------------------------------
has(till, "Date: Tue, 24 Nov 2026 18:02 +0100")
offset = dt.timedelta(hours=1)
# the two calls Tillcraft names are the channel's two calls, shifted by the offset
has(till, "calls at 15:12 and 16:12")
has(chan, "14:12:20 @jonas.kraft: Tillcraft (case TC-55190) on the phone"); has(chan, "15:12:00 @jonas.kraft: second call")
assert [hm(T(t) - offset) for t in ("15:12", "16:12")] == ["14:12", "15:12"]
# -r1 keys exist only while the flag is on: Tillcraft's double-charge window maps inside it
flag_on, flag_off = T("13:52:04"), T("14:24:40")
has(chan, "13:52:04 flagbot: payments.retry_v2 -> 100%"); has(chan, "14:24:40 flagbot: payments.retry_v2 -> 0%")
has(till, "between 14:52 and 15:24 we see 41 cases")
dc_start, dc_end = T("14:52") - offset, T("15:24") - offset
assert flag_on - dt.timedelta(minutes=1) <= dc_start and dc_end <= flag_off
# and it cannot be UTC: a UTC window 14:52-15:24 lies wholly after flag-off
assert T("14:52") > flag_off
has(ref, "18:02 +0100"); has(ref, "14:12:20 and 15:12:00"); has(ref, "between 14:52 and 15:24"); has(ref, "13:52:04-14:24:40 UTC")

buckets = [int(n) for n in re.findall(r"^\s+\d\d:\d\d-\d\d:\d\d\s+(\d+)", till, re.M)]
assert buckets == [23, 240, 239, 241, 237, 236, 51], buckets
assert sum(buckets) == 1267
has(ref, "**1,267**")
has(till, "first at 14:39:02, key hh-ord-8804518"); has(till, "last at 15:31:41")
first_utc, last_utc = T("14:39:02") - offset, T("15:31:41") - offset
assert first_utc.strftime("%H:%M:%S") == "13:39:02" and last_utc.strftime("%H:%M:%S") == "14:31:41"
gap = flag_on - first_utc
assert gap == dt.timedelta(minutes=13, seconds=2)
has(ref, "13:39:02"); has(ref, "13 min 02 s before the flag"); has(ref, "14:31:41")
# our own log shows a 409 while the flag was still off
has(logs, "13:46:51.640 WARN  PaymentClient tillcraft capture failed status=409")
assert T("13:46:51") < flag_on
has(ref, "13:46:51")

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
assert sum(cnt.values()) == 1271
assert sum(buckets) == 1271 - cnt["PENDING_PAYMENT"]  # 1,267 409s = every colliding order that reached a capture
paid_gbp = round(sum(gbp["PAID"]), 2)
assert paid_gbp == 71961.22
has(ref, "**GBP 71,961.22**"); has(ref, "14 + 752 + 6"); has(ref, "GBP 1,302.90 + 70,118.27 + 540.05")
has(ref, "(316 + 19 + 160)"); has(ref, "GBP 388.16")
assert [int(n) for w, st, n, g in rows if st == "PAYMENT_FAILED"] == [316, 19, 160]
has(marek, "WHERE id >= 8804518;"); has(marek, "8804518 | 8805788 |  1271")
assert 8805788 - 8804518 + 1 == 1271
# pg-orders-2 side
has(marek, " 8804491")
has(marek, "8804518 | 8808544 |  4027")
assert 8808544 - 8804518 + 1 == 4027 and 8805788 <= 8808544  # every pg-orders-1 id has a twin
has(ref, "8,804,518-8,808,544 (4,027 orders)")
share = 1271 / (1271 + 4027)
assert round(share * 100) == 24
has(ref, "24 % share")
# ids only on pg-orders-1 but outside Marek's range
extra = 8804517 - 8804492 + 1
assert extra == 26 and 8804491 + 1 == 8804492
stranded = 8805788 - 8804492 + 1
assert stranded == 1297
has(ref, "8,804,492-8,805,788, which is 1,297 orders"); has(ref, "the 26 ids 8,804,492-8,804,517")
has(chan, "24 render_failed reason=order_not_found")
paid_total = cnt["PAID"] + 24
assert paid_total == 796
has(ref, "772 + 24 = 796"); has(ref, "**24 of the 26 were paid**"); has(ref, "(796 of them paid)")
failed_total = cnt["PAYMENT_FAILED"] + (extra - 24)
assert failed_total == 497
has(ref, "497 failed orders")
# render-log sample ids sit where the reasoning puts them
assert 8804492 <= 8804501 <= 8804517 and "order_id=8804501 reason=order_not_found" in logs
assert 8804518 <= 8804577 <= 8805788 and "HH-8804577" in tickets
assert 8804518 <= 8805102 <= 8805788 and "8805102" in tickets
has(ref, "**772 emails disclosing another customer's personal data**")
has(ref, "772 pg-orders-2 data subjects")
has(ref, "hh-ord-8804518 to hh-ord-8805788")
has(ref, "from 8,804,518 to 8,805,788 now resolves to their twin's order")
# the sample checkout line after the restart is a plausible pg-orders-2 id
assert 8808544 < 8808731 < 8811930

# --- split-brain window (checkout) --------------------------------------------------------
has(logs, "[Tue Nov 24 13:38:10 2026] nvme nvme1: 8/0/0"); has(marek, "2026-11-24 14:31:44.208+00")
start, end = T("13:38:10"), T("14:31:44")
assert end - start == dt.timedelta(minutes=53, seconds=34)
has(ref, "**53 min 34 s (13:38:10 to 14:31:44)**")
assert T("14:31:41") < end  # last 409 precedes the last order written on pg-orders-1
has(logs, "archived write-ahead log file \"0000000600000A1F000000C3\"")
has(marek, " f                 |           6")
has(logs, "selected new timeline ID: 7"); has(logs, "13:35:49.521 UTC [861] LOG:  database system is ready")
assert abs((T("13:38:10") - T("13:31:40")).total_seconds() - 388.4) < 3  # the 388 s statement spans the stall
opened_old = re.findall(r"10\.40\.2\.11 \| 5432 \| 2026-11-24 (\d\d:\d\d:\d\d)", logs)
assert opened_old == ["11:02:13", "11:02:13", "12:47:40"] and all(T(t) < T("13:36:02") for t in opened_old)
has(ref, "11:02:13"); has(ref, "12:47:40")
req = re.findall(r"\| 2026-11-24 \d\d:\d\d:\d\d \| 2026-11-24 (\d\d:\d\d:\d\d)", logs)
assert len(req) == 6 and max((T("14:19:58") - T(t)).total_seconds() for t in req) == 7
has(ref, "all used in the last 7 s")
has(conf, "server_lifetime = 86400"); has(conf, "server_idle_timeout = 0")
has(conf, "rendered unchanged into every pod that connects to orders-db")

# --- the split brain outlives the checkout restart ----------------------------------------
has(chan, "14:31:46 @priya.nair: rollout complete")
restart_done = T("14:31:46")
late = re.findall(r"2026-11-24 (\d\d:\d\d:\d\d)\.\d+ UTC \[(\d+)\] LOG:  duration: [\d.]+ ms  execute <unnamed>: UPDATE stock_reservations", logs)
assert late == [("15:07:33", "2988"), ("16:12:04", "2988")], late
assert all(T(t) > restart_done for t, _ in late)
reset_pids = set(re.findall(r"\[(\d+)\] LOG:  (?:could not receive data|unexpected EOF)", logs))
assert reset_pids == {"3391", "3517", "3520"} and "2988" not in reset_pids
has(logs, "15:51:40.009 UTC [1124] LOG:  archived write-ahead log file \"0000000600000A1F000000C5\"")
assert T("15:51:40") > restart_done
has(logs, "stock-service reserves stock in orders-db (table stock_reservations)")
has(ref, "15:07:33 and 16:12:04"); has(ref, "0000000600000A1F000000C5"); has(ref, "15:51:40")
# the plausible-but-wrong sources are present
has(conf, "retired-pending-reimage   none (out of DNS 13:36)")
has(marek, "-2 is the system of record")

# --- Grafana: the export is the panel, which cannot show provider_error_other -------------
lacks(graf, "provider_error_other")
has(graf, 'Export of the "Checkout errors (payments)" panel')
g = {}
for line in graf.splitlines():
    m = re.match(r"(\d\d:\d\d)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*$", line)
    if m:
        g[m.group(1)] = tuple(int(x) for x in m.groups()[1:])
assert len(g) == 16
conflict = sum(v[0] for v in g.values())
assert conflict == 771 == 752 + 19  # every flag-window collision was labelled payment_conflict
assert all(v[0] == 0 for k, v in g.items() if T(k + ":00") + dt.timedelta(minutes=5) <= flag_on or T(k + ":00") >= flag_off)
timeouts = sum(v[2] for v in g.values())
assert timeouts == 91
has(ref, "91 \"timeout\" errors")
# 409s outside the flag window: invisible on the panel, one per colliding pair
outside = sum(buckets) - conflict
assert outside == 496 == 14 + 316 + 6 + 160
has(ref, "771 appear on the panel"); has(ref, "752 + 19 pairs"); has(ref, "The other **496**"); has(ref, "14 + 316 + 6 + 160 pairs")
# Tillcraft's rate is flat across both flag changes (10-minute buckets 13:40-14:30 UTC)
assert buckets[1:6] == [240, 239, 241, 237, 236] and max(buckets[1:6]) - min(buckets[1:6]) <= 5
has(ref, "240/239/241/237/236 per 10 min"); has(ref, "236 in 14:20-14:30 UTC"); has(ref, "51 up to 14:31:41")
# panel and alert selection
has(conf, 'reason=~\\"payment_conflict|card_declined|timeout\\"'); has(conf, 'checkout_errors_total{reason="payment_conflict"}')
has(diff, 'else -> "provider_error_other"')

# --- double charges and the refund target ---------------------------------------------------
has(till, "41 cases"); has(till, "GBP 3,702.15"); has(till, "p99 2.93 s")
has(till, "If you want the 41 second captures refunded")
has(diff, "Duration.ofSeconds(2)"); has(diff, "return CaptureResult.Ok(r.chargeId)")
assert 2.0 < 2.93
assert 41 <= timeouts
has(logs, "capture ok key=hh-ord-8807402-r1 order=8807402 charge=ch_3Nf9Lw07")
has(ref, "41 double charges, GBP 3,702.15"); has(ref, "p99 of 2.93 s")
has(ref, "order 8807402 -> ch_3Nf9Lw07 from hh-ord-8807402-r1")
has(ref, "**752**")

# --- deadlines ----------------------------------------------------------------------------
has(tickets, "HH-SUP-88213  14:19"); has(chan, "16:02:15 @lena.haas")
ico = T("14:19") + dt.timedelta(hours=72)
assert ico.strftime("%a %d %b %H:%M") == "Fri 27 Nov 14:19"
assert (T("16:02") + dt.timedelta(hours=72)).strftime("%a %H:%M") == "Fri 16:02"
has(ref, "by 14:19 UTC Fri 27 Nov"); has(ref, "16:02 Fri")
has(conf, "Scheduled: Tue 24 Nov 22:00 UTC"); has(ref, "before 22:00 UTC tonight")
has(logs, "waves lock at 06:00, 13:00 and 20:00 UTC"); has(ref, "20:00 UTC wave 3")
assert T("13:00") < start  # shipments built from 13:38 onwards fall into the 20:00 wave
# every pre-review action has an owner and a deadline (the table has four filled columns)
actions = re.findall(r"^\| (\d+) \| (.+?) \| (.+?) \| (.+?) \|$", ref.split("## 3.")[1].split("**Judgement")[0], re.M)
assert [int(a[0]) for a in actions] == list(range(1, 14)), actions
assert all(a[2].strip() and a[3].strip() for a in actions)

# --- rubric numbers agree with the recomputation -----------------------------------------
for s in ["13:39:02", "13:52:04", "8,804,492-8,804,517", "1,297", "8,804,491", "GBP 71,961.22", "796",
          "41 cases, GBP 3,702.15", "2.93 s", "752 of the 772", "14:19 UTC Fri 27 Nov", "13:38:10", "14:31:44",
          "15:07 and 16:12", "…C5 archived at 15:51", "14:52-15:24", "hh-ord-8804518 to hh-ord-8805788",
          "236-241", "14:31:41", "771", "496"]:
    has(rubric, s)
print("cs-dev-0101 check: all assertions passed")
