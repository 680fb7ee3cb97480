"""Check script for cs-alg-0101: recomputes every number of the reference and rubric.

Runs the reference algorithm (DP over per-service progress vectors) and an exhaustive
enumeration of all feasible orders, and asserts that they agree with each other and with the
figures stated in the reference answer and rubric.
"""
import functools
import json
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}
channel = att["#inc-4471 channel export (excerpt)"]
runbook = att["RB-DB-07 recovery host procedure v3.2 (extract)"]
costs = att["FY26 downtime cost table (finance)"]
ticket = att["PLAT-2210 ticket"]


def has(text, s):
    assert s in text, f"not found: {s!r}"


def hhmmss(s):
    h, m, x = map(int, s.split(":"))
    return 3600 * h + 60 * m + x


# --- inputs, each asserted to be in the material -------------------------------------------
has(channel, "[03:14:55] INFO  stanza=ledger repo=vault-lon restore start")
has(channel, "[03:18:55] INFO  restore complete: 60.0 GB written")
secs = hhmmss("03:18:55") - hhmmss("03:14:55")
assert secs == 240
rate = 60.0 * 1000 / secs
assert rate == 250
has(ref, "60,000 MB in 240 s = **250 MB/s**")
has(runbook, "400 MB/s")
has(channel, "every auth posts its hold entry to the ledger in the same request")
has(runbook, "N2 resolves each event's merchant endpoint URL and signing key through the portal_ro foreign server (portal-db)")
has(runbook, "the services are independent on the recovery path")
# WAL: DBA's weekday estimate, October accrual WAL, scheduler line proving the run happened
has(channel, "about 96 GB at the normal weekday rate")
has(channel, "replay ran at 2.4 GB/min")
has(channel, "October's run alone wrote ~72 GB of WAL")
has(channel, "run=2026-11-30T23:04:11Z  state=SUCCEEDED  ended=2026-12-01T01:52:40Z")
has(channel, "change freeze since 00:00")
has(channel, "finishes around 04:30")
wal_weekday, wal_accrual, replay_rate = 96, 72, 2.4
wal = wal_weekday + wal_accrual
assert wal == 168 and wal / replay_rate == 70 and wal_weekday / replay_rate == 40
has(ref, "96 + 72 = **168 GB**"); has(ref, "**70 min**")
# accrual ended 01:52, crash 02:41 -> 49 minutes before
assert hhmmss("02:41:00") - hhmmss("01:52:00") == 49 * 60
has(ref, "49 minutes before the crash")

volumes = {"L1": 720, "P1": 180, "M1": 270, "N1": 90}
for j, gb in volumes.items():
    has(runbook, f"{j}  restore base backup")
    has(runbook, f"{gb} GB")
fixed = {"L3": 30, "P2": 10, "P3": 25, "M2": 15, "N2": 8}
for j, mins in fixed.items():
    has(runbook, f"{mins} min")
weights = {"P2": 270, "L2": 100, "M1": 55, "N2": 40, "L3": 35, "P3": 25, "M2": 24, "N1": 11, "P1": 5, "L1": 0}
for j, w in weights.items():
    has(costs, f"| {j} | {w} |")
chains = [["L1", "L2", "L3"], ["P1", "P2", "P3"], ["M1", "M2"], ["N1", "N2"]]
cross = [("L2", "P2"), ("M1", "N2")]


def jobs_at(rate_mb_s, l2=70.0):
    per_min = rate_mb_s * 60 / 1000  # GB per minute
    d = {j: gb / per_min for j, gb in volumes.items()}
    d.update(fixed)
    d["L2"] = l2
    return {j: (d[j], weights[j]) for j in d}


def cost(order, jobs):
    t = c = 0
    for j in order:
        t += jobs[j][0]
        c += jobs[j][1] * t
    return c


