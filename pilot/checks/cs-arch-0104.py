"""Check script for cs-arch-0104: recomputes every number of the reference and rubric.

Parses the shadow-run report (daily rates and the mismatch breakdown), separates regressions
from lag, derives the duplicate COD payout exposure, the partition sizing at this season's peak
with the conditional consumer and for 2027, the ADR's own sizing, Trackr's CPU at the Christmas
forecast; asserts that inputs are in the material and results are in the reference.
"""
import datetime as dt
import json
import math
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}
mail = att["Email: Brennan on 14 Dec (C. Mendes, 1 Dec 2026)"]
adr = att["ADR-044 Tracking v2 draft v0.4 (S. Pillai)"]
schema = att["Trackr schema excerpt (views)"]
spec = att["Brennan Freight integration spec v3.2 (extract)"]
shadow = att["Shadow run report, 16-29 Nov 2026"]
helm = att["brennan-adapter Helm values and deploy log"]
cod = att["cod-remittance README (excerpt)"]
cap = att["Tracking platform capacity notes (1 Dec 2026)"]
slack = att["#tracking-v2 Slack excerpt (23 Nov - 1 Dec 2026)"]


def has(text, s):
    assert s in text, f"not found: {s!r}"


# --- inputs ---------------------------------------------------------------------------------------
has(schema, "ORDER BY e.parcel_id, e.scan_ts DESC, e.carrier_seq DESC")
has(adr, "Kafka guarantees ordering per key"); has(adr, "enable.idempotence=true"); has(adr, "increase scan-events to 48 partitions")
has(adr, "3,100 x 0.006 = 18.6 busy partitions; at 70 % that is 27")
has(helm, 'enable.idempotence: "false"'); has(helm, 'max.in.flight.requests.per.connection: "5"'); has(helm, "IDEMPOTENT_WRITE")
has(spec, "upload order, not scan order"); has(spec, "device_seq increases per device, not per parcel"); has(spec, "re-sends the final scan")
has(cod, "dedup table keyed by event_id"); has(cod, "11 % of parcels are COD; mean COD value GBP 41.20")
has(cap, "Cyber Monday 30 Nov 26  4,350 /s     (Trackr primary CPU 81 %)"); has(cap, "Christmas week 2026 peak about 4,600 /s")
has(cap, "+25 % on 2026"); has(cap, "about 90 % CPU"); has(cap, "6.0 ms mean"); has(cap, "8.4 ms mean")
has(cap, "6 brokers, target partitions multiple of 6"); has(cap, "<= 70 %")
has(mail, "18 Dec to 4 Jan"); has(slack, "settlement file goes to /dev/null")

# --- shadow run -------------------------------------------------------------------------------------
rates = [float(x) for x in re.findall(r"^\d\d Nov\s+[\d,]+\s+(\d\.\d\d)", shadow, re.M)]
assert len(rates) == 14 and round(sum(rates) / 14, 2) == 0.41
assert max(rates) == 0.52 and round(sum(r for r in rates if r != 0.52) / 13, 2) == 0.40
has(ref, "**0.52 % on 24 Nov")
br = {k: int(v.replace(",", "")) for k, v in re.findall(r"^  (.+?)\s{2,}([\d,]+)$", shadow, re.M)}
behind = br["OUT_FOR_DELIVERY / DELIVERED"] + br["IN_TRANSIT / OUT_FOR_DELIVERY"] + br["AT_DEPOT / IN_TRANSIT"]
lag = br["new status ahead of Trackr (lag)"]
assert behind + lag == br["total"] == 6642 == round(1.62e6 * 0.0041)
assert behind == 6075 and lag == 567 and round(behind / 1.62e6 * 100, 3) == 0.375
for s in ["6,642", "**6,075 a day (0.375 % of 1.62 M)**", "Only 567 a day", "OUT_FOR_DELIVERY/DELIVERED 2,480"]:
    has(ref, s)

# --- COD exposure -------------------------------------------------------------------------------------
par = br["OUT_FOR_DELIVERY / DELIVERED"] * 0.11
assert round(par, 1) == 272.8 and round(par) == 273
gbp = par * 41.20
assert round(gbp) == 11239
has(ref, "**about 273 parcels a day**"); has(ref, "**about GBP 11,239 a day**")

# --- partitions ---------------------------------------------------------------------------------------
PEAK, SVC_B, UTIL = 4350, 0.0084, 0.7
busy = PEAK * SVC_B
assert round(busy, 2) == 36.54 and round(busy / UTIL, 1) == 52.2 and math.ceil(busy / UTIL) == 53
assert round(busy / 48 * 100) == 76
p27 = PEAK * 1.25
assert p27 == 5437.5 and round(p27 * SVC_B, 3) == 45.675 and round(p27 * SVC_B / UTIL, 2) == 65.25 and math.ceil(p27 * SVC_B / UTIL) == 66
assert 66 % 6 == 0 and round(p27 * SVC_B / 66 * 100) == 69
chosen = 66 + 6
assert round(busy / chosen * 100) == 51
has(ref, "36.54 / 72 = 51 %")
assert chosen == 72 and round(p27 * SVC_B / chosen * 100) == 63
assert 3100 * 0.006 == 18.6 and math.ceil(18.6 / 0.7) == 27
for s in ["**4,350/s**", "**8.4 ms**", "4,350 x 0.0084 = **36.54**", "36.54 / 0.7 = **52.2, so at least 53 partitions**", "36.54 / 48 = **76 %**",
          "4,350 x 1.25 = 5,437.5/s x 0.0084 = 45.675, / 0.7 = **65.25, so at least 66**", "**Recommendation: 72 partitions.**", "45.675 / 72 = 63 %"]:
    has(ref, s)

# --- Trackr headroom ------------------------------------------------------------------------------------
cpu = 81 * 4600 / 4350
assert round(cpu, 1) == 85.7
has(ref, "81 % x 4,600 / 4,350 = **about 85.7 %**")
at90 = 90 / 81 * PEAK
assert 4800 <= at90 <= 4850
has(ref, "about 4,800/s")

# --- dates -----------------------------------------------------------------------------------------------
assert dt.date(2026, 12, 14).strftime("%a") == "Mon" and dt.date(2026, 12, 9).strftime("%a") == "Wed"
assert (dt.date(2026, 12, 18) - dt.date(2026, 12, 14)).days == 4
assert (dt.date(2026, 12, 14) - dt.date(2026, 12, 3)).days == 11
assert dt.date(2027, 1, 11).strftime("%a") == "Mon" and (dt.date(2027, 1, 11) - dt.date(2026, 12, 14)).days == 28
assert dt.date(2026, 12, 11).strftime("%a") == "Fri"
for s in ["four days before a freeze", "11 days left", "week of 11 Jan 2027", "about four weeks later", "Fri 11 Dec"]:
    has(ref, s)
print("cs-arch-0104: all checks passed")
