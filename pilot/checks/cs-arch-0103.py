"""Check script for cs-arch-0103: recomputes every number of the reference and rubric.

Recomputes from the task's own material: today's origin-related bill from the invoice, the WD-12
model's own figures, what WD-12 would really be billed (shield-to-Arcline egress at the internet
rate, service term S-4.2), the bucket rate at 19:00 behind WD-12's six share-nothing nodes, the
Arcline Origin Shield cost at the byte-weighted absorption, the break-even, the cash saving under
the Northcloud minimum-spend commitment, the collapsed 19:00 fetch rate, the pre-partitioning
lead time and the cms-api window before the freeze. Asserts the inputs are in the material and the results are in the reference.
"""
import datetime as dt
import json
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}
mail = att["Email thread: WD-12 for Tuesday (2 Dec 2026)"]
inc = att["INC-2291 incident record (24 Nov 2026)"]
wd = att["WD-12 design proposal v2 (M. Duda)"]
arc = att["Arcline October usage report and property config"]
nc = att["Northcloud October invoice, price sheet and service terms (extracts)"]
nb = att["Notebook summary: origin miss analysis (27 Nov 2026)"]
sl = att["#media-delivery Slack excerpt (26-30 Nov 2026)"]


def has(text, s):
    assert s in text, f"not found: {s!r}"


# --- inputs -----------------------------------------------------------------------------------
has(arc, "Data delivered to clients          2,140 TB"); has(arc, "Cache hit ratio (a)                95.8 %")
has(arc, "(a) Cache hit ratio = requests served from edge cache / all edge requests.")
has(arc, "Origin fetches                     2,272 M"); has(arc, "/img/ 81.2 %")
has(arc, "rule  /p/*      cache: bypass; query: forward-all; origin-auth: off")
has(arc, "origin-auth     nc-sigv4 (key: arcline-origin-ro, read-only on fernlight-media/*)")
assert round(2140 * 1000 * 0.0048, 2) == 10272.00; has(arc, "USD 10,272.00")
has(nc, "448.0 TB          0.020/GB       8,960.00"); has(nc, "2,310 M           0.40/M           924.00")
has(nc, "Out to the internet .................................................... USD 0.070/GB")
has(nc, "Partner Interconnect rates apply only to data transferred out of Object Storage")
has(nc, "Data transferred out of Compute instances, load")
has(nc, "USD 1,120/month"); has(nc, "0.006/GB processed")
has(nc, "Minimum spend commitment USD 540,000 per"); has(nc, "term 1 Nov 2025 - 31 Oct 2027")
has(nc, "eligible spend USD 548,930.17")
lines = [22680.00, 924.00, 205.00, 8960.00, 12210.00, 427.00, 612.00, 1200.00]
for x in lines:
    has(nc, f"{x:,.2f}")
assert round(sum(lines), 2) == 47218.00; has(nc, "total         47,218.00")
assert round(1260 * 1000 * 0.018, 2) == 22680.00 and round(41 * 5.00, 2) == 205.00 and round(6.1 * 1000 * 0.070, 2) == 427.00
has(wd, "6 x nc.storage-8x"); has(wd, "set req.url = regsub(req.url"); has(wd, "fernlight-shield-ro")
has(wd, "Arcline's origin for all paths becomes the shield NLB"); has(wd, "flow-hash balancing")
has(wd, "share nothing"); has(wd, "7.6 TB NVMe"); has(wd, "45.6 TB"); has(wd, "31 TB, notebook Q3")
has(wd, "= +USD 4,331.68 / month"); has(wd, "= USD 2,706.40"); has(wd, "= USD 7,038.08")
has(wd, "email of 14 Oct 2025"); has(wd, "Shield -> Arcline: unchanged vs today")
has(mail, "USD 0.0030 per GB served from the shield"); has(mail, "edges fall back to fetching directly from your origin")
has(mail, "going down, not up, next year")
has(inc, "14,600/s"); has(inc, "5,500 GET/HEAD per second per partitioned key prefix"); has(inc, "30-60 min")
has(inc, "v/20261124/"); has(inc, "lead time 5 business days"); has(inc, "X-NC-Signature=")
has(nb, "by requests                  65 %            78 %"); has(nb, "by bytes                     58 %            71 %")
has(nb, "93 %"); has(nb, "31 TB")
has(sl, "10 Gbit/s soft limit per listener"); has(sl, "draft preview links (the /p/ ones)"); has(sl, "LHR-2 had 20 min")
# the presigned link in the log sample expires on the incident evening
exp = dt.datetime.fromtimestamp(1795547520, dt.timezone.utc)
assert exp == dt.datetime(2026, 11, 24, 19, 12, tzinfo=dt.timezone.utc)

