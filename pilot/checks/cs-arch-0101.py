"""Check script for cs-arch-0101: recomputes every number of the reference and rubric.

Derives the quorum latencies per failure state from the RTT matrix and the network's actual
paths (SLO<->lon-1 transits LDS core until FL-2207; the backup tunnel VPN-0007 at its peak
re-test figure), the gate-budget consequences, the async-DR loss, the takeover-site pod count
from CPU and from connection concurrency, and the dates; asserts each input is in the material
and each result is stated in the reference answer.
"""
import datetime as dt
import json
import math
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}
mail = att["Email: board resilience mandate (19 Oct 2026)"]
pir = att["PIR-2026-017 post-incident review, LDS power loss 11 Oct (extract)"]
net = att["#net-ops channel export, 24 Nov - 2 Dec 2026"]
prop = att["WC-DP-014 design proposal v0.3 (P. Nair)"]
cap = att["wallet-core capacity and monitoring notes (T. Wilk, O. Adeyemi)"]


def has(text, s):
    assert s in text, f"not found: {s!r}"


# --- inputs ------------------------------------------------------------------------------------
has(prop, "LDS      0.2     8.0     3.5")
has(prop, "4.0 (2)")
has(prop, "5.0 + 2 x 4.0 = 13.0 ms")
has(prop, "(2) No smokeping target SLO-CLD yet; figure from the network design pack v2")
has(net, "ordered, RFS 15-Mar-2027  Farline; design RTT 4.0 ms")
has(net, "SLO<->lon-1 prefixes also transit here via LDS core (interim until FL-2207)")
has(net, "IPsec over BW-0091")
has(net, "BW-0091   SLO edge       internet")
has(net, "RTT p50 9.1 ms, p99 29 ms")
has(net, "iperf UDP at 100 Mbit/s")
has(net, "RTT p50 14.2 ms, p99 41 ms, loss 0.2 %")
has(net, "08:02-08:24 today")
has(net, "slipped twice")
has(net, "change freeze 18 Dec - 4 Jan")
has(pir, "07:09  Ticketing portal (lon-1) on-call: SLO print-and-post batch failing")
has(pir, "10:04  Core routing up. Ticketing portal: SLO print-and-post batch reconnects")
has(cap, "p99 txn time (ms) = 5.0 + 2 x RTT")
has(cap, "32, 64 ms injected RTT")
has(cap, "about 90 Mbit/s")
has(cap, "Tue 17 Nov      08:14         2,640        2,513                 127")
has(cap, "One pod: 400 tx/s at the 70 % CPU ceiling")
has(cap, "16 connections per pod (max_connections per DB node is 600)")
has(cap, "at or below 70 %")
has(cap, "SLO: 8 pods warm standby")
has(cap, "08:14:20  lag_s=41.0")
has(cap, "Mean top-up value October: GBP 12.40")
has(cap, "radio + gate 70, network to wallet-core 20, wallet-core API 25, DB transaction 60, return path and display 75")
has(cap, "If no response in 400 ms")
has(prop, "Peak is 1,900 tx/s")
has(prop, "election timeout 3 s")
has(prop, "every 10 s and fails over after 3 misses; DNS TTL 30 s")
has(prop, "B +GBP 14.2k/month")
has(prop, "C +GBP 23.9k/month")
has(mail, "GBP 38k/month")

BASE, LOCAL = 5.0, 0.2
TUNNEL_OFFPEAK, TUNNEL_PEAK, FL2207 = 29.0, 41.0, 4.0
rtt = {("LDS", "SLO"): 8.0, ("LDS", "CLD"): 3.5}
# the tunnel test at peak carried more than the replication stream it must carry
assert 100 >= 90


def link(a, b, lost, sc_path):
    """RTT between sites a and b with site `lost` down; sc_path is the SLO-CLD mode."""
    if a == b:
        return LOCAL
    k = tuple(sorted((a, b)))
    if k == ("CLD", "SLO"):
        if sc_path == "via-LDS":
            return None if lost == "LDS" else rtt[("LDS", "SLO")] + rtt[("LDS", "CLD")]
        return {"tunnel": TUNNEL_PEAK, "tunnel-offpeak": TUNNEL_OFFPEAK, "fl2207": FL2207}[sc_path]
    return rtt[k] if k in rtt else rtt[(k[1], k[0])]


def commit(placement, lost, sc_path, lease_pref=("LDS", "SLO", "CLD")):
    """p99 txn time, or None if no majority can form around a preferred leaseholder."""
    reps = [s for s in placement if s != lost]
    q = len(placement) // 2 + 1
    for leader in lease_pref:
        if leader not in reps:
            continue
        others = list(reps)
        others.remove(leader)
        r = sorted(x for x in (link(leader, o, lost, sc_path) for o in others) if x is not None)
        if len(r) + 1 >= q:
            return round(BASE + 2 * r[q - 2], 1)
        return None
    return None


B = ["LDS", "SLO", "CLD"]
C = ["LDS", "LDS", "SLO", "SLO", "CLD"]
for P in (B, C):
    assert commit(P, None, "via-LDS") == 12.0
    assert commit(P, "CLD", "via-LDS") == 21.0
    assert commit(P, "SLO", "via-LDS") == 12.0
    assert commit(P, "LDS", "via-LDS") is None          # partition: no majority
    assert commit(P, "LDS", "tunnel") == 87.0
    assert commit(P, "LDS", "tunnel-offpeak") == 63.0
    assert commit(P, "LDS", "fl2207") == 13.0