def feasible(order, cross=cross):
    idx = {j: i for i, j in enumerate(order)}
    ok = all(idx[a] < idx[b] for c in chains for a, b in zip(c, c[1:]))
    return ok and all(idx[a] < idx[b] for a, b in cross)


def dp(jobs, cross=cross, start=(0, 0, 0, 0)):
    k = len(chains)
    pos = {j: (ci, i) for ci, c in enumerate(chains) for i, j in enumerate(c)}

    @functools.lru_cache(None)
    def f(s):
        t = sum(jobs[chains[ci][i]][0] for ci in range(k) for i in range(s[ci]))
        if all(s[ci] == len(chains[ci]) for ci in range(k)):
            return (0, ())
        best = None
        for ci in range(k):
            if s[ci] < len(chains[ci]):
                j = chains[ci][s[ci]]
                if not all(s[pos[a][0]] > pos[a][1] for a, b in cross if b == j):
                    continue
                ns = list(s); ns[ci] += 1
                c, seq = f(tuple(ns))
                c += jobs[j][1] * (t + jobs[j][0])
                if best is None or c < best[0] - 1e-9:
                    best = (c, (j,) + seq)
        return best
    return f(tuple(start))


def all_orders(cross=cross):
    out = []
    def rec(s, order):
        if len(order) == 10:
            if feasible(order, cross):
                out.append(tuple(order))
            return
        for ci, c in enumerate(chains):
            if s[ci] < len(c):
                s[ci] += 1; order.append(c[s[ci] - 1]); rec(s, order); order.pop(); s[ci] -= 1
    rec([0] * 4, [])
    return out


J = jobs_at(250)
assert (J["L1"][0], J["P1"][0], J["M1"][0], J["N1"][0]) == (48, 12, 18, 6)
R = jobs_at(400)
assert (R["L1"][0], R["P1"][0], R["M1"][0], R["N1"][0]) == (30, 7.5, 11.25, 3.75)
for s in ["**48 min**", "**12 min**", "**18 min**", "**6 min**", "30 min)", "7.5 min", "11.25 min", "3.75 min"]:
    has(ref, s)
assert sum(p for p, _ in J.values()) == 242
has(ref, "**242 min**")


def clock(mins):
    h, mm = divmod(3 * 60 + 52 + int(round(mins)), 60)
    return f"{h:02d}:{mm:02d}"


assert clock(242) == "07:54"; has(ref, "**07:54**")

# --- optimum: DP versus brute force ----------------------------------------------------------
best_cost, best = dp(J)
orders = all_orders()
assert len(orders) == 10500 and len(all_orders([("L2", "P2")])) == 12600
has(ref, "**10,500**"); has(ref, "all 10,500 orders")
costs_all = {o: cost(o, J) for o in orders}
m = min(costs_all.values())
argmins = [o for o, c in costs_all.items() if abs(c - m) < 1e-9]
assert abs(m - best_cost) < 1e-9 and argmins == [best], (m, best_cost, argmins)
A = ("M1", "N1", "N2", "L1", "L2", "P1", "P2", "M2", "L3", "P3")
assert best == A and best_cost == 82917
has(ref, "**£82,917**")
has(rub["c15"]["text"], ", ".join(A))
has(rub["c16"]["text"], "GBP 82,917")
t, times = 0, {}
for j in best:
    t += J[j][0]; times[j] = t
assert [times[j] for j in best] == [18, 24, 32, 80, 150, 162, 172, 187, 217, 242]
for j in best:
    has(ref, f"{clock(times[j])} (t={int(times[j])})")
assert clock(times["P2"]) == "06:44"
has(rub["c17"]["text"], "06:44"); has(rub["c17"]["text"], "07:54")
terms = [weights[j] * times[j] for j in best]
has(ref, " + ".join(f"{int(v):,}" for v in terms)); assert sum(terms) == 82917
has(ref, f"L1 ledger base restore | 48 | {clock(32)} | {clock(80)}")

