"""Check script for cs-arch-0101: recomputes every number of the reference and rubric.

Derives the quorum latencies per failure state from the RTT matrix and the network's actual
paths (SLO<->lon-1 transits the LDS core until FL-2207: the measured SLO-CLD RTT is the sum of
the two LDS legs, and no in-service circuit joins SLO to lon-1; VPN-0007 carries only the batch
and portal prefixes until re-scoped; the tunnel at its peak re-test figure), the zones that still
inherit the LDS-only default, the acquirer allow-list, the gate-budget consequences, the
async-DR loss, the takeover-site pod count from CPU and from connection concurrency, the RTO,
and the dates; asserts each input is in the material and each result is stated in the reference.
"""
import datetime as dt
import ipaddress as ip
import json
import math
import re
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


words = sum(len(a["content"].split()) for a in task["attachments"])
assert 1500 <= words <= 3500, words

# --- inputs ------------------------------------------------------------------------------------
has(prop, "LDS      0.2     8.0     3.5")
has(prop, "4.0 (2)")
has(prop, "5.0 + 2 x 4.0 = 13.0 ms")
has(prop, "(2) Network design pack v2, table 4.")
has(net, "ordered, RFS 15-Mar-2027  Farline; design RTT 4.0 ms; RFS moved twice")
has(net, "IPsec over BW-0091")
has(net, "RTT p50 9.1 ms, p99 29 ms")
has(net, "iperf UDP at 100 Mbit/s")
has(net, "RTT p50 14.2 ms, p99 41 ms, loss 0.2 %")
has(net, "08:02-08:24 today")
has(net, "change freeze 18 Dec - 4 Jan")
has(net, "BW-0091 is 70-80 % at that hour")
has(pir, "07:09  Ticketing portal (lon-1) on-call: SLO print-and-post batch failing")
has(pir, "10:04  Core routing up.")
has(pir, "10:05  Ticketing portal on-call: print-and-post batch reconnected")
has(pir, 'app banner "top-ups temporarily unavailable"')
has(cap, "p99 txn time (ms) = 5.0 + 2 x RTT")
has(cap, "injected delay with tc netem")
has(cap, "32, 64 ms injected RTT")
has(cap, "about 90 Mbit/s")
has(cap, "Tue 17 Nov      08:14         2,640        2,513                 127")
has(cap, "One pod: 400 tx/s at the 70 % CPU ceiling")
has(cap, "16 connections per pod (max_connections per DB node is 600)")
has(cap, "at or below 70 %")
has(cap, "SLO: 8 pods warm standby")
has(cap, "08:14:20  lag_s=41.0")
has(cap, "fare-cap recalculation batch runs weekdays from 07:55")
has(cap, "Mean top-up value October: GBP 12.40")
has(cap, "radio + gate 70, network to wallet-core 20, wallet-core API 25, DB transaction 60, return path and display 75")
has(cap, "If no response in 400 ms")
has(prop, "Peak is 1,900 tx/s")
has(prop, "election timeout 3 s")
has(prop, "every 10 s and fails over after 3 misses; DNS TTL 30 s")
has(prop, "B +GBP 14.2k/month")
has(prop, "C +GBP 23.9k/month")
has(prop, "B = 3 x 3.2 = 9.6 TB, C = 5 x 3.2 = 16.0 TB")
has(mail, "GBP 38k/month")
has(mail, "taps and top-ups after the loss of any one of our sites")

# --- the network as it runs: parse the inventory -----------------------------------------------
inv = {}
for line in net.splitlines():
    m = re.match(r"\s{2}((?:FL|NC-DX|BW|VPN|MP|OR|TT)-?\d+)\s+(.*)$", line)
    if m:
        inv[m.group(1)] = line
assert len(inv) == 16, sorted(inv)
in_service_to_lon1 = [k for k, v in inv.items() if "Northcloud lon-1" in v and "in service" in v]
assert sorted(in_service_to_lon1) == ["NC-DX-01", "NC-DX-02"]
assert all(re.search(r"\s{2}" + k + r"\s+LDS core", inv[k]) for k in in_service_to_lon1)
assert "FL-2207" in inv and "ordered" in inv["FL-2207"] and "VPN-0007" in inv and "built (test)" in inv["VPN-0007"]
assert "hold 90 s, no BFD" in inv["NC-DX-01"] and "hold 90 s, no BFD" in inv["NC-DX-02"]