DELIV, HR, EG_TB, EG_RATE, NET_RATE = 2140, 0.958, 448.0, 0.020, 0.070
GETS_ALL, GETS_ARC, GET_RATE = 2310, 2272, 0.40
VM, NVM, FEE = 1120, 6, 0.0030

# --- the WD-12 model reproduces as written ------------------------------------------------------
m_eg = round(DELIV * (1 - HR), 2)
assert m_eg == 89.88 and round(m_eg * 1000 * EG_RATE, 2) == 1797.60
assert round(GETS_ARC * GET_RATE, 2) == 908.80 and round(1797.60 + 908.80, 2) == 2706.40
assert round(GETS_ARC * 0.35, 1) == 795.2 and round(795.2 * GET_RATE, 2) == 318.08
assert round(318.08 + VM * NVM, 2) == 7038.08 and round(7038.08 - 2706.40, 2) == 4331.68
has(ref, "2,140 TB x 4.2 % = 89.88 TB")

# --- today ----------------------------------------------------------------------------------------
today = round(EG_TB * 1000 * EG_RATE + GETS_ALL * GET_RATE, 2)
assert today == 9884.0
has(ref, "**9,884.00**"); has(ref, "USD 7,177.60"); assert round(today - 2706.40, 2) == 7177.60
bhr = 1 - EG_TB / DELIV
assert round(bhr * 100, 1) == 79.1
has(ref, "1 - 448 / 2,140 = **79.1 %**")

# --- WD-12 as billed ------------------------------------------------------------------------------
shield_eg = round(EG_TB * 1000 * NET_RATE, 2)
gets_after = round(GETS_ARC * 0.35, 1) + (GETS_ALL - GETS_ARC)
assert shield_eg == 31360.0 and GETS_ALL - GETS_ARC == 38 and round(gets_after, 1) == 833.2
get_cost = round(gets_after * GET_RATE, 2)
assert get_cost == 333.28
wd_real = round(shield_eg + VM * NVM + get_cost, 2)
assert wd_real == 38413.28 and round(wd_real - today, 2) == 28529.28
assert round((wd_real - today) * 12 / 1000) == 342
nlb = EG_TB * 1000 * 0.006
assert round(nlb) == 2688
for s in ["31,360.00", "6,720.00", "795.2 M, plus 38 M non-Arcline = 833.2 M", "333.28", "**38,413.28**", "**+28,529.28**",
          "+USD 342k a year", "about USD 2.7k more", "| 38,413 | +28,529 | +28,529 |", "| 9,884 | 0 | 0 |"]:
    has(ref, s)
lo, hi = 37500, 41500
assert lo <= wd_real <= hi and lo <= wd_real + nlb + 24 <= hi
assert 27500 <= wd_real - today <= 31500
# WD-12 even at the partner rate the TAM email claims
wd_pi = round(EG_TB * 1000 * EG_RATE + VM * NVM + get_cost, 2)
assert wd_pi == 16013.28 and round(wd_pi - today, 2) == 6129.28 and round((wd_pi + nlb + 24) / 1000, 1) == 18.7
has(ref, "8,960 + 6,720 + 333.28 = **USD 16,013.28** (+USD 6,129.28, or about USD 18.7k with the NLB charge)")