assert rtt[("LDS", "SLO")] + rtt[("LDS", "CLD")] == 11.5
for s in ["**12.0 ms**", "**21.0 ms**", "**87.0 ms**", "**13.0 ms**", "**no: 2 of 5**", "8.0 + 3.5 = 11.5 ms",
          "5.0 + 2 x 41 = **87.0 ms**", "off-peak tunnel figure (63.0 ms)"]:
    has(ref, s)
T = 87.0
# gate budget
other = 70 + 20 + 25 + 75
assert other == 190 and other + T == 277 and T - 60 == 27
has(ref, "70 + 20 + 25 + 87 + 75 = **277 ms**"); has(ref, "27 ms over the 60 ms DB budget")
assert 400 - other == 210 and (210 - BASE) / 2 == 102.5
has(ref, "400 - 190 = 210 ms"); has(ref, "(210 - 5.0) / 2 = **102.5 ms**")
assert (60 - BASE) / 2 == 27.5
has(ref, "(60 - 5.0) / 2 = 27.5 ms")

# --- Option A loss -----------------------------------------------------------------------------------
peak, topups, lag, val = 2640, 127, 41, 12.40
assert 2513 + 127 == peak
assert peak * lag == 108240 and topups * lag == 5207 and round(5207 * val) == 64567
for s in ["2,640 x 41 = **108,240**", "127 x 41 = **5,207**", "5,207 x GBP 12.40 = **GBP 64,567**"]:
    has(ref, s)

# --- pods ---------------------------------------------------------------------------------------------
POOL, UTIL, CPU = 16, 0.7, 400
assert math.ceil(peak / CPU) == 7 and peak / CPU == 6.6
has(ref, "2,640 / 400 = 6.6, so **7 pods**")
inuse = peak * T / 1000
assert round(inuse, 2) == 229.68 and round(inuse / UTIL, 1) == 328.1 and round(inuse / UTIL / POOL, 2) == 20.51
assert math.ceil(inuse / UTIL / POOL) == 21
for s in ["2,640 x 0.087 s = **229.68**", "229.68 / 0.7 = **328.1**", "328.1 / 16 = 20.51", "**21 pods**"]:
    has(ref, s)
assert 8 * POOL == 128 and round(inuse / 128 * 100) == 179
has(ref, "8 x 16 = 128"); has(ref, "**179 %**")
off = peak * 0.063
assert round(off, 2) == 166.32 and math.ceil(off / UTIL / POOL) == 15 and 21 - 15 == 6
has(ref, "2,640 x 0.063 = 166.32 in use and 15 pods: six pods short")
fl = peak * 0.013
assert round(fl, 2) == 34.32 and round(fl / UTIL, 1) == 49.0 and math.ceil(fl / UTIL / POOL) == 4
has(ref, "2,640 x 0.013 = 34.32"); has(ref, "49.0 slots")
assert 8 * 42 == 336 and 336 >= inuse / UTIL > 8 * 41 and 336 <= 600
has(ref, "pool of 42 each (336 slots")
old = 1900 * T / 1000
assert round(old, 1) == 165.3 and round(old / UTIL, 1) == 236.1 and math.ceil(old / UTIL / POOL) == 15
has(ref, "1,900 x 0.087 = 165.3 connections, 236.1 slots, 15 pods")
assert 24 * POOL == 384 and round(peak * 0.021, 1) == 55.4
has(ref, "24 x 16 = 384"); has(ref, "2,640 x 0.021 = 55.4")
# sensitivities
assert round(peak * 0.020 / UTIL / POOL, 1) == 4.7
has(ref, "2,640 x 0.020 / 0.7 / 16 = 4.7")
w8 = 8 * POOL * UTIL / peak * 1000
assert round((w8 - BASE) / 2, 1) == 14.5
has(ref, "about 14.5 ms")
p15 = round(peak * 1.15)
assert p15 == 3036 and round(p15 * 0.087 / UTIL / POOL, 1) == 23.6 and math.ceil(p15 * 0.087 / UTIL / POOL) == 24
has(ref, "3,036 x 0.087 / 0.7 / 16 = 23.6, so 24 pods")

# --- RTO, storage, cost, dates ------------------------------------------------------------------------
assert 3 + 3 * 10 + 30 == 63
has(ref, "3 + 30 + 30 = **63 s**")
assert round(3 * 3.2, 1) == 9.6 and round(5 * 3.2, 1) == 16.0
has(ref, "16.0 TB instead of 9.6 TB")
assert 23.9 < 38 and 14.2 < 38
assert (dt.date(2027, 3, 15) - dt.date(2027, 2, 1)).days == 42
has(ref, "**42 days**")
# the peak re-test sample length
assert (dt.datetime(2026, 12, 1, 8, 24) - dt.datetime(2026, 12, 1, 8, 2)).seconds // 60 == 22
has(ref, "22-minute sample")

# --- rubric numbers agree with the computation ---------------------------------------------------------
has(rub["c09"]["text"], "about 87 ms (5.0 + 2 x 41)")
has(rub["c12"]["text"], "2,640 tx/s x 0.087 s = about 230")
has(rub["c12"]["text"], "about 328 pool slots, i.e. 21 pods of 16")
has(rub["c13"]["text"], "about 180 %")
has(rub["c18"]["text"], "102.5 ms")
has(rub["c24"]["text"], "p99 41 ms at 100 Mbit/s")
has(rub["c25"]["text"], "about 277 ms")
print("cs-arch-0101: all checks passed")