# smokeping: SLO->lon-1 measured is the sum of the two LDS legs (it transits LDS)
sp = {}
for a, b, p50, p99 in re.findall(r"(\S+-mon01)\s+->\s+(\S+)\s+([\d.]+) / ([\d.]+)", net):
    sp[(a, b)] = (float(p50), float(p99))
ls, lc, sc = sp[("lds-mon01", "slo-mon01")], sp[("lds-mon01", "lon1-mon01")], sp[("slo-mon01", "lon1-mon01")]
assert ls == (6.1, 8.0) and lc == (2.6, 3.5) and sc == (8.9, 11.4)
assert round(ls[1] + lc[1], 1) == 11.5 and abs(sc[1] - (ls[1] + lc[1])) <= 0.2
assert round(ls[0] + lc[0], 1) == 8.7 and abs(sc[0] - (ls[0] + lc[0])) <= 0.3
has(ref, "8.0 + 3.5 = 11.5 ms at p99 and 6.1 + 2.6 = 8.7 ms at p50"); has(ref, "**p99 11.4 ms** (p50 8.9)")
assert round(5.0 + 2 * 11.4, 1) == 27.8
has(ref, "5.0 + 2 x 11.4 = 27.8 ms")
has(rub["c01"]["text"], "about 11.4 ms p99")

# VPN-0007 carries only the batch and portal prefixes, not the ledger subnets
adv = [ip.ip_network(x) for x in re.findall(r"adv (\d+\.\d+\.\d+\.\d+/\d+)", inv["VPN-0007"])]
assert [str(x) for x in adv] == ["10.40.16.0/24", "10.71.8.0/22"]
ledger = [ip.ip_network(x) for x in ("10.40.30.0/24", "10.71.40.0/24")]
has(prop, "SLO data VLAN (10.40.30.0/24)"); has(prop, "wallet-core VPC in lon-1 (10.71.40.0/24)")
assert not any(l.subnet_of(a) for l in ledger for a in adv)
for s in ["10.40.16.0/24", "10.71.8.0/22", "10.40.30.0/24", "10.71.40.0/24"]:
    has(ref, s); has(rub["c04"]["text"], s)

# Northpay: allow-list is the LDS NAT pool; SLO egress NAT differs
lds_nat = re.search(r"NAT pool (\S+);?", inv["BW-0044"]).group(1)
slo_nat = re.search(r"NAT pool (\S+);", inv["BW-0091"]).group(1)
assert lds_nat == "185.61.20.16/29" and slo_nat == "185.61.22.0/28"
m = re.search(r"Northpay allow-list moved to the new LDS NAT pool (\S+) .*?took (\d+) business days", cap)
assert m and m.group(1) == lds_nat and int(m.group(2)) == 23
assert not ip.ip_network(slo_nat).overlaps(ip.ip_network(lds_nat))
has(prop, "topup_commit is authorised with Northpay")
for s in ["**185.61.20.16/29**", "**185.61.22.0/28**", "**23 business days**"]:
    has(ref, s)
has(rub["c06"]["text"], lds_nat); has(rub["c06"]["text"], slo_nat); has(rub["c07"]["text"], "23 business days")
HOL = {dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1)}  # Christmas, Boxing Day (substitute), New Year
assert dt.date(2026, 12, 26).weekday() == 5  # Boxing Day is a Saturday, so Mon 28 Dec is the holiday


def add_bd(d, n):
    while n:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in HOL:
            n -= 1
    return d


assert add_bd(dt.date(2026, 12, 10), 23) == dt.date(2027, 1, 15)
assert add_bd(dt.date(2026, 12, 15), 23) == dt.date(2027, 1, 20)
assert dt.date(2026, 12, 10).strftime("%a") == "Thu" and dt.date(2027, 1, 15).strftime("%a") == "Fri"
assert dt.date(2027, 1, 20).strftime("%a") == "Wed" and dt.date(2027, 1, 27).strftime("%a") == "Wed"
has(ref, "**Thu 10 Dec (day after ARB"); has(ref, "about **Fri 15 Jan**"); has(ref, "(request 15 Dec) gives **Wed 20 Jan**")
has(ref, "skipping 25 Dec, 28 Dec and 1 Jan"); has(ref, "**Wed 27 Jan:**")