# --- WD-12 at 19:00: six nodes, no object affinity --------------------------------------------
peak = round(14600 * (1 - 0.93))
assert peak == 1022
k = 1 / 0.07
assert round(k, 1) == 14.3
p_node = 1 - (5 / 6) ** k
assert round(p_node, 2) == 0.93
nodes = 6 * p_node
assert round(nodes, 2) == 5.56
wd_peak = peak * nodes
assert round(wd_peak, -1) == 5680 and wd_peak > 5500 and 6 * peak == 6132
assert 5000 <= wd_peak <= 6200 and 5000 <= 6 * peak <= 6200
for s in ["14,600 x 0.07 = **1,022 distinct objects/s**", "1 / 0.07 = 14.3 times", "1 - (5/6)^14.3 = 0.93",
          "**5.6 nodes fill each object**", "**1,022 x 5.56 = about 5,680 fetches/s**", "6 x 1,022 = 6,132/s",
          "about **5,700 fetches/s against its 5,500/s limit**", "**31 TB**", "**7.6 TB**"]:
    has(ref, s)
assert round(6 * 7.6, 1) == 45.6
avg_obj = EG_TB * 1e12 / (GETS_ARC * 1e6)
assert round(avg_obj / 1000) == 197
gbps = 14600 * avg_obj * 8 / 1e9
assert round(gbps) == 23 and gbps > 10
has(ref, "448 TB / 2,272 M = about 197 KB"); has(ref, "about 23 Gbit/s")

# --- Arcline shield (list prices) -------------------------------------------------------------
bucket = round(EG_TB * (1 - 0.58), 2)
assert bucket == 188.16 and round(bucket * 1000 * EG_RATE, 2) == 3763.20
fee = round(EG_TB * 1000 * FEE, 2)
assert fee == 1344.0
arc_total = round(3763.20 + fee + get_cost, 2)
assert arc_total == 5440.48 and round(today - arc_total, 2) == 4443.52
assert round(924.00 - get_cost, 2) == 590.72
nc_cut = round(8960.00 - 3763.20 + 590.72, 2)
assert nc_cut == 5787.52 and round(today - (3763.20 + get_cost), 2) == nc_cut
b7 = round(EG_TB * 0.29, 2)
assert b7 == 129.92 and round(b7 * 1000 * EG_RATE, 2) == 2598.40
save7 = today - (2598.40 + fee + get_cost)
assert round(save7) == 5608
be = fee / (EG_TB * 1000 * EG_RATE)
assert round(be * 100) == 15
be_get = (fee - (924.00 - get_cost)) / (EG_TB * 1000 * EG_RATE)
assert 0.08 <= be_get <= 0.09
for s in ["448 TB x (1 - 0.58) = 188.16 TB x 0.020", "3,763.20", "448,000 GB x 0.0030", "1,344.00", "**5,440.48**", "**-4,443.52**",
          "**USD 590.72**", "8,960.00 - 3,763.20 + 590.72 = **USD 5,787.52**", "448 x 0.29 = 129.92 TB = USD 2,598.40",
          "**USD 5,608**", "1,344 / 8,960 = **15 %**", "about 8 %", "| **5,440** | **-4,444** |"]:
    has(ref, s)

# --- the Northcloud minimum-spend commitment --------------------------------------------------
COMMIT = 540000
run = 47218 * 12
assert run == 566616
head = run - COMMIT
assert head == 26616 and head / 12 == 2218
after = run - nc_cut * 12
assert round(nc_cut * 12) == 69450 and round(after) == 497166
short = COMMIT - after
assert round(short) == 42834
net = head / 12 - fee
assert net == 874 and net * 12 == 10488
assert 700 <= net <= 1200 and 2100 <= head / 12 <= 2500
grow = round(nc_cut - head / 12, 2)
assert grow == 3569.52 and 3400 <= grow <= 3900
assert round(grow / 18, 0) == 198
assert COMMIT / 12 == 45000
# at 7-day absorption the Northcloud cut is larger but the floor binds first: same cash saving
nc_cut7 = 8960.00 - 2598.40 + (924.00 - get_cost)
assert nc_cut7 * 12 > head and min(nc_cut7, head / 12) - fee == net
for s in ["**USD 540,000 per commitment year**", "USD 548,930.17", "47,218 x 12 = **USD 566,616**",
          "**USD 26,616 a year (USD 2,218 a month)**", "USD 69,450 a year", "about USD 497,166", "**USD 42,834**",
          "2,218 - 1,344 = about USD 874 a month** (about USD 10.5k a year)", "**USD 45,000 a month**",
          "5,787.52 - 2,218 = **USD 3,569.52 a month**", "about 198 TB more", "about -874", "USD 3.6k a month"]:
    has(ref, s)

