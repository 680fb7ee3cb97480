"""Check script for cs-dev-0103: recomputes every number of the reference and rubric.

Parses the daily_usage job log and the ingest summary, derives the 25 Oct clock-change loss
(two reads per meter), the Orrin replay volume, the late-sink purge date, the hot-retention
cutoff, the restore/rebuild timings and the billing impact; asserts that each input is in the
material and each result is stated in the reference answer.
"""
import datetime as dt
import json
import math
import re
import sys
from zoneinfo import ZoneInfo

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}
cfg = att["meterflow/pipeline.yaml (deployed r418, excerpt)"]
sql = att["jobs/daily_usage.sql (deployed)"]
log = att["daily_usage job log, October 2026"]
ing = att["meterflow ingest summary, 23-28 Oct 2026"]
dic = att["Metering data dictionary (Confluence, 2024)"]
bil = att["Billing Operations notes (1 Dec 2026)"]
slack = att["#data-platform Slack excerpt"]
tkt = att["DATA-1187 ticket thread"]


def has(text, s):
    assert s in text, f"not found: {s!r}"


def n(s):
    return int(s.replace(",", ""))


# --- inputs -------------------------------------------------------------------------------------
has(cfg, "late_threshold_hours: 72"); has(cfg, "no downstream consumer"); has(cfg, "late_sink_alerting: false")
has(cfg, "hot_retention_days: 35"); has(cfg, "retention_days: 45"); has(cfg, "nightly 03:00: DELETE WHERE routed_at < now() - interval '45 days'")
has(cfg, "lookback_days: 1")
has(sql, "PARTITION BY meter_id, local_ts"); has(sql, "count(*) < 48"); has(sql, "timestamp without time zone")
has(dic, "Retention: 13 months online"); has(dic, "1,412,087 meters in billing: 1,093,687 via DCC adapter, 318,400 via Orrin HES")
has(tkt, "all reads loaded into the platform (hh_reads)"); has(tkt, "1,140 contacts")
has(bil, "01:00-02:00 0.187"); has(bil, "24.86 p/kWh"); has(bil, "less than GBP 1.00 per account")
has(bil, "Thursdays 20:00"); has(bil, "by Thursday 12:00"); has(bil, "by 18:00 the day before the run"); has(bil, "Mon 7 Dec 02:00")
has(slack, "about 38 min per partition"); has(slack, "at most 2 concurrent"); has(slack, "22 min per day partition, 3 in parallel")
has(slack, "Sat 5 Dec 06:00-10:00")
METERS, ORRIN = 1412087, 318400
assert 1093687 + ORRIN == METERS

# --- job log --------------------------------------------------------------------------------------
rows = {}
for m in re.finditer(r"^2026-10-(\d\d)\s+\w{3}\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+(\d+) min\s+SUCCESS$", log, re.M):
    rows[int(m.group(1))] = [n(m.group(k)) for k in range(2, 7)]
assert sorted(rows) == list(range(1, 32))
for d, (rin, dd, rout, md, est) in rows.items():
    assert rin - dd == rout and md == METERS
others = [rows[d][1] for d in rows if d != 25]
assert min(others) == 164 and max(others) == 438
has(ref, "164-438")
dd25 = rows[25][1]
assert dd25 == 2824599
assert 2 * METERS == 2824174 and dd25 - 2 * METERS == 425 and min(others) <= 425 <= max(others)
for s in ["**2,824,599**", "2,824,599 - 425", "2,824,174 = **2 x 1,412,087**", "70,547,999", "67,723,400", "(2,221)"]:
    has(ref, s)
assert rows[25][0] == 70547999 and rows[25][2] == 67723400 and rows[25][4] == 2221
normal = [rows[d][0] for d in rows if d != 25 and not 17 <= d <= 22]
assert 67_710_000 < min(normal) and max(normal) < 67_750_000 and 2_790_000 < rows[25][0] - max(normal) < rows[25][0] - min(normal) < 2_830_000
has(ref, "about 2.8 million more than a normal day (67.72-67.74 million)")
est_orrin = [rows[d][4] for d in range(17, 23)]
assert all(320_000 < e < 321_000 for e in est_orrin)
assert all(1900 < rows[d][4] < 2600 for d in rows if not 17 <= d <= 22)