# zones still inheriting the LDS-only default after the proposal's ALTER DATABASE wallet
zones = dict(re.findall(r"^\s{3}((?:RANGE|DATABASE|TABLE) \S+)\s+(.*)$", cap, re.M))
assert "constraints = '[+site=lds]'" in zones["RANGE default"]
inherit = sorted(z for z, v in zones.items() if v == "(inherits RANGE default)")
assert inherit == ["DATABASE fares", "DATABASE system", "RANGE liveness", "RANGE meta", "RANGE system"], inherit
altered = re.findall(r"ALTER DATABASE (\w+) CONFIGURE ZONE", prop)
assert altered == ["wallet"]
has(prop, "lease_preferences = '[[+site=lds]]'")
has(prop, "tap_commit prices the tap from the fare tables (database fares)")
has(ref, "`constraints = '[+site=lds]'`"); has(ref, "`'[[+site=lds], [+site=slo]]'`")
has(rub["c21"]["text"], "+site=lds"); has(rub["c20"]["text"], "[[+site=lds]]")
assert "num_replicas = 1" in zones["DATABASE reporting_stage"] and 2 + 2 + 1 > 1
has(ref, "`reporting_stage` (num_replicas = 1)")

# --- quorum latencies -------------------------------------------------------------------------
BASE, LOCAL = 5.0, 0.2
TUNNEL_OFFPEAK, TUNNEL_PEAK, FL2207 = 29.0, 41.0, 4.0
rtt = {("LDS", "SLO"): 8.0, ("CLD", "LDS"): 3.5}
assert 100 >= 90  # the peak test carried more than the replication stream it must carry


def link(a, b, lost, sc_path):
    """RTT between sites a and b with site `lost` down; sc_path is how SLO and CLD are joined."""
    if a == b:
        return LOCAL
    k = tuple(sorted((a, b)))
    if k == ("CLD", "SLO"):
        if sc_path == "today":   # via the LDS core; VPN-0007 does not carry the ledger subnets
            return None if lost == "LDS" else sc[1]
        return {"tunnel": TUNNEL_PEAK, "tunnel-offpeak": TUNNEL_OFFPEAK, "fl2207": FL2207}[sc_path]
    return rtt[k]


def commit(placement, lost, sc_path, lease_pref=("LDS", "SLO")):
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
    assert commit(P, None, "today") == 12.0
    assert commit(P, "CLD", "today") == 21.0
    assert commit(P, "SLO", "today") == 12.0
    assert commit(P, "LDS", "today") is None          # partition: no majority
    assert commit(P, "LDS", "tunnel") == 87.0
    assert commit(P, "LDS", "tunnel-offpeak") == 63.0
    assert commit(P, "LDS", "fl2207") == 13.0
# without SLO in the lease preferences an LDS loss leaves lease placement undefined (could go to CLD)
assert commit(C, "LDS", "tunnel", lease_pref=("LDS",)) is None
for s in ["**12.0 ms**", "**21.0 ms**", "**87.0 ms**", "**13.0 ms**", "**no: 2 of 5**",
          "5.0 + 2 x 41 = **87.0 ms**", "off-peak tunnel figure (63.0 ms)"]:
    has(ref, s)
T = 87.0
other = 70 + 20 + 25 + 75
assert other == 190 and other + T == 277 and T - 60 == 27
has(ref, "70 + 20 + 25 + 87 + 75 = **277 ms**"); has(ref, "27 ms over the 60 ms DB budget")
assert 400 - other == 210 and (210 - BASE) / 2 == 102.5
has(ref, "400 - 190 = 210 ms"); has(ref, "(210 - 5.0) / 2 = **102.5 ms**")
assert (60 - BASE) / 2 == 27.5
has(ref, "(60 - 5.0) / 2 = 27.5 ms")
# breakout load at peak in the LDS-loss state
assert (700 + 90, 800 + 90) == (790, 890)
has(ref, "700-800 Mbit/s"); has(ref, "about 790-890 Mbit/s")