# --- the 19:00 peak with the shield, and the prefix fix -----------------------------------------
assert round(peak / 5500 * 100) == 19 and round(14600 / 256) == 57 and 900 <= peak <= 1100
has(ref, "14,600 x (1 - 0.93) = **1,022 fetches/s**"); has(ref, "about 19 %"); has(ref, "about 57/s per prefix")


def add_business_days(d, n):
    while n:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


today_d = dt.date(2026, 12, 3)
assert today_d.strftime("%a") == "Thu"
assert add_business_days(today_d, 5) == dt.date(2026, 12, 10)
assert add_business_days(dt.date(2026, 12, 9), 5) == dt.date(2026, 12, 16)
assert add_business_days(dt.date(2026, 12, 8), 5) == dt.date(2026, 12, 15)
for d, name in [(dt.date(2026, 12, 8), "Tue"), (dt.date(2026, 12, 9), "Wed"), (dt.date(2026, 12, 10), "Thu"),
                (dt.date(2026, 12, 12), "Sat"), (dt.date(2026, 12, 13), "Sun"), (dt.date(2026, 12, 14), "Mon")]:
    assert d.strftime("%a") == name
has(ref, "**5-business-day**"); has(ref, "done by **Thu 10 Dec**"); has(ref, "would land on **Wed 16 Dec**")
has(ref, "Sat 12 Dec at 19:00"); has(ref, "Sun 13 Dec, 10:00"); has(ref, "Wed 9 Dec, about 10:00")
assert round(bucket / 31, 1) == 6.1 and round(EG_TB / 31, 1) == 14.5
has(ref, "188 TB a month (about 6.1 TB a day)"); has(ref, "about 14.5 TB a day")

# --- the Arcline shield and /p/: property-wide, property origin-auth, path-only key -----------
shn = att["Arcline Origin Shield product notes v3.1 (PDF extract, forwarded by Marek, 1 Dec 2026)"]
has(shn, "Origin Shield is a property setting"); has(shn, "forwarded to the shield like any other miss")
has(shn, "using the property's origin-host-header and origin-auth")
has(shn, "Origin settings in a path rule apply to edge-to-origin fetches")
has(shn, "Query strings are not part of the shield key and are not sent on")
has(shn, "keeps the object for 24 h"); has(shn, "evaluated at the edge, on the client request (cache, query, headers, deny")
has(sl, "expire too fast (15 min)"); has(sl, "cms-api (PREVIEW_BASE_URL)")
has(sl, "production freeze for cms-api and the apps from Fri 11 Dec 00:00 to Mon 4 Jan")
assert dt.date(2026, 12, 11).strftime("%a") == "Fri" and dt.date(2027, 1, 4).strftime("%a") == "Mon"
# the cms-api change must ship after the Tue 8 Dec review and before the freeze: Wed 9 or Thu 10 Dec
window = [dt.date(2026, 12, 8) + dt.timedelta(days=i) for i in (1, 2)]
assert [d.strftime("%a %d") for d in window] == ["Wed 09", "Thu 10"]
has(ref, "**Fri 11 Dec 00:00**"); has(ref, "**Wed 9 Dec**"); has(ref, "**Thu 10 Dec** at the latest")
has(ref, "Mon 4 Jan"); has(ref, "within 15 minutes"); has(ref, "0.4 % of requests"); has(arc, "/p/ 0.4 %")
has(ref, "for 24 h under its path")
has(ref, "`/p/*` deny rule (403)"); has(ref, "fernlight-preview")

# --- rubric figures ------------------------------------------------------------------------------
has(rub["c07"]["text"], "14,600 x 7 %"); has(rub["c15"]["text"], "USD 1,344 / egress USD 8,960")
has(rub["c16"]["text"], "USD 540,000"); has(rub["c16"]["text"], "USD 566.6k"); has(rub["c17"]["text"], "USD 3.6k")
has(rub["c19"]["text"], "15-16 Dec"); has(rub["c09"]["text"], "31 TB"); has(rub["c09"]["text"], "7.6 TB")
print("cs-arch-0103: all checks passed")