# --- the greedies and the wrong methods -----------------------------------------------------
def greedy(key):
    s, order = [0] * 4, []
    while len(order) < 10:
        cand = [c[s[i]] for i, c in enumerate(chains)
                if s[i] < len(c) and all(a in order for a, b in cross if b == c[s[i]])]
        j = min(cand, key=key); order.append(j)
        s[[i for i, c in enumerate(chains) if j in c][0]] += 1
    return order


g_ratio = greedy(lambda j: -J[j][1] / J[j][0])
g_spt = greedy(lambda j: J[j][0])
g_maxw = greedy(lambda j: -J[j][1])
assert cost(g_ratio, J) == 85792 and cost(g_spt, J) == 87272 and cost(g_maxw, J) == 86221
for s in ["**£85,792**", "£87,272", "£86,221"]:
    has(ref, s)
for s in ["GBP 85,792", "GBP 87,272", "GBP 86,221"]:
    assert any(s in a for a in rub["c10"]["alternatives"])
ic = "M1 M2 N1 N2 P1 L1 L2 P2 P3 L3".split()
ic_l3 = "M1 M2 N1 N2 P1 L1 L2 P2 L3 P3".split()
assert feasible(ic) and cost(ic, J) == 86346 and cost(ic, J) - best_cost == 3429
assert feasible(ic_l3) and cost(ic_l3, J) == 86221
has(ref, "**£86,346**"); has(ref, "£3,429")
has(rub["c18"]["text"], "GBP 86,346"); has(rub["c18"]["tolerance"], "GBP 86,221")


def chain_ratio(jobs):
    rem, order = [list(c) for c in chains], []
    while any(rem):
        best_r = None
        for ci, c in enumerate(rem):
            P = W = 0
            for i, j in enumerate(c):
                P += jobs[j][0]; W += jobs[j][1]
                if best_r is None or W / P > best_r[0] + 1e-12:
                    best_r = (W / P, ci, i)
        _, ci, i = best_r
        order += rem[ci][:i + 1]; rem[ci] = rem[ci][i + 1:]
    return order


cr = chain_ratio(J)
assert cr[:2] == ["P1", "P2"] and not feasible(cr) and cost(cr, J) == 44394
assert (J["P1"][1] + J["P2"][1]) / (J["P1"][0] + J["P2"][0]) == 12.5
has(ref, "275/22 = 12.5"); has(ref, "£44,394")

# --- the order the 40-minute estimate gives, and what it costs tonight -----------------------
J40 = jobs_at(250, l2=40)
c40, B = dp(J40)
assert B == ("L1", "L2", "P1", "P2", "M1", "N1", "N2", "M2", "L3", "P3") and c40 == 68807
has(ref, "£68,807"); has(rub["c19"]["text"], ", ".join(B))
assert cost(B, J) == 85757 and cost(B, J) - best_cost == 2840
has(ref, "**£85,757**"); has(ref, "**£2,840**")
has(rub["c19"]["text"], "GBP 85,757"); has(rub["c19"]["text"], "GBP 2,840")
# the runbook-only plan (no M1->N2) puts N2 before M1: infeasible
c_rb, o_rb = dp(J40, cross=[("L2", "P2")])
assert o_rb[:2] == ("N1", "N2") and not feasible(o_rb)

# --- block ratios ----------------------------------------------------------------------------
def block(b):
    return sum(J[j][1] for j in b), sum(J[j][0] for j in b)


assert block(["M1", "N1", "N2"]) == (106, 32) and round(106 / 32, 2) == 3.31
assert round(51 / 14, 2) == 3.64
assert block(["L1", "L2", "P1", "P2"]) == (375, 140) and round(375 / 140, 2) == 2.68
for s in ["£106/min for 32 min, ratio 3.31", "would be 3.64", "£375/min for 140 min, ratio 2.68",
          "24/15 = 1.6", "35/30 = 1.17", "25/25 = 1.0"]:
    has(ref, s)
