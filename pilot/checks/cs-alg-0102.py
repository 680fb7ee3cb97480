"""Check script for cs-alg-0102: recomputes every number of the reference and rubric.

Simulates Orvane's per-minute pattern (2,700 scan requests evenly over the first 3.0 s, 3 lookups/s)
under the fixed window, the draft's two-counter estimate and the exact rolling rule, and recomputes
the memory and fallback figures from the capacity report.
"""
import json
import math
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}


def has(text, s):
    assert s in text, f"not found: {s!r}"


log = att["Gateway log extract and key profile (Orvane)"]
stats = att["Gateway capacity report, week 47 (extract)"]
contract = att["Orvane MSA Schedule 3 extract and Order Form Amendment 2"]
vendor = att["Geomatrix wholesale agreement, Appendix C (extract)"]
tiers = att["tiers.yaml (excerpt)"]
esc = att["ESC-3391 escalation thread"]
draft = att["LIM-88 draft v0.3 (P. Raman)"]
for s in ["2,700 requests per minute, all in the first 3.0 s", "3 requests per second", "Total 2,880",
          "380 per minute, of which 208 are scan-geocode and 172 lookup", "16.1 % to 17.2 %"]:
    has(log, s)
has(contract, "Request limit: 3,000 requests per minute"); has(tiers, "gold:        { limit_per_min: 2500 }")
has(vendor, "110 % of the Dedicated Capacity Block in any rolling 60-second period")
has(esc, "On a 429 it logs the row and moves on"); has(esc, "about 12,500 scan events an hour")
has(draft, "2.4 M x 3,000 x 8 B = 57.6 GB")

# --- the traffic pattern in integer ticks of 1/1800 s ------------------------------------------
TICK = 1800
MIN = 60 * TICK
def minute(m):
    return [(m * MIN + 2 * i, "B") for i in range(2700)] + [(m * MIN + 300 + 600 * k, "T") for k in range(180)]
events = sorted(e for m in range(8) for e in minute(m))
assert sum(1 for t, _ in events if t < MIN) == 2880

# true rolling count (accept-all) never exceeds 2,880
import bisect
ts = [t for t, _ in events]
peak = max(i - bisect.bisect_right(ts, t - MIN) + 1 for i, t in enumerate(ts))
assert peak == 2880

# fixed window at 2,500
rej = {"B": 0, "T": 0}; cnt = 0
first = None
for t, k in events[:2880]:
    if cnt < 2500:
        cnt += 1
    else:
        rej[k] += 1
        first = first if first is not None else t
assert rej == {"B": 208, "T": 172} and sum(rej.values()) == 380
assert round(first / TICK, 3) == 2.769
has(ref, "about 2.769 s"); has(ref, "**380 per minute**"); has(ref, "**208 scan-geocode**"); has(ref, "**172 lookups**")
assert round(2700 - 900 * 2.769) == 208 and round(180 - 3 * 2.769) == 172
assert 208 * 60 == 12480; has(ref, "**12,480 scan events an hour**")
# fixed window at 3,000 rejects nothing
assert 2880 < 3000

# vendor ceiling
assert round(3000 * 1.10) == 3300; has(ref, "**more than 3,300 in any rolling 60 s**")

# draft's two-counter estimate (accepted only), starting from an empty previous minute
acc = {}; rj = {}; first_rej = None
for t, k in events:
    w, e = divmod(t, MIN)
    est = acc.get(w - 1, 0) * (MIN - e) / MIN + acc.get(w, 0)
    if est < 3000:
        acc[w] = acc.get(w, 0) + 1
    else:
        rj[w] = rj.get(w, 0) + 1
        if first_rej is None:
            first_rej = (e, acc.get(w, 0))
assert acc[0] == 2880 and acc[1] == 435 and rj[1] == 2445
assert acc[2] == 2758 and acc[3] == 551
assert first_rej[1] == 127 and round(first_rej[0] / TICK, 2) == 0.14
# hand derivation
assert round(120 / 855, 2) == 0.14 and 2880 / 60 == 48 and 120 + 48 * 3 + 3 * 57 == 435
for s in ["≈ **0.14 s**", "about **127** requests", "= **435**", "**2,445 of 2,880**", "about 2,758 accepted, then 551"]:
    has(ref, s)
# one-hour average of the oscillation is above 1,000 rejections a minute
acc = {}; rj = {}
for t, k in sorted(e for m in range(60) for e in minute(m)):
    w, e = divmod(t, MIN)
    if acc.get(w - 1, 0) * (MIN - e) / MIN + acc.get(w, 0) < 3000:
        acc[w] = acc.get(w, 0) + 1
    else:
        rj[w] = rj.get(w, 0) + 1
assert sum(rj.values()) / 59 > 1000

# --- memory -------------------------------------------------------------------------------------
keys = 41 + 6300 + 2380000
accepted = 38900 + 1020000 + 7900000
assert keys == 2386341 and accepted == 8958900
for s in ["2,386,341", "8,958,900"]:
    has(stats, s)
assert round(accepted * 8 / 1e6, 1) == 71.7 and round(accepted * 4 / 1e6, 1) == 35.8
overhead = keys * 64 / 1e6
assert round(overhead) == 153 and abs(accepted * 8 / 1e6 + overhead - 225) < 1
has(ref, "**8,958,900 timestamps**"); has(ref, "**≈ 71.7 MB at 8 B** (35.8 MB at 4 B)")
has(ref, "2,386,341 keys × ~64 B ≈ 153 MB"); has(ref, "about **225 MB**")
worst = 61000 + 6300 * 600 + 2380000 * 60
assert worst == 146641000 and round(worst * 8 / 1e9, 2) == 1.17 and round(worst * 4 / 1e9, 2) == 0.59
has(ref, "**146,641,000 timestamps**"); has(ref, "**≈ 1.17 GB at 8 B** (0.59 GB at 4 B)")
assert round(26 - 1.9) == 24; has(ref, "24 GB free")
assert 2400000 * 3000 * 8 / 1e9 == 57.6; has(ref, "57.6 GB")
assert 6 * 3000 == 18000 and 2 * 3000 == 6000
has(ref, "6 × 3,000 = 18,000"); has(ref, "2 × 3,000 = **6,000**")

# --- fallback -----------------------------------------------------------------------------------
cap = 3300 // 6
assert cap == 550 and 6 * cap <= 3300 and 3300 // 5 == 660
even = 2880 / 6
assert even == 480 and round((cap / even - 1) * 100, 1) == 14.6 and round(2880 * 0.172) == 495
has(ref, "⌊3,300/6⌋ = **550**"); has(ref, "about 480"); has(ref, "**14.6 %**"); has(ref, "⌊3,300/5⌋ = 660")
has(ref, "at most about 495")

# --- rubric figures agree ---------------------------------------------------------------------
has(rub["c02"]["text"], "380"); has(rub["c04"]["text"], "12,480"); has(rub["c07"]["text"], "2,445")
has(rub["c14"]["text"], "8.96 million"); has(rub["c15"]["text"], "146.6 million"); has(rub["c20"]["text"], "550")
has(rub["c21"]["text"], "14.6 %")
print("cs-alg-0102: all checks passed")
