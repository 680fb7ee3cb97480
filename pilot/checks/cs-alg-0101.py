"""Check script for cs-alg-0101: recomputes every number of the reference and rubric.

Runs the reference algorithm (DP over per-service progress vectors) and an exhaustive
enumeration of all feasible orders, and asserts that they agree with each other and with the
figures stated in the reference answer.
"""
import functools
import json
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
channel = att["#inc-4471 channel export (excerpt)"]
runbook = att["RB-DB-07 recovery host procedure v3.2 (extract)"]
costs = att["FY26 downtime cost table (finance)"]

def has(text, s):
    assert s in text, f"not found: {s!r}"

# --- inputs, each asserted to be in the material -------------------------------------------
has(channel, "60.0 GB in 240 s (250 MB/s avg")
has(runbook, "400 MB/s")
has(channel, "will not accept a single authorisation until ledger-db accepts writes")
volumes = {"L1": 720, "P1": 180, "M1": 270, "N1": 90}
for j, gb in volumes.items():
    has(runbook, f"{j}  restore base backup")
    has(runbook, f"{gb} GB")
fixed = {"L2": 40, "L3": 30, "P2": 10, "P3": 25, "M2": 15, "N2": 8}
for j, m in fixed.items():
    has(runbook, f"{m} min")
weights = {"P2": 270, "L2": 100, "M1": 55, "N2": 40, "L3": 35, "P3": 25, "M2": 24, "N1": 11, "P1": 5, "L1": 0}
for j, w in weights.items():
    has(costs, f"| {j} | {w} |")
assert 60.0 * 1000 / 240 == 250
chains = [["L1", "L2", "L3"], ["P1", "P2", "P3"], ["M1", "M2"], ["N1", "N2"]]
cross = [("L2", "P2")]

def jobs_at(rate_mb_s, l2=40):
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

def feasible(order):
    idx = {j: i for i, j in enumerate(order)}
    ok = all(idx[a] < idx[b] for c in chains for a, b in zip(c, c[1:]))
    return ok and all(idx[a] < idx[b] for a, b in cross)

def dp(jobs, chains=chains, cross=cross):
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
    return f(tuple([0] * k))

def all_orders():
    out = []
    def rec(s, order):
        if len(order) == 10:
            if feasible(order):
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
assert sum(p for p, _ in J.values()) == 212
has(ref, "212 min")

# --- optimum: DP versus brute force ----------------------------------------------------------
best_cost, best = dp(J)
orders = all_orders()
assert len(orders) == 12600
has(ref, "**12,600**")
costs_all = {o: cost(o, J) for o in orders}
m = min(costs_all.values())
argmins = [o for o, c in costs_all.items() if abs(c - m) < 1e-9]
assert abs(m - best_cost) < 1e-9 and argmins == [best], (m, best_cost, argmins)
assert best == ("N1", "N2", "L1", "L2", "P1", "P2", "M1", "M2", "L3", "P3")
assert best_cost == 68299
has(ref, "**£68,299**")
# timeline
t, times = 0, {}
for j in best:
    t += J[j][0]; times[j] = t
assert [times[j] for j in best] == [6, 14, 62, 102, 114, 124, 142, 157, 187, 212]
def clock(mins):
    h, mm = divmod(3 * 60 + 52 + int(mins), 60)
    return f"{h:02d}:{mm:02d}"
for j in best:
    has(ref, f"{clock(times[j])} (t={int(times[j])})")
assert clock(124) == "05:56" and clock(212) == "07:24"
terms = [weights[j] * times[j] for j in best]
has(ref, " + ".join(f"{int(v):,}" for v in terms)); assert sum(terms) == 68299

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
assert cost(g_ratio, J) == 72892 and cost(g_spt, J) == 73652 and cost(g_maxw, J) == 73321
for s in ["**£72,892**", "£73,652", "£73,321"]:
    has(ref, s)
ic = "M1 M2 N1 N2 P1 L1 L2 P2 P3 L3".split()
assert feasible(ic) and cost(ic, J) == 73446 and cost(ic, J) - best_cost == 5147
has(ref, "**£73,446**"); has(ref, "£5,147")
t = 0
for j in ic:
    t += J[j][0]
    if j == "P2":
        assert t == 157 and clock(t) == "06:29"
has(ref, "06:29 (t = 157)")

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
assert cr[:2] == ["P1", "P2"] and not feasible(cr) and cost(cr, J) == 39919
assert (J["P1"][1] + J["P2"][1]) / (J["P1"][0] + J["P2"][0]) == 12.5
has(ref, "275/22 = 12.5"); has(ref, "£39,919")
patched = [j for j in cr if j != "P2"]; patched.insert(patched.index("L2") + 1, "P2")
assert feasible(patched) and cost(patched, J) == 74069
has(ref, "£74,069")

# runbook-rate optimum applied to tonight's durations
r_cost, r_best = dp(R)
assert r_best == ("M1", "N1", "N2", "L1", "L2", "P1", "P2", "M2", "L3", "P3")
assert cost(r_best, J) == 69147 and cost(r_best, J) - best_cost == 848
has(ref, "**£69,147**"); has(ref, "£848")

# --- block ratios and sensitivity in L2 -----------------------------------------------------
assert round(51 / 14, 2) == 3.64 and round(375 / 110, 2) == 3.41 and round(55 / 18, 2) == 3.06
for s in ["ratio 3.64", "(3.41 per min²)", "55/18 = 3.06", "24/15 = 1.6", "35/30 = 1.17", "25/25 = 1.0"]:
    has(ref, s)
lo, hi = 375 * 14 / 51 - 70, 375 * 18 / 55 - 70
assert round(lo, 1) == 32.9 and round(hi, 1) == 52.7
def opt_l2(x):
    return dp(jobs_at(250, l2=x))[1]
# the DP agrees with the analytic thresholds
assert opt_l2(lo + 0.01) == best and opt_l2(hi - 0.01) == best
assert opt_l2(lo - 0.01) != best
above = opt_l2(hi + 0.01)
assert above == ("N1", "N2", "M1", "L1", "L2", "P1", "P2", "M2", "L3", "P3")
for x in range(33, 53):
    assert opt_l2(x) == best
assert round(lo * 2.4) == 79 and round(hi * 2.4) == 127 and round(hi * 2.4, 1) == 126.5
has(ref, "**L2 between 32.9 and 52.7 min**"); has(ref, "**79 GB to 127 GB** (126.5 GB)")
assert 96 / 2.4 == 40
has(ref, "13 minutes (31 GB"); assert round(hi - 40) == 13 and round((hi - 40) * 2.4) == 31
assert sum(weights.values()) - weights["N1"] - weights["N2"] == 514
has(ref, "£514 per minute")

# --- PLAT-2210 limits --------------------------------------------------------------------------
assert 5 ** 8 == 390625 and 8 * 5 ** 8 == 3125000
has(ref, "**390,625**"); has(ref, "3,125,000")
print("cs-alg-0101: all checks passed")