assert sum(weights[j] for j in ["L2", "P2"]) == 370; has(ref, "£370/min")

# --- the judgement: break-evens in L2 and the regret of each error ---------------------------
def cost_x(o, x):
    return cost(o, jobs_at(250, l2=x))


slope = (cost_x(B, 41) - cost_x(B, 40)) - (cost_x(A, 41) - cost_x(A, 40))
gap40 = cost_x(A, 40) - cost_x(B, 40)
assert slope == 106 and gap40 == 340
lo = 40 + gap40 / slope
assert round(lo, 1) == 43.2 and round(lo * 2.4, 1) == 103.7 and round(lo * 2.4 - 96, 1) == 7.7
has(ref, "**L2 > 43.2 min**"); has(ref, "**103.7 GB**"); has(ref, "about 7.7 GB"); has(ref, "40 + 340/106")
assert dp(jobs_at(250, lo + 0.01))[1] == A and dp(jobs_at(250, lo - 0.01))[1] == B
hi = 375 * 15 / 24 - 70
assert round(hi, 1) == 164.4 and round(hi * 2.4, 1) == 394.5
assert dp(jobs_at(250, hi - 0.01))[1] == A and dp(jobs_at(250, hi + 0.01))[1] != A
for x in range(44, 165):
    assert dp(jobs_at(250, x))[1] == A
has(ref, "L2 = 164.4 min (about 394.5 GB)"); has(ref, "(L2 > 164.4 min)")
assert cost_x(A, 40) - c40 == 340; has(ref, "**£340**")
assert gap40 + 2840 == 3180 and round(100 * 340 / 3180) == 11
has(ref, "about 11 % (340/3,180)")
assert sum(weights.values()) == 565; has(ref, "£565/min")
# decision at 04:10 (M1 done): ledger block beats notify only below 32.9 min
d1 = 375 * 14 / 51 - 70
assert round(d1, 1) == 32.9 and d1 < 40; has(ref, "under 32.9 min")
assert dp(jobs_at(250, d1 + 0.01), start=(0, 0, 1, 0))[1][0] == "N1"
assert dp(jobs_at(250, d1 - 0.01), start=(0, 0, 1, 0))[1][0] == "L1"
# decision at 05:12 (L1 done): M2 goes before L2 only above 212.4 min (~510 GB)
d3 = 375 * 15 / 24 - 22
assert round(d3, 1) == 212.4 and round(d3 * 2.4) == 510
assert dp(jobs_at(250, d3 + 0.01), start=(1, 0, 1, 2))[1][0] == "M2"
assert dp(jobs_at(250, d3 - 0.01), start=(1, 0, 1, 2))[1][0] == "L2"
has(ref, "above about 510 GB (L2 > 212.4 min")
assert clock(times["N2"]) == "04:24" and clock(times["L1"]) == "05:12" and clock(times["M1"]) == "04:10"
has(ref, "04:24–05:12"); has(ref, "06:44 + (L2 − 70)")

# --- rubric tolerances around the recomputed values ----------------------------------------------
assert 240 <= rate <= 260
assert 66 <= wal / replay_rate <= 74 and 158 <= wal <= 178
assert 82800 <= best_cost <= 83050 and 86250 <= cost(ic, J) <= 86450
assert 85650 <= cost(B, J) <= 85850 and 2750 <= cost(B, J) - best_cost <= 2950
assert 42.5 <= lo <= 44 and 102 <= lo * 2.4 <= 106
assert 300 <= 340 <= 380

# --- PLAT-2210 limits --------------------------------------------------------------------------
has(ticket, "up to 8 services on rcv-01, up to 4 steps per service")
assert 5 ** 8 == 390625 and 8 * 5 ** 8 == 3125000
has(ref, "**390,625**"); has(ref, "**3,125,000**")
has(rub["c13"]["text"], "390,625")
print("cs-alg-0101: all checks passed")