# the clock change: the local day 25 Oct 2026 has 50 half-hours and local 01:00/01:30 repeat
lon = ZoneInfo("Europe/London")
def day_len(y, mo, d):
    a = dt.datetime(y, mo, d, tzinfo=lon).astimezone(dt.timezone.utc)
    b = (dt.datetime(y, mo, d, tzinfo=lon) + dt.timedelta(days=1)).replace(tzinfo=lon).astimezone(dt.timezone.utc)
    b = dt.datetime.combine(dt.date(y, mo, d) + dt.timedelta(days=1), dt.time(), tzinfo=lon).astimezone(dt.timezone.utc)
    return int((b - a).total_seconds() // 1800)
assert day_len(2026, 10, 25) == 50 and day_len(2026, 10, 24) == 48 and day_len(2026, 3, 29) == 46
assert day_len(2027, 3, 28) == 46 and day_len(2027, 10, 31) == 50
u = [dt.datetime(2026, 10, 25, 0, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=30 * k) for k in range(4)]
loc = [x.astimezone(lon).replace(tzinfo=None).strftime("%H:%M") for x in u]
assert loc == ["01:00", "01:30", "01:00", "01:30"]
has(ref, "28 Mar 2027"); has(ref, "31 Oct 2027"); has(ref, "29 Mar 2026")
assert 50 * METERS == 70604350
has(ref, "50 x 1,412,087 = **70,604,350**")

# --- impact -----------------------------------------------------------------------------------------
kwh = 2 * METERS * 0.187
assert round(kwh) == 528121 and round(kwh / 1000) == 528
gbp = kwh * 0.2486
assert round(gbp) == 131291
per = 2 * 0.187 * 24.86
assert round(per, 1) == 9.3 and round(2 * 0.187, 3) == 0.374
for s in ["2,824,174 reads x 0.187 kWh", "**528,121 kWh, about 528 MWh**", "**GBP 131,291**", "0.374 kWh", "**about 9.3p per account**"]:
    has(ref, s)
lo, hi = rub["c08"]["tolerance"].split(";")[0].split()[0].split("-")
assert int(lo) <= kwh / 1000 <= int(hi)

# --- Orrin replay ------------------------------------------------------------------------------------
late = [n(x) for x in re.findall(r"orrin_hes\s+\d+\s+[\d,]+\s+([\d,]+)\s+\d+$", ing, re.M)]
late = [x for x in late if x]
assert late == [46287552, 45411648]
assert sum(late) == 91699200 == ORRIN * 48 * 6 and ORRIN * 48 == 15283200
assert ORRIN * 6 == 1910400
has(ing, "started 2026-10-27 14:05, finished 2026-10-28 02:50")
for s in ["**46,287,552**", "**45,411,648**", "**91,699,200**", "**1,910,400 meter-days**", "15,283,200 per day"]:
    has(ref, s)
has(rub["c17"]["tolerance"], "91,699,200")

# --- purge date: nightly 03:00, routed_at < now() - 45 days ------------------------------------------
first, last = dt.datetime(2026, 10, 27, 14, 5), dt.datetime(2026, 10, 28, 2, 50)
run = dt.datetime(2026, 12, 3, 3, 0)
while not (run - dt.timedelta(days=45) > first):
    run += dt.timedelta(days=1)
assert run == dt.datetime(2026, 12, 12, 3, 0)            # first rows deleted
assert run - dt.timedelta(days=45) > last                # ... and all of them in the same run
prev = run - dt.timedelta(days=1)
assert prev - dt.timedelta(days=45) == dt.datetime(2026, 10, 27, 3, 0) < first
assert run.strftime("%a") == "Sat"
has(ref, "**Sat 12 Dec**"); has(ref, "27 Oct 03:00"); has(ref, "28 Oct 03:00")

# --- hot retention cutoff ----------------------------------------------------------------------------
cut = dt.date(2026, 12, 3) - dt.timedelta(days=35)
assert cut == dt.date(2026, 10, 29)
has(ref, "3 Dec - 35 days = **29 Oct**")

# --- timings -------------------------------------------------------------------------------------------
parts = 6 + 1
assert parts == 7
restore = math.ceil(parts / 3) * 22
rebuild = math.ceil(parts / 2) * 38
assert restore == 66 and rebuild == 152 and restore + rebuild == 218 and divmod(218, 60) == (3, 38)
for s in ["ceil(7/3) = 3 waves x 22 min = **66 min**", "ceil(7/2) = 4 waves x 38 min = **152 min**", "66 + 152 = 218 min", "**about 3 h 38 min**"]:
    has(ref, s)

# --- billing dates --------------------------------------------------------------------------------------
assert dt.date(2026, 12, 7).strftime("%a") == "Mon" and dt.date(2026, 12, 6).strftime("%a") == "Sun"
assert dt.date(2026, 12, 10).strftime("%a") == "Thu" and dt.date(2026, 12, 3).strftime("%a") == "Thu"
assert dt.date(2026, 12, 4).strftime("%a") == "Fri" and dt.date(2026, 12, 5).strftime("%a") == "Sat"
for s in ["**Thu 10 Dec 12:00**", "**Thu 10 Dec 20:00**", "**Sun 6 Dec 18:00**", "Mon 7 Dec 02:00"]:
    has(ref, s)
assert per / 100 < 1.00

# --- replay timestamps: local interval-end stored as UTC start (90 min late) -----------------------
spot = att["hh_reads_late spot query (L. Fischer, 25 Nov)"]
has(tkt, "same file layout as the live feed"); has(spot, "(288 rows)"); has(spot, " UTC")
assert ORRIN and 48 * 6 == 288
app = {"2026-10-17 00:00": "0.412", "2026-10-22 22:30": "0.655", "2026-10-22 23:00": "0.512", "2026-10-22 23:30": "0.431"}
for k, v in app.items():
    has(tkt, f"{k[-5:]}-" if k.endswith("00:00") else k[-5:]); has(tkt, v)
stored = {}
for m in re.finditer(r"ORR-5523081 \| (2026-10-\d\d \d\d:\d\d):00\+00 \| ([\d.]+)", spot):
    stored[m.group(1)] = m.group(2)
def retime(s):  # stored value read as London wall-clock interval end -> UTC interval start
    return (dt.datetime.fromisoformat(s).replace(tzinfo=lon).astimezone(dt.timezone.utc) - dt.timedelta(minutes=30))
for local_start, v in app.items():
    true_utc = dt.datetime.fromisoformat(local_start).replace(tzinfo=lon).astimezone(dt.timezone.utc)
    hits = [k for k, x in stored.items() if x == v]
    assert len(hits) == 1, (local_start, v)
    assert retime(hits[0]) == true_utc
    assert (dt.datetime.fromisoformat(hits[0]).replace(tzinfo=dt.timezone.utc) - true_utc) == dt.timedelta(minutes=90)
assert retime("2026-10-17 00:30") == dt.datetime(2026, 10, 16, 23, 0, tzinfo=dt.timezone.utc)
assert retime("2026-10-23 00:00") == dt.datetime(2026, 10, 22, 22, 30, tzinfo=dt.timezone.utc)
# unshifted load: count per local-day window
shifted = [dt.datetime(2026, 10, 16, 23, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=30 * k + 90) for k in range(288)]
def local_day(x): return x.astimezone(lon).date()
from collections import Counter
cnt = Counter(local_day(x) for x in shifted)
assert cnt[dt.date(2026, 10, 17)] == 45 and cnt[dt.date(2026, 10, 23)] == 3
assert all(cnt[dt.date(2026, 10, d)] == 48 for d in range(18, 23)) and sum(cnt.values()) == 288
assert ORRIN * 3 == 955200
for s_ in ["**17 Oct 00:00-00:30 local**", "**16 Oct 23:00 UTC**", "`2026-10-17 00:30:00+00`", "**23 Oct 00:00+00**",
           "**17 Oct would have only 45 reads per meter**", "318,400 x 3 = **955,200 reads**", "**22 Oct 22:30 UTC**",
           "`2026-10-16 23:00:00+00`", "- interval '30 minutes'", "cheap rate 00:30-05:30"]:
    has(ref, s_)
has(tkt, "cheap rate 00:30-05:30")
print("cs-dev-0103: all checks passed")