# --- Option A loss ----------------------------------------------------------------------------
peak, topups, lag, val = 2640, 127, 41, 12.40
assert 2513 + 127 == peak
assert max(2510, 2585, 2640, 1210, 2602) == peak
assert peak * lag == 108240 and topups * lag == 5207 and round(5207 * val) == 64567
for s in ["2,640 x 41 = **108,240**", "127 x 41 = **5,207**", "5,207 x GBP 12.40 = **GBP 64,567**"]:
    has(ref, s)

# --- pods -------------------------------------------------------------------------------------
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
assert 8 * 42 == 336 and 336 >= inuse / UTIL > 8 * 41 and 336 <= 600 and 21 * 16 == 336
has(ref, "pool of 42 each (336 slots"); has(ref, "21 x 16 = 336 connections")
old = 1900 * T / 1000
assert round(old, 1) == 165.3 and round(old / UTIL, 1) == 236.1 and math.ceil(old / UTIL / POOL) == 15
has(ref, "1,900 x 0.087 = 165.3 connections, 236.1 slots, 15 pods")
assert 24 * POOL == 384 and round(peak * 0.021, 1) == 55.4
has(ref, "24 x 16 = 384"); has(ref, "2,640 x 0.021 = 55.4")
# pool limit of 21 pods expressed as a tunnel p99
held = 21 * POOL * UTIL
t21 = held / peak * 1000
assert round(held, 1) == 235.2 and round(t21, 1) == 89.1 and round((t21 - BASE) / 2, 1) == 42.0
has(ref, "21 x 16 x 0.7 = 235.2"); has(ref, "89.1 ms"); has(ref, "about **42.0 ms**")
# sensitivities
assert round(peak * 0.020 / UTIL / POOL, 1) == 4.7
has(ref, "2,640 x 0.020 / 0.7 / 16 = 4.7")
w8 = 8 * POOL * UTIL / peak * 1000
assert round((w8 - BASE) / 2, 1) == 14.5
has(ref, "about 14.5 ms")
p15 = round(peak * 1.15)
assert p15 == 3036 and round(p15 * 0.087 / UTIL / POOL, 1) == 23.6 and math.ceil(p15 * 0.087 / UTIL / POOL) == 24
has(ref, "3,036 x 0.087 / 0.7 / 16 = 23.6, so 24 pods")

# --- RTO, storage, cost, dates ----------------------------------------------------------------
assert 3 + 3 * 10 + 30 == 63 and 90 + 3 == 93 and max(90 + 3, 3 * 10 + 30) == 93 and 93 < 300
has(ref, "3 + 30 + 30 = **63 s**"); has(ref, "90 + 3 = **93 s**")
lo, hi = (int(x) for x in re.findall(r"\d+", rub["c29"]["tolerance"]))
assert lo <= 63 and 93 <= hi <= 300
assert round(3 * 3.2, 1) == 9.6 and round(5 * 3.2, 1) == 16.0
has(ref, "16.0 TB instead of 9.6 TB")
assert 23.9 < 38 and 14.2 < 38
has(ref, "B +GBP 14.2k/month, C +GBP 23.9k/month, against GBP 38k")
assert (dt.date(2027, 3, 15) - dt.date(2027, 2, 1)).days == 42
has(ref, "**42 days**")
assert (dt.datetime(2026, 12, 1, 8, 24) - dt.datetime(2026, 12, 1, 8, 2)).seconds // 60 == 22
has(ref, "22-minute sample")

# --- rubric numbers agree with the computation ------------------------------------------------
has(rub["c15"]["text"], "about 87 ms (5.0 + 2 x 41)")
has(rub["c18"]["text"], "2,640 tx/s x 0.087 s = about 230")
has(rub["c18"]["text"], "about 328 pool slots, i.e. 21 pods of 16")
has(rub["c19"]["text"], "about 180 %")
has(rub["c25"]["text"], "102.5 ms"); has(rub["c25"]["tolerance"], "about 42 ms")
has(rub["c14"]["text"], "p99 41 ms at 100 Mbit/s")
has(rub["c16"]["text"], "about 277 ms")
has(rub["c10"]["text"], "about 5,200"); has(rub["c10"]["text"], "about GBP 64,600")
has(rub["c26"]["tolerance"], "about 42 days")
print("cs-arch-0101: all checks passed")
