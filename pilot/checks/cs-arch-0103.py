"""Check script for cs-arch-0103: recomputes every number of the reference and rubric.

Recomputes today's origin-related bill from the invoice, the WD-12 model's own figures, what
WD-12 would really be billed (shield-to-Arcline egress at the internet rate, per price-sheet
footnote 3), the Arcline Origin Shield cost at the byte-weighted absorption, the break-even,
the 19:00 fetch rate after collapsing; asserts inputs are in the material and results are in
the reference.
"""
import json
import math
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}
mail = att["Email thread: WD-12 for Tuesday (2 Dec 2026)"]
inc = att["INC-2291 incident record (24 Nov 2026)"]
wd = att["WD-12 design proposal v2 (M. Duda)"]
arc = att["Arcline October usage report and property config"]
nc = att["Northcloud October invoice and price sheet (extracts)"]
nb = att["Notebook summary: origin miss analysis (27 Nov 2026)"]
sl = att["#media-delivery Slack excerpt (26-30 Nov 2026)"]


def has(text, s):
    assert s in text, f"not found: {s!r}"


def money(x):
    return f"{x:,.2f}"


# --- inputs -----------------------------------------------------------------------------------
has(arc, "Data delivered to clients          2,140 TB"); has(arc, "Cache hit ratio (a)                95.8 %")
has(arc, "(a) Cache hit ratio = requests served from edge cache / all edge requests.")
has(arc, "Origin fetches                     2,272 M"); has(arc, "rule  /p/*      cache: bypass; query: forward-all")
has(arc, "/img/ 81.2 %"); has(arc, "/v/ 88.6 %, /img/ 10.9 %")
has(nc, "448.0 TB          0.020/GB       8,960.00"); has(nc, "2,310 M           0.40/M           924.00")
has(nc, "Out to the internet, all services ........................................ USD 0.070/GB")
has(nc, "Data transferred out of compute instances, load balancers")
has(nc, "USD 1,120/month"); has(nc, "0.006/GB processed")
has(wd, "6 x nc.storage-8x"); has(wd, "set req.url = regsub(req.url"); has(wd, "fernlight-shield-ro")
has(wd, "Arcline's origin for all paths becomes the shield NLB")
has(wd, "= +USD 4,331.68 / month"); has(wd, "= USD 2,706.40"); has(wd, "= USD 7,038.08")
has(mail, "USD 0.0030 per GB served from the shield"); has(mail, "edges fall back to fetching directly from your origin")
has(inc, "14,600/s"); has(inc, "5,500 GET/HEAD per second per key prefix"); has(inc, "30-60 min"); has(inc, "v/20261124/")
has(nb, "by requests                  65 %            78 %"); has(nb, "by bytes                     58 %            71 %")
has(nb, "93 %")
has(sl, "covers our whole lon-1 account")

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
lo, hi = [float(x) for x in rub["c02"]["tolerance"].replace(" %", "").split("-")]
assert lo <= bhr * 100 <= hi

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
for s in ["31,360.00", "6,720.00", "795.2 M, plus 38 M non-Arcline = 833.2 M", "333.28", "**38,413.28**", "**+28,529.28**", "+USD 342k a year", "about USD 2.7k more"]:
    has(ref, s)
assert 37500 <= wd_real <= 41500 and 37500 <= wd_real + nlb <= 41500

# --- Arcline shield ---------------------------------------------------------------------------------
bucket = round(EG_TB * (1 - 0.58), 2)
assert bucket == 188.16 and round(bucket * 1000 * EG_RATE, 2) == 3763.20
fee = round(EG_TB * 1000 * FEE, 2)
assert fee == 1344.0
arc_total = round(3763.20 + fee + get_cost, 2)
assert arc_total == 5440.48 and round(today - arc_total, 2) == 4443.52
assert round(924.00 - get_cost, 2) == 590.72
b7 = round(EG_TB * 0.29, 2)
assert b7 == 129.92 and round(b7 * 1000 * EG_RATE, 2) == 2598.40
save7 = today - (2598.40 + fee + get_cost)
assert round(save7) == 5608
be = fee / (EG_TB * 1000 * EG_RATE)
assert round(be * 100) == 15
be_get = (fee - (924.00 - get_cost)) / (EG_TB * 1000 * EG_RATE)
assert 0.08 <= be_get <= 0.09
for s in ["448 TB x (1 - 0.58) = 188.16 TB x 0.020", "3,763.20", "448,000 GB x 0.0030", "1,344.00", "**5,440.48**", "**-4,443.52**",
          "**USD 590.72**", "448 x 0.29 = 129.92 TB = USD 2,598.40", "**USD 5,608**", "1,344 / 8,960 = **15 %**", "about 8 %"]:
    has(ref, s)

# --- the 19:00 peak ----------------------------------------------------------------------------------
peak = round(14600 * (1 - 0.93))
assert peak == 1022 and round(peak / 5500 * 100) == 19 and round(14600 / 256) == 57
has(ref, "14,600 x (1 - 0.93) = **1,022 fetches/s**"); has(ref, "about 19 %"); has(ref, "about 57/s per prefix")
assert round(bucket / 31, 1) == 6.1 and round(EG_TB / 31, 1) == 14.5
has(ref, "188 TB a month (about 6.1 TB a day)"); has(ref, "about 14.5 TB a day")

# --- rubric figures ------------------------------------------------------------------------------------
has(rub["c13"]["text"], "14,600 x 7 %"); has(rub["c12"]["text"], "USD 1,344 / egress USD 8,960")
print("cs-arch-0103: all checks passed")
