"""Check script for edu-ar-0101: parses the task's own grade book (附件6), item table and option distribution (附件3),
Lin's summary (附件2), the item text and key (附件4) and the activity log (附件5); recomputes every figure the reference
and rubric use (class means on each basis, matched-cohort comparison, z-scores, SE of the difference, item-8 P and D
under key A and key B, re-grouping, grade changes under each scoring rule, support-group lists) and asserts each
figure as stated appears in the reference answer (and, where quoted, in the rubric)."""

import json
import math
import statistics as st
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}
rubtext = "\n".join(c["text"] + " " + c.get("tolerance", "") + " " + " ".join(c.get("alternatives", [])) for c in task["rubric"])


def get(prefix):
    hits = [v for k, v in att.items() if k.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


lin, stats, paper, log, book, rules = get("附件2"), get("附件3"), get("附件4"), get("附件5"), get("附件6"), get("附件7")


def inref(s):
    assert s in ref, f"not in reference: {s!r}"


def inrub(s):
    assert s in rubtext, f"not in rubric: {s!r}"


def f2(x):
    return f"{x:.2f}"


# ---- grade book ----
rows = []
lines = book.splitlines()
start = next(i for i, l in enumerate(lines) if l.startswith("序号,"))
for l in lines[start + 1:]:
    if not l.strip():
        continue
    p = l.split(",")
    rows.append(dict(name=p[2], cls=p[3], prev=int(p[4]), mid=int(p[5]) if p[5] else None, ch=p[6] or None, note=p[7]))
assert len(rows) == 54
C1, C2 = "八(1)", "八(2)"
assert sum(r["cls"] == C1 for r in rows) == 26 and sum(r["cls"] == C2 for r in rows) == 28
makeup = [r for r in rows if "补考" in r["note"]]
absent = [r for r in rows if r["mid"] is None]
assert [r["name"] for r in makeup] == ["许家乐", "蒋皓轩", "蔡依诺"] and all(r["cls"] == C2 for r in makeup)
assert [r["name"] for r in absent] == ["徐铭泽", "邓芷若", "沈奕辰", "卢梓萌", "薛雨菲"]
assert all("缺考" in r["note"] for r in absent)
on = [r for r in rows if r["mid"] is not None and r not in makeup]
assert len(on) == 46

# dates: lecture before make-up, same paper
assert "11月16日（周一）　两班同步试卷讲评" in log and "11月18日（周三）" in log and "使用原试卷" in log
assert "k<0、b>0" in log
inref("11月18日用原试卷补考") ; inref("11月16日已按原卷逐题讲评")


def mean(xs):
    return sum(xs) / len(xs)


def cls(c, pool):
    return [r for r in pool if r["cls"] == c]


# ---- Lin's claims (all students who have each score) ----
prev1, prev2 = mean([r["prev"] for r in cls(C1, rows)]), mean([r["prev"] for r in cls(C2, rows)])
mid1_all = mean([r["mid"] for r in cls(C1, rows) if r["mid"] is not None])
mid2_all = mean([r["mid"] for r in cls(C2, rows) if r["mid"] is not None])
n2_all = sum(r["mid"] is not None for r in cls(C2, rows))
assert n2_all == 24
for v in (prev1, prev2, mid1_all, mid2_all, prev1 - prev2, mid2_all - mid1_all, mid2_all - prev2, mid1_all - prev1):
    s = f2(v)
    assert s in lin, s
    inref(s)
assert f2((mid2_all - prev2) - (mid1_all - prev1)) == "8.14" and "8.14" in lin
inref("8.14")
assert f2(prev1) == "58.27" and f2(prev2) == "51.18" and f2(mid2_all) == "69.25"
inrub("69.25"); inrub("18.07")

# ---- on-time class statistics (教务处口径) ----
def table(pool, score):
    out = {}
    for c in (C1, C2, None):
        xs = [score(r) for r in pool if c is None or r["cls"] == c]
        out[c] = dict(n=len(xs), mean=mean(xs), p=sum(x >= 60 for x in xs), e=sum(x >= 85 for x in xs),
                      mx=max(xs), mn=min(xs), sd=st.stdev(xs))
    return out


orig = table(on, lambda r: r["mid"])
for c, label in ((C1, "八(1)"), (C2, "八(2)"), (None, "年级")):
    t = orig[c]
    row = f"{label} | {54 if c is None else (26 if c == C1 else 28)} | {t['n']} | {f2(t['mean'])} | {t['p']} | {100*t['p']/t['n']:.1f}% | {t['e']} | {100*t['e']/t['n']:.1f}% | {t['mx']} | {t['mn']}"
    assert row in stats, row
    inref(f"| {label} | {t['n']} | {f2(t['mean'])} | {t['p']}人，{100*t['p']/t['n']:.1f}% | {t['e']}人，{100*t['e']/t['n']:.1f}% |")
inrub("68.20"); inrub("67.52"); inrub("76.0%"); inrub("66.7%")
diff = orig[C1]["mean"] - orig[C2]["mean"]
assert f2(diff) == "0.68"
inref("0.68"); inrub("0.68")
inref("实考21人、平均分67.52分"); inref("实考24人、平均分69.25分")

# grade distribution
def grade(s):
    return "A" if s >= 85 else "B" if s >= 70 else "C" if s >= 60 else "D"


def dist(score):
    return [sum(grade(score(r)) == g for r in on) for g in "ABCD"]


d0 = dist(lambda r: r["mid"])
inref(f"按原答案为A {d0[0]}人、B {d0[1]}人、C {d0[2]}人、D {d0[3]}人")

# ---- item 8 ----
assert "8．A" in paper and "B．k<0，b≥0" in paper and "含b=0的情形" in paper
# truth: y=kx+b avoids quadrant III (x<0,y<0) iff k<0 and b>=0 (k != 0); check numerically
def avoids_iii(k, b):
    return all(not (x < 0 and k * x + b < 0) for x in [-(10 ** (e / 10)) for e in range(-60, 40)])
assert avoids_iii(-2, 0) and avoids_iii(-2, 3) and not avoids_iii(-2, -1) and not avoids_iii(2, 0)
ranked = sorted(on, key=lambda r: -r["mid"])
k = round(0.27 * len(on))
assert k == 12 and "各12人" in stats
H, L = ranked[:k], ranked[-k:]
assert ranked[k - 1]["mid"] > ranked[k]["mid"] and ranked[-k - 1]["mid"] > ranked[-k]["mid"]  # no ties at the cuts
cnt = lambda grp, o: sum(r["ch"] == o for r in grp)
allc = [cnt(on, o) for o in "ABCD"]
hc, lc = [cnt(H, o) for o in "ABCD"], [cnt(L, o) for o in "ABCD"]
assert f"全体 | {' | '.join(map(str, allc))} | 46" in stats
assert f"高分组 | {' | '.join(map(str, hc))} | 12" in stats and f"低分组 | {' | '.join(map(str, lc))} | 12" in stats
pA, dA = allc[0] / 46, (hc[0] - lc[0]) / 12
pB, dB = allc[1] / 46, (hc[1] - lc[1]) / 12
assert f2(pA) == "0.39" and "8 | 选择 | 4 | 0.39 | -0.17" in stats and f2(dA) == "-0.17"
inref("D=-0.17"); inrub("-0.17")
inref(f"高分组12人中只有{['零','1','2','3'][hc[0]]}人选A，低分组12人中有{lc[0]}人选A；高分组有{hc[1]}人选了B")
inref(f"P={f2(pB)}（{allc[1]}/46）"); inref(f"D={f2(dB)}（高分组{hc[1]}/12，低分组{lc[1]}/12")
inrub("0.37"); inrub("0.75"); inrub("17/46")

# regrouping on rescored totals (key B only)
resB = lambda r: r["mid"] - 4 * (r["ch"] == "A") + 4 * (r["ch"] == "B")
resAB = lambda r: r["mid"] + 4 * (r["ch"] == "B")
for sc in (resB, resAB):
    rk = sorted(on, key=lambda r: -sc(r))
    assert sc(rk[k - 1]) > sc(rk[k]) and sc(rk[-k - 1]) > sc(rk[-k])
    assert f2((cnt(rk[:k], "B") - cnt(rk[-k:], "B")) / 12) == f2(dB)
assert all(resB(r) <= 100 for r in on)

# other items: sum of item means equals the mean total (to rounding)
items = []
for l in stats.splitlines():
    p = [x.strip() for x in l.split("|")]
    if len(p) == 5 and p[0].isdigit():
        items.append((int(p[0]), int(p[2]), float(p[3]), float(p[4])))
assert len(items) == 22 and sum(w for _, w, _, _ in items) == 100
assert abs(sum(w * P for _, w, P, _ in items) - orig[None]["mean"]) < 0.1
neg = [i for i, _, _, D in items if D < 0]
assert neg == [8]
it = {i: (P, D) for i, _, P, D in items}
for i in (11, 22, 1, 9, 10):
    P, D = it[i]
    if i in (9, 10):
        inref(f"第{i}题（") ; inref(f"P={P:.2f}")
    else:
        inref(f"第{i}题（P={P:.2f}，D={D:.2f}）")

# scoring rules: grade changes, class means
upAB = [r for r in on if grade(resAB(r)) != grade(r["mid"])]
assert all(grade(resAB(r)) < grade(r["mid"]) for r in upAB)  # 'A'<'B': all upgrades
assert [r["name"] for r in upAB] == ["何锦程", "吕欣怡", "丁可欣", "夏文博"]
for r in upAB:
    inref(f"{r['name']}：{r['mid']}→{resAB(r)}，{grade(r['mid'])}→{grade(resAB(r))}")
    inrub(r["name"])
downB = [r for r in on if grade(resB(r)) > grade(r["mid"])]
assert [r["name"] for r in downB] == ["吴俊熙", "孙可馨", "苏睿哲"]
for r in downB:
    inref(f"{r['name']}（{r['mid']}→{resB(r)}）")
    inrub(f"{r['name']}（{resB(r)}）")
inref(f"选A的{allc[0]}人各减4分")
tAB, tB = table(on, resAB), table(on, resB)
inref(f"{f2(tAB[C1]['mean'])}和{f2(tAB[C2]['mean'])}"); inref(f"{f2(tB[C1]['mean'])}和{f2(tB[C2]['mean'])}")
inrub(f"{f2(tAB[C1]['mean'])}/{f2(tAB[C2]['mean'])}"); inrub(f"{f2(tB[C1]['mean'])}/{f2(tB[C2]['mean'])}")
dAB = dist(resAB)
inref(f"调整后为A {dAB[0]}人、B {dAB[1]}人、C {dAB[2]}人、D {dAB[3]}人")

# ---- composition of Lin's comparison ----
ab2 = [r for r in absent if r["cls"] == C2]
inref("、".join(str(r["prev"]) for r in ab2) + "分，平均" + f2(mean([r["prev"] for r in ab2])) + "分")
assert f2(mean([r["prev"] for r in ab2])) == "27.00"
inrub("25、32、33、18"); inrub("27.00")
mp, mm = [r["prev"] for r in makeup], [r["mid"] for r in makeup]
inref("七下期末为" + "、".join(map(str, mp)) + f"分（平均{f2(mean(mp))}）")
inref("期中为" + "、".join(map(str, mm)) + f"分（平均{f2(mean(mm))}）")
inref(f"一次提高{f2(mean(mm) - mean(mp))}分")
inrub("、".join(map(str, mm))); inrub("、".join(map(str, mp)))

# matched cohort
m1p, m2p = mean([r["prev"] for r in cls(C1, on)]), mean([r["prev"] for r in cls(C2, on)])
m1m, m2m = orig[C1]["mean"], orig[C2]["mean"]
inref(f"七下期末：八(1)班{f2(m1p)}分，八(2)班{f2(m2p)}分，八(2)班低{f2(m1p - m2p)}分")
inref(f"期中：八(1)班{f2(m1m)}分，八(2)班{f2(m2m)}分，八(2)班低{f2(m1m - m2m)}分")
for s in (f2(m1p), f2(m2p), f2(m1p - m2p)):
    inrub(s)
inref(f"七下同批学生仅差{f2(m1p - m2p)}分")
# z-scores (grade population SD on each test: all 54 on 七下, the 46 on-time on 期中)
gp, gps = mean([r["prev"] for r in rows]), st.pstdev([r["prev"] for r in rows])
gm, gms = orig[None]["mean"], st.pstdev([r["mid"] for r in on])
z = {c: (mean([(r["prev"] - gp) / gps for r in cls(c, on)]), mean([(r["mid"] - gm) / gms for r in cls(c, on)])) for c in (C1, C2)}
inref(f"八(1)班由{f2(z[C1][0])}变为{f2(z[C1][1])}，八(2)班由{f2(z[C2][0])}变为{f2(z[C2][1])}")
inrub(f"{f2(z[C1][0])}→{f2(z[C1][1])}")
inref(f"七下年级均分{f2(gp)}分，本次年级均分{f2(gm)}分")
inrub(f2(gp)); inrub(f2(gm))
se = math.sqrt(orig[C1]["sd"] ** 2 / orig[C1]["n"] + orig[C2]["sd"] ** 2 / orig[C2]["n"])
assert 3.8 <= se <= 4.9
inref(f"标准误约为{f2(se)}分"); inrub(f2(se))
gsd = orig[None]["sd"]
assert f2(gsd) == "14.48" and 0.04 <= diff / gsd <= 0.06 and f2(diff / gsd) == "0.05"
inrub("14.48"); inrub("0.05倍")

# ---- support-group lists ----
below = [r["name"] for r in on if r["mid"] < 60]
assert len(below) == 13
inref("期中低于60分的13人")
b1 = [r["name"] for r in on if r["mid"] < 60 and r["cls"] == C1]
b2 = [r["name"] for r in on if r["mid"] < 60 and r["cls"] == C2]
inref("八(1)班" + "、".join(b1) + "，八(2)班" + "、".join(b2))
inrub("、".join(below))
extra = [r["name"] for r in on if r["mid"] >= 60 and resB(r) < 60]
assert extra == [r["name"] for r in downB]
inref(f"确定进入的{len(below) + len(extra)}人")
inref("分别为" + "、".join(str(resB(r)) for r in on if r["name"] in extra) + "分")
inref("：" + "、".join(r["name"] for r in absent))
inref("先诊断再定的" + str(len(absent) + len(makeup)) + "人")
inref("、".join(r["name"] for r in makeup))
assert "A（85分及以上）、B（70—84分）、C（60—69分）、D（60分以下）" in rules
print("edu-ar-0101 check: all figures recomputed and found in the reference")
